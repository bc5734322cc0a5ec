/**
 * Arrival-time leaks (issue 26 §1): what a reader polling the console, or whoever reads KV and D1,
 * could learn about when a worker acted. Each test is the attack; it failed on the code before the fix.
 */
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { encryptAttachment, type Sodium } from '../../src/crypto';
import { ATTACHMENT_LIMITS, chunkAdditionalData } from '../../src/domain/attachment';
import { UPLOAD_TTL_SECONDS, uploadExpiration } from '../../src/storage/uploads';
import { buildSubmission, challenge, mailboxProof, makeFacility, post, releaseNow, sampleReport, sodium, type TestFacility } from './helpers';
import { api, signIn } from './console-helpers';

const listedIds = async (token: string) =>
  ((await (await api('/console/api/cases?limit=200', { token })).json()) as { cases: Array<{ id: string }> }).cases.map((c) => c.id);
const thread = async (s: Sodium, code: string) => (await api('/api/mailbox/thread', { body: await mailboxProof(s, code, 'thread') })).status;

async function released(s: Sodium, f: TestFacility, sendTo: 'monitor' | 'authority' | 'both' = 'monitor', extra: Record<string, unknown> = {}) {
  const sub = await buildSubmission(s, f, sampleReport(f.id, sendTo));
  expect((await post({ ...sub.body, ...extra })).status).toBe(201);
  await releaseNow();
  return { id: sub.body.reportId as string, code: sub.code, body: sub.body };
}

function put(reportId: string, attachmentId: string, index: number, bytes: Uint8Array, pow: { challenge: string; counter: number }) {
  return SELF.fetch(
    `https://buzon.test/api/reports/${reportId}/attachments/${attachmentId}/chunks/${index}?challenge=${encodeURIComponent(pow.challenge)}&counter=${pow.counter}`,
    {
      method: 'PUT',
      body: bytes,
    },
  );
}

describe("a worker's own erasure", () => {
  it('should close the case for the worker at once, and for readers only at the next release step', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await released(s, f);
    const token = await signIn(s, f.monitor);
    expect(await listedIds(token)).toContain(c.id);

    const res = await api('/api/mailbox/erase', { body: await mailboxProof(s, c.code, 'erase') });
    expect(await res.json()).toEqual({ erased: true, held: false });
    // The worker's side: nothing, at once.
    expect(await thread(s, c.code)).toBe(404);
    // The readers' side: nothing moved until the release, so the minute of the erasure is not theirs to see.
    expect(await listedIds(token)).toContain(c.id);
    expect((await api(`/console/api/cases/${c.id}`, { token })).status).toBe(200);

    await releaseNow();
    expect(await listedIds(token)).not.toContain(c.id);
    expect((await api(`/console/api/cases/${c.id}`, { token })).status).toBe(404);
    expect(await thread(s, c.code)).toBe(404);
  });
});

describe('upload keys', () => {
  it('should expire at a day boundary, go once copied, and leave no upload rows once the report is stored', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body, code } = await buildSubmission(s, f);
    const attachmentId = s.to_hex(s.randombytes_buf(16));
    const enc = encryptAttachment(
      s,
      s.randombytes_buf(ATTACHMENT_LIMITS.chunkBytes + 10),
      ATTACHMENT_LIMITS.chunkBytes,
      chunkAdditionalData(body.reportId, attachmentId),
    );
    for (const [i, chunk] of enc.chunks.entries()) expect((await put(body.reportId, attachmentId, i, chunk, body.pow)).status).toBe(204);
    const uploaded = (await env.BLOBS.list({ prefix: `upload/${body.reportId}/` })).keys;
    expect(uploaded).toHaveLength(2);
    // KV returns the absolute expiry: a TTL from the upload second would give that second away.
    for (const k of uploaded) expect((k.expiration! - 6 * 3600) % 86400).toBe(0);
    // ...and a UTC day would tell an upload before 18:00 in Mexico City from one after: one expiry per Mexico day.
    const at = (iso: string) => Date.parse(iso) / 1000;
    const day = uploadExpiration(at('2026-12-07T06:00:00Z')); // 00:00 in Mexico City
    expect(uploadExpiration(at('2026-12-07T23:30:00Z'))).toBe(day); // 17:30
    expect(uploadExpiration(at('2026-12-08T01:00:00Z'))).toBe(day); // 19:00, already the next UTC day
    expect(uploadExpiration(at('2026-12-08T05:59:00Z'))).toBe(day); // 23:59
    expect(uploadExpiration(at('2026-12-08T06:00:00Z'))).toBe(day + 86400); // the next Mexico day
    // Never sooner than the TTL the upload was promised, whatever the hour (the last minute of a Mexico day).
    expect(uploadExpiration(at('2026-12-08T05:59:00Z')) - at('2026-12-08T05:59:00Z')).toBeGreaterThanOrEqual(UPLOAD_TTL_SECONDS);
    expect(new Date(day * 1000).toISOString()).toBe('2026-12-11T06:00:00.000Z'); // midnight in Mexico City

    expect((await post({ ...body, attachments: [{ id: attachmentId, chunks: 2 }] })).status).toBe(201);
    expect((await env.BLOBS.list({ prefix: `upload/${body.reportId}/` })).keys).toEqual([]);
    expect((await env.BLOBS.list({ prefix: `report/${body.reportId}/att/` })).keys).toHaveLength(2);
    const rows = await env.DB.prepare(
      'SELECT (SELECT count(*) FROM upload_claims WHERE report_id = ?1) + (SELECT count(*) FROM attachment_uploads WHERE report_id = ?1) AS n',
    )
      .bind(body.reportId)
      .first<{ n: number }>();
    expect(rows!.n).toBe(0);

    // A later file still uploading when the worker erases the case goes with it.
    await releaseNow();
    const later = s.to_hex(s.randombytes_buf(16));
    const proof = await mailboxProof(s, code, `attach:${later}:0`);
    const q = new URLSearchParams(proof).toString();
    expect((await SELF.fetch(`https://buzon.test/api/mailbox/attachments/${later}/chunks/0?${q}`, { method: 'PUT', body: enc.chunks[0] })).status).toBe(204);
    expect((await env.BLOBS.list({ prefix: `upload/${body.reportId}/` })).keys).toHaveLength(1);
    expect((await api('/api/mailbox/erase', { body: await mailboxProof(s, code, 'erase') })).status).toBe(200);
    await releaseNow();
    const { purgeErasedBlobs } = await import('../../src/storage/retention');
    await purgeErasedBlobs(env.DB, env.BLOBS, 1000);
    expect((await env.BLOBS.list({ prefix: `upload/${body.reportId}/` })).keys).toEqual([]);
    expect((await env.BLOBS.list({ prefix: `report/${body.reportId}/` })).keys).toEqual([]);
  });
});

describe('the proof-of-work price', () => {
  it('should not move with reports the company never reads', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const before = (await challenge(f.id)).bits;
    for (let i = 0; i < 9; i++) await released(s, f, 'authority');
    expect((await challenge(f.id)).bits).toBe(before);
    // Reports the monitor reads still raise it.
    for (let i = 0; i < 9; i++) await released(s, f, 'monitor');
    expect((await challenge(f.id)).bits).toBeGreaterThan(before);
  });
});

describe('triage events', () => {
  it("should number each reader's events by position, so gaps say nothing of the other side", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const c = await released(s, f, 'both');
    const monitor = await signIn(s, f.monitor);
    const official = await signIn(s, f.official);
    const triage = (token: string, change: Record<string, unknown>) => api(`/console/api/cases/${c.id}/triage`, { token, body: change });
    expect((await triage(monitor, { status: 'acknowledged' })).status).toBe(200);
    expect((await triage(official, { status: 'acknowledged' })).status).toBe(200);
    expect((await triage(official, { severity: 'high' })).status).toBe(200);
    expect((await triage(monitor, { severity: 'low' })).status).toBe(200);
    const events = async (token: string) =>
      ((await (await api(`/console/api/cases/${c.id}`, { token })).json()) as { events: Array<{ seq: number; field: string }> }).events;
    expect((await events(monitor)).map((e) => [e.seq, e.field])).toEqual([
      [1, 'status'],
      [2, 'severity'],
    ]);
    expect((await events(official)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });
});
