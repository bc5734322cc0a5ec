import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { checkWork, decryptAttachment, encryptAttachment, type Sodium } from '../../src/crypto';
import { ATTACHMENT_LIMITS, chunkAdditionalData } from '../../src/domain/attachment';
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

describe('attachment chunks', () => {
  it('should store uploaded chunks once however often they are retried, then tie them to the report', async () => {
    const s = await sodium();
    const { f, body, attachmentId, bytes, encrypted } = await withEvidence(s);
    for (const [i, chunk] of encrypted.chunks.entries()) {
      expect((await put(body.reportId, attachmentId, i, chunk, body.pow)).status).toBe(204);
      if (i === 1) expect((await put(body.reportId, attachmentId, i, chunk, body.pow)).status).toBe(204); // a retry
    }
    const { keys } = await env.BLOBS.list({ prefix: `report/${body.reportId}/att/` });
    expect(keys).toHaveLength(3);
    const res = await post({ ...body, attachments: [{ id: attachmentId, chunks: 3 }] });
    expect(res.status).toBe(201);
    expect(await env.DB.prepare('SELECT chunks FROM attachments WHERE report_id = ?1').bind(body.reportId).first()).toEqual({ chunks: 3 });
    await releaseNow();
    // Too late: the report is stored.
    expect((await put(body.reportId, attachmentId, 0, encrypted.chunks[0]!, body.pow)).status).toBe(409);

    // The monitor downloads the chunks through the console and they decrypt to the original.
    const token = await signIn(s, f.monitor);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api(`/console/api/cases/${body.reportId}/attachments/${attachmentId}/chunks/${i}`, { token });
      expect(r.status).toBe(200);
      chunks.push(new Uint8Array(await r.arrayBuffer()));
    }
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
    expect((await put(body.reportId, attachmentId, 999, encrypted.chunks[0]!, body.pow)).status).toBe(400);
    const six = Array.from({ length: 6 }, () => ({ id: s.to_hex(s.randombytes_buf(16)), chunks: 1 }));
    expect((await post({ ...body, attachments: six })).status).toBe(400);
    expect((await env.BLOBS.list({ prefix: `report/${body.reportId}/att/` })).keys).toHaveLength(0);
  });
});

describe('abandoned uploads', () => {
  it('should remove old chunks of reports never sent, and keep stored reports and fresh uploads', async () => {
    const s = await sodium();
    const kept = await withEvidence(s);
    for (const [i, chunk] of kept.encrypted.chunks.entries()) await put(kept.body.reportId, kept.attachmentId, i, chunk, kept.body.pow);
    expect((await post({ ...kept.body, attachments: [{ id: kept.attachmentId, chunks: 3 }] })).status).toBe(201);
    const abandoned = `report/${s.to_hex(s.randombytes_buf(16))}/att/${s.to_hex(s.randombytes_buf(16))}/0`;
    const fresh = `report/${s.to_hex(s.randombytes_buf(16))}/att/${s.to_hex(s.randombytes_buf(16))}/0`;
    await env.BLOBS.put(abandoned, new Uint8Array(40), { metadata: { day: '2020-01-01' } });
    await env.BLOBS.put(fresh, new Uint8Array(40), { metadata: { day: '2999-01-01' } });
    // Stored reports' chunks are kept even when old: make one look old.
    const keptKey = `report/${kept.body.reportId}/att/${kept.attachmentId}/0`;
    await env.BLOBS.put(keptKey, (await env.BLOBS.get(keptKey, 'arrayBuffer'))!, { metadata: { day: '2020-01-01' } });

    expect(await forgetUnreferencedBlobs(env.DB, env.BLOBS, '2026-01-01')).toBeGreaterThanOrEqual(1);
    expect(await env.BLOBS.get(abandoned)).toBeNull();
    expect(await env.BLOBS.get(fresh)).not.toBeNull();
    expect(await env.BLOBS.get(keptKey)).not.toBeNull();
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
