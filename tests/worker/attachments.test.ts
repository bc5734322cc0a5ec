import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { checkWork, decryptAttachment, encryptAttachment, type Sodium } from '../../src/crypto';
import { ATTACHMENT_LIMITS, CHUNK_OVERHEAD, chunkAdditionalData, MAX_CHUNKS } from '../../src/domain/attachment';
import { forgetExpiredUploads, keepAttachments, UPLOAD_TTL_SECONDS } from '../../src/storage/uploads';
import { forgetUnreferencedBlobs } from '../../src/storage/cleanup';
import { buildSubmission, makeFacility, post, releaseNow, sodium, storedTrace } from './helpers';
import { api, signIn } from './console-helpers';

function put(reportId: string, attachmentId: string, index: number, bytes: Uint8Array, pow?: { challenge: string; counter: number }) {
  const q = pow ? `?challenge=${encodeURIComponent(pow.challenge)}&counter=${pow.counter}` : '';
  return SELF.fetch(`https://buzon.test/api/reports/${reportId}/attachments/${attachmentId}/chunks/${index}${q}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
}

async function withEvidence(s: Sodium) {
  const f = await makeFacility(s);
  const { body } = await buildSubmission(s, f);
  const attachmentId = s.to_hex(s.randombytes_buf(16));
  const bytes = s.randombytes_buf(ATTACHMENT_LIMITS.chunkBytes * 2 + 100);
  const encrypted = encryptAttachment(s, bytes, ATTACHMENT_LIMITS.chunkBytes, chunkAdditionalData(body.reportId, attachmentId));
  return { f, body, attachmentId, bytes, encrypted };
}

/** The chunks of an attachment as the console downloads them, each answered 200. */
async function downloadChunks(token: string, reportId: string, attachmentId: string, count: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const r = await api(`/console/api/cases/${reportId}/attachments/${attachmentId}/chunks/${i}`, { token });
    expect(r.status).toBe(200);
    chunks.push(new Uint8Array(await r.arrayBuffer()));
  }
  return chunks;
}

describe('attachment chunks', () => {
  it('should store uploaded chunks once however often they are retried, then tie them to the report', async () => {
    const s = await sodium();
    const { f, body, attachmentId, bytes, encrypted } = await withEvidence(s);
    for (const [i, chunk] of encrypted.chunks.entries()) {
      expect((await put(body.reportId, attachmentId, i, chunk, body.pow)).status).toBe(204);
      if (i === 1) expect((await put(body.reportId, attachmentId, i, chunk, body.pow)).status).toBe(204); // a retry
    }
    const { keys } = await env.BLOBS.list({ prefix: `upload/${body.reportId}/att/` });
    expect(keys).toHaveLength(3);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM attachment_uploads WHERE report_id = ?1').bind(body.reportId).first()).toEqual({ n: 3 });
    const res = await post({ ...body, attachments: [{ id: attachmentId, chunks: 3 }] });
    expect(res.status).toBe(201);
    expect(await env.DB.prepare('SELECT chunks, kept FROM attachments WHERE report_id = ?1').bind(body.reportId).first()).toEqual({ chunks: 3, kept: 1 });
    await releaseNow();
    // Too late: the report is stored.
    expect((await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!, body.pow)).status).toBe(409);

    // The monitor downloads the chunks through the console and they decrypt to the original.
    const token = await signIn(s, f.monitor);
    const chunks = await downloadChunks(token, body.reportId, attachmentId, 3);
    expect(decryptAttachment(s, encrypted.key, encrypted.header, chunks, chunkAdditionalData(body.reportId, attachmentId))).toEqual(bytes);
    const other = await makeFacility(s);
    const stranger = await signIn(s, other.monitor);
    expect((await api(`/console/api/cases/${body.reportId}/attachments/${attachmentId}/chunks/0`, { token: stranger })).status).toBe(404);
    expect((await api(`/console/api/cases/${body.reportId}/attachments/${attachmentId}/chunks/3`, { token })).status).toBe(404);
  });

  it('should refuse a report whose attachment is not fully uploaded, and store nothing', async () => {
    const s = await sodium();
    const { body, attachmentId, encrypted } = await withEvidence(s);
    await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!, body.pow);
    await put(body.reportId, attachmentId, 2, encrypted.chunks[2]!, body.pow);
    const res = await post({ ...body, attachments: [{ id: attachmentId, chunks: 3 }] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.code).toBe('attachment_incomplete');
    expect(await storedTrace(body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
  });

  it('should refuse uploads without valid work, oversized chunks, and too many attachments', async () => {
    const s = await sodium();
    const { body, attachmentId, encrypted } = await withEvidence(s);
    expect((await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!)).status).toBe(403);
    let wrong = 0;
    while (checkWork(s, body.pow.challenge, body.reportId, wrong, 4)) wrong++;
    expect((await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!, { challenge: body.pow.challenge, counter: wrong })).status).toBe(403);
    // At the tests' 4-bit difficulty a random id passes the same work 1 time in 16: pick one it fails for.
    let otherReport: string;
    do otherReport = s.to_hex(s.randombytes_buf(16));
    while (checkWork(s, body.pow.challenge, otherReport, body.pow.counter, 4));
    expect((await put(otherReport, attachmentId, 0, encrypted.chunks[0]!, body.pow)).status).toBe(403);
    expect((await put(body.reportId, attachmentId, 0, new Uint8Array(ATTACHMENT_LIMITS.chunkBytes + 100), body.pow)).status).toBe(413);
    expect((await put(body.reportId, attachmentId, 999, encrypted.chunks[0]!, body.pow)).status).toBe(413);
    expect((await put(body.reportId, attachmentId, '01' as unknown as number, encrypted.chunks[0]!, body.pow)).status).toBe(400);
    const six = Array.from({ length: 6 }, () => ({ id: s.to_hex(s.randombytes_buf(16)), chunks: 1 }));
    expect((await post({ ...body, attachments: six })).status).toBe(400);
    expect((await env.BLOBS.list({ prefix: `upload/${body.reportId}/att/` })).keys).toHaveLength(0);
    expect((await env.BLOBS.list({ prefix: `report/${body.reportId}/att/` })).keys).toHaveLength(0);
  });
});

/** A counter that solves `challenge` for `reportId` at the tests' difficulty. */
function solve(s: Sodium, challenge: string, reportId: string) {
  let counter = 0;
  while (!checkWork(s, challenge, reportId, counter, 4)) counter++;
  return { challenge, counter };
}

const uploadsOf = async (reportId: string) => (await env.BLOBS.list({ prefix: `upload/${reportId}/` })).keys.length;
const recordsOf = async (reportId: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM attachment_uploads WHERE report_id = ?1').bind(reportId).first<{ n: number }>())!.n;
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const hex = (s: Sodium) => s.to_hex(s.randombytes_buf(16));

describe('bounded evidence', () => {
  it('should refuse a token the server never signed, and store nothing', async () => {
    const s = await sodium();
    const { body, attachmentId, encrypted } = await withEvidence(s);
    const forged = body.pow.challenge.replace(/\.[^.]+$/, '.' + 'A'.repeat(43));
    const res = await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!, solve(s, forged, body.reportId));
    expect(res.status).toBe(403);
    expect((await codeOf(res)).code).toBe('pow_invalid');
    // Same claims, higher difficulty claimed cheaper: the MAC no longer matches.
    const parts = body.pow.challenge.split('.');
    parts[3] = '0';
    expect((await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!, { challenge: parts.join('.'), counter: 0 })).status).toBe(403);
    expect(await uploadsOf(body.reportId)).toBe(0);
    expect(await recordsOf(body.reportId)).toBe(0);
  });

  it("should refuse a token already paying for another report's chunks, at upload and at submission", async () => {
    const s = await sodium();
    const first = await withEvidence(s);
    expect((await put(first.body.reportId, first.attachmentId, 0, first.encrypted.chunks[0]!, first.body.pow)).status).toBe(204);
    // The same token, with real work for a second report id: replayed.
    const { body: second } = await buildSubmission(s, first.f);
    const replayed = solve(s, first.body.pow.challenge, second.reportId);
    const res = await put(second.reportId, hex(s), 0, first.encrypted.chunks[0]!, replayed);
    expect(res.status).toBe(409);
    expect(await codeOf(res)).toMatchObject({ code: 'pow_replayed', message: expect.stringContaining('Intenta de nuevo') });
    expect(await uploadsOf(second.reportId)).toBe(0);
    expect(await recordsOf(second.reportId)).toBe(0);
    // Nor can it pay for the second report itself.
    const stolen = await post({ ...second, pow: replayed });
    expect(stolen.status).toBe(409);
    expect((await codeOf(stolen)).code).toBe('pow_replayed');
    expect(await storedTrace(second.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
    // The second report with its own token is fine, and the first one's token still pays for the first.
    expect((await post(second)).status).toBe(201);
    for (const [i, chunk] of first.encrypted.chunks.entries()) expect((await put(first.body.reportId, first.attachmentId, i, chunk, first.body.pow)).status).toBe(204);
    expect((await post({ ...first.body, attachments: [{ id: first.attachmentId, chunks: 3 }] })).status).toBe(201);
  });

  it("should refuse a token a stored report spent, for another report's chunks", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body: stored } = await buildSubmission(s, f);
    expect((await post(stored)).status).toBe(201);
    const other = hex(s);
    const res = await put(other, hex(s), 0, new Uint8Array(100), solve(s, stored.pow.challenge, other));
    expect(res.status).toBe(409);
    expect((await codeOf(res)).code).toBe('pow_replayed');
    expect(await uploadsOf(other)).toBe(0);
    expect(await recordsOf(other)).toBe(0);
  });

  it('should keep a report within its file cap and each file within its chunk cap, storing nothing past them', async () => {
    const s = await sodium();
    const { body } = await withEvidence(s);
    const chunk = new Uint8Array(CHUNK_OVERHEAD + 1);
    const files = Array.from({ length: ATTACHMENT_LIMITS.files }, () => hex(s));
    for (const id of files) expect((await put(body.reportId, id, 0, chunk, body.pow)).status).toBe(204);
    const extra = await put(body.reportId, hex(s), 0, chunk, body.pow);
    expect(extra.status).toBe(413);
    expect(await codeOf(extra)).toMatchObject({ code: 'attachment_limit', message: expect.stringContaining('límite') });
    expect(await uploadsOf(body.reportId)).toBe(ATTACHMENT_LIMITS.files);
    expect(await recordsOf(body.reportId)).toBe(ATTACHMENT_LIMITS.files);
    // Files already counted take more chunks, up to the last one a 10 MiB file needs, and retries stay idempotent.
    expect((await put(body.reportId, files[0]!, MAX_CHUNKS - 1, chunk, body.pow)).status).toBe(204);
    expect((await put(body.reportId, files[0]!, MAX_CHUNKS - 1, chunk, body.pow)).status).toBe(204);
    const past = await put(body.reportId, files[1]!, MAX_CHUNKS, chunk, body.pow);
    expect(past.status).toBe(413);
    expect((await codeOf(past)).code).toBe('attachment_limit');
    const english = await SELF.fetch(`https://buzon.test/api/reports/${body.reportId}/attachments/${files[1]}/chunks/${MAX_CHUNKS}?lang=en&challenge=${encodeURIComponent(body.pow.challenge)}&counter=${body.pow.counter}`, { method: 'PUT', body: chunk });
    expect((await codeOf(english)).message).toContain('limit');
    expect(await uploadsOf(body.reportId)).toBe(ATTACHMENT_LIMITS.files + 1);
    expect(await recordsOf(body.reportId)).toBe(ATTACHMENT_LIMITS.files + 1);
  });

  it('should hold the file cap when the uploads of one report race', async () => {
    const s = await sodium();
    const { body } = await withEvidence(s);
    const chunk = new Uint8Array(CHUNK_OVERHEAD + 1);
    const statuses = await Promise.all(Array.from({ length: 12 }, () => put(body.reportId, hex(s), 0, chunk, body.pow).then((r) => r.status)));
    expect(statuses.filter((x) => x === 204)).toHaveLength(ATTACHMENT_LIMITS.files);
    expect(statuses.filter((x) => x === 413)).toHaveLength(12 - ATTACHMENT_LIMITS.files);
    expect(await uploadsOf(body.reportId)).toBe(ATTACHMENT_LIMITS.files);
  });
});

describe('abandoned uploads', () => {
  it('should upload with a TTL, and keep a stored report\'s chunks for good and readable once the uploads expire', async () => {
    const s = await sodium();
    const { f, body, attachmentId, bytes, encrypted } = await withEvidence(s);
    for (const [i, chunk] of encrypted.chunks.entries()) expect((await put(body.reportId, attachmentId, i, chunk, body.pow)).status).toBe(204);
    const uploads = (await env.BLOBS.list({ prefix: `upload/${body.reportId}/` })).keys;
    expect(uploads).toHaveLength(3);
    const now = Date.now() / 1000;
    for (const k of uploads) expect(k.expiration).toBeGreaterThan(now + UPLOAD_TTL_SECONDS - 120);
    // A report never sent leaves nothing here: its uploads go by themselves, no loop needed.
    expect((await env.BLOBS.list({ prefix: `report/${body.reportId}/` })).keys).toHaveLength(0);

    expect((await post({ ...body, attachments: [{ id: attachmentId, chunks: 3 }] })).status).toBe(201);
    const permanent = (await env.BLOBS.list({ prefix: `report/${body.reportId}/att/` })).keys;
    expect(permanent.map((k) => k.name).sort()).toEqual([0, 1, 2].map((i) => `report/${body.reportId}/att/${attachmentId}/${i}`));
    for (const k of permanent) expect(k.expiration).toBeUndefined();
    // The TTL runs out: the monitor still reads every chunk from its permanent key.
    for (const k of uploads) await env.BLOBS.delete(k.name);
    await releaseNow();
    const token = await signIn(s, f.monitor);
    const chunks = await downloadChunks(token, body.reportId, attachmentId, 3);
    expect(decryptAttachment(s, encrypted.key, encrypted.header, chunks, chunkAdditionalData(body.reportId, attachmentId))).toEqual(bytes);
  });

  it('should finish a copy that failed at submission, reading the upload keys meanwhile', async () => {
    const s = await sodium();
    const { f, body, attachmentId, encrypted } = await withEvidence(s);
    for (const [i, chunk] of encrypted.chunks.entries()) await put(body.reportId, attachmentId, i, chunk, body.pow);
    expect((await post({ ...body, attachments: [{ id: attachmentId, chunks: 3 }] })).status).toBe(201);
    // As if the copy had failed after the report was stored: the chunks back under their upload keys only.
    for (let i = 0; i < 3; i++) {
      const bytes = await env.BLOBS.get(`report/${body.reportId}/att/${attachmentId}/${i}`, 'arrayBuffer');
      await env.BLOBS.put(`upload/${body.reportId}/att/${attachmentId}/${i}`, bytes!);
      await env.BLOBS.delete(`report/${body.reportId}/att/${attachmentId}/${i}`);
    }
    await env.DB.prepare('UPDATE attachments SET kept = 0 WHERE report_id = ?1').bind(body.reportId).run();
    await releaseNow();
    const token = await signIn(s, f.monitor);
    expect((await api(`/console/api/cases/${body.reportId}/attachments/${attachmentId}/chunks/1`, { token })).status).toBe(200);
    expect(await keepAttachments(env.DB, env.BLOBS)).toBeGreaterThanOrEqual(1);
    expect(await env.DB.prepare('SELECT kept FROM attachments WHERE report_id = ?1').bind(body.reportId).first()).toEqual({ kept: 1 });
    const permanent = (await env.BLOBS.list({ prefix: `report/${body.reportId}/att/` })).keys;
    expect(permanent).toHaveLength(3);
    for (const k of permanent) expect(k.expiration).toBeUndefined();
    expect((await env.BLOBS.list({ prefix: `upload/${body.reportId}/` })).keys).toEqual([]);
  });

  it('should forget upload records once their tokens and chunks have expired', async () => {
    const s = await sodium();
    const { body, attachmentId, encrypted } = await withEvidence(s);
    await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!, body.pow);
    expect(await forgetExpiredUploads(env.DB)).toBe(0);
    expect(await recordsOf(body.reportId)).toBe(1);
    expect(await forgetExpiredUploads(env.DB, '2999-01-01')).toBeGreaterThanOrEqual(2);
    expect(await recordsOf(body.reportId)).toBe(0);
  });

  it('should remove an old body no report points to (a losing racer), and keep the stored one', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    expect((await post(body)).status).toBe(201);
    const { bodyKey } = (await env.DB.prepare('SELECT body_key AS bodyKey FROM reports WHERE id = ?1').bind(body.reportId).first<{ bodyKey: string }>())!;
    const loser = `report/${body.reportId}/body/someOtherCiphertext00`;
    await env.BLOBS.put(loser, new Uint8Array(600), { metadata: { day: '2020-01-01' } });
    await env.BLOBS.put(bodyKey, (await env.BLOBS.get(bodyKey, 'arrayBuffer'))!, { metadata: { day: '2020-01-01' } });
    await forgetUnreferencedBlobs(env.DB, env.BLOBS, '2026-01-01');
    expect(await env.BLOBS.get(loser)).toBeNull();
    expect(await env.BLOBS.get(bodyKey)).not.toBeNull();
  });
});
