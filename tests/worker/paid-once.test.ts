/**
 * Abuse without identity (issue 26 §3, §5): proof of work pays once, a stale price is refused with
 * a fresh challenge, a repeated chunk costs no write, the chunk route is limited per report, and a
 * mailbox proof for erasing or answering is single use. Each test is the attack; it failed before the fix.
 */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { checkWork, encryptAttachment, fromB64, sealEnvelope, toB64, utf8, type Sodium } from '../../src/crypto';
import { ATTACHMENT_LIMITS, chunkAdditionalData } from '../../src/domain/attachment';
import { buildSubmission, mailboxProof, makeFacility, post, releaseNow, sampleReport, sodium, storedTrace, type TestFacility } from './helpers';
import { api } from './console-helpers';

const ORIGIN = 'https://buzon.test';

/**
 * The Worker with spies: every SQL text that took effect (run alone, or in a batch that committed:
 * a batch whose first statement refuses it writes nothing), every KV write, and each limiter's
 * calls (exhausted ones answer no).
 */
async function watched(path: string, init: RequestInit, limits: { exhausted?: Array<'PUBLIC_LIMIT' | 'CHUNK_LIMIT'> } = {}) {
  const sql: string[] = [];
  const sqlOf = new WeakMap<object, string>();
  const track = (st: D1PreparedStatement, q: string): D1PreparedStatement => {
    sqlOf.set(st, q);
    const bind = st.bind.bind(st);
    st.bind = (...values: unknown[]) => track(bind(...values), q);
    for (const method of ['run', 'first', 'all', 'raw'] as const) {
      const original = (st[method] as (...a: unknown[]) => Promise<unknown>).bind(st);
      (st as unknown as Record<string, unknown>)[method] = async (...a: unknown[]) => {
        const result = await original(...a);
        sql.push(q);
        return result;
      };
    }
    return st;
  };
  const puts: string[] = [];
  const seen: Record<string, unknown[]> = { PUBLIC_LIMIT: [], CHUNK_LIMIT: [] };
  const limiter = (name: 'PUBLIC_LIMIT' | 'CHUNK_LIMIT') => ({
    limit: async (o: unknown) => (seen[name]!.push(o), { success: !limits.exhausted?.includes(name) }),
  });
  const db = Object.create(env.DB) as D1Database;
  db.prepare = (q: string) => track(env.DB.prepare(q), q);
  db.batch = (async (statements: D1PreparedStatement[]) => {
    const results = await env.DB.batch(statements);
    sql.push(...statements.map((st) => sqlOf.get(st) ?? ''));
    return results;
  }) as D1Database['batch'];
  const blobs = Object.create(env.BLOBS) as KVNamespace;
  blobs.put = ((key: string, ...rest: unknown[]) => (
    puts.push(key),
    (env.BLOBS.put as (...a: unknown[]) => Promise<void>)(key, ...rest)
  )) as KVNamespace['put'];
  blobs.get = env.BLOBS.get.bind(env.BLOBS) as KVNamespace['get'];
  blobs.list = env.BLOBS.list.bind(env.BLOBS) as KVNamespace['list'];
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${ORIGIN}${path}`, init),
    { ...env, DB: db, BLOBS: blobs, PUBLIC_LIMIT: limiter('PUBLIC_LIMIT'), CHUNK_LIMIT: limiter('CHUNK_LIMIT') } as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const writes = sql.filter((q) => /^\s*(INSERT|UPDATE|DELETE|REPLACE|WITH)\b/i.test(q));
  return { res, writes, puts, seen };
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const chunkPath = (reportId: string, attachmentId: string, index: number, pow: { challenge: string; counter: number }) =>
  `/api/reports/${reportId}/attachments/${attachmentId}/chunks/${index}?challenge=${encodeURIComponent(pow.challenge)}&counter=${pow.counter}`;

async function raisePrice(s: Sodium, f: TestFacility) {
  for (let i = 0; i < 9; i++) {
    const sub = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    expect((await post(sub.body)).status).toBe(201);
  }
  await releaseNow();
}

describe('proof of work is paid once', () => {
  it('should send a replayed nonce to the unpaid limiter before any write', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    expect((await post(body)).status).toBe(201);
    // The same work, other bytes under the same id: the work is valid, but it was spent.
    const replay = { ...body, envelope: { ...body.envelope, body: toB64(s, s.randombytes_buf(400)) } };
    const limited = await watched('/api/reports', json(replay), { exhausted: ['PUBLIC_LIMIT'] });
    expect(limited.res.status).toBe(429);
    expect(limited.seen.PUBLIC_LIMIT).toEqual([{ key: 'report:unpaid' }]);
    expect(limited.writes).toEqual([]);
    const refused = await watched('/api/reports', json(replay));
    expect(refused.res.status).toBe(409);
    expect(refused.writes).toEqual([]);
    // A genuine retry (the same bytes) still gets its first answer, and writes nothing either.
    const retry = await watched('/api/reports', json(body));
    expect(retry.res.status).toBe(200);
    expect(retry.writes).toEqual([]);
  });

  it('should refuse a token issued below the current price with a fresh challenge, then take the same bytes paid at the new price', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f); // solved at the quiet price
    await raisePrice(s, f);
    const stale = await post(body);
    expect(stale.status).toBe(409);
    const answer = (await stale.json()) as { error: { code: string; message: string }; challenge: { challenge: string; bits: number } };
    expect(answer.error.code).toBe('pow_stale');
    expect(answer.challenge.bits).toBeGreaterThan(Number(body.pow.challenge.split('.')[3]));
    expect(await storedTrace(body.reportId)).toEqual({ reports: 0, categories: 0, keys: 0, blob: 0 });
    let counter = 0;
    while (!checkWork(s, answer.challenge.challenge, body.reportId, counter, answer.challenge.bits)) counter++;
    expect((await post({ ...body, pow: { challenge: answer.challenge.challenge, counter } })).status).toBe(201);
  });
});

describe('evidence chunks', () => {
  it('should answer a repeated chunk without writing it again, and refuse other bytes in its place', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const attachmentId = s.to_hex(s.randombytes_buf(16));
    const enc = encryptAttachment(s, s.randombytes_buf(1000), ATTACHMENT_LIMITS.chunkBytes, chunkAdditionalData(body.reportId, attachmentId));
    const chunk = enc.chunks[0]!;
    const path = chunkPath(body.reportId, attachmentId, 0, body.pow);
    const first = await watched(path, { method: 'PUT', body: chunk });
    expect(first.res.status).toBe(204);
    expect(first.puts).toHaveLength(1);
    const again = await watched(path, { method: 'PUT', body: chunk });
    expect(again.res.status).toBe(204);
    expect(again.puts).toEqual([]);
    const other = await watched(path, { method: 'PUT', body: s.randombytes_buf(chunk.length) });
    expect(other.res.status).toBe(409);
    expect(other.puts).toEqual([]);
    expect(new Uint8Array((await env.BLOBS.get(`upload/${body.reportId}/att/${attachmentId}/0`, 'arrayBuffer'))!)).toEqual(chunk);
  });

  it('should limit the chunk route per report, keyed by the report id alone', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const attachmentId = s.to_hex(s.randombytes_buf(16));
    const limited = await watched(
      chunkPath(body.reportId, attachmentId, 0, body.pow),
      { method: 'PUT', body: s.randombytes_buf(600) },
      { exhausted: ['CHUNK_LIMIT'] },
    );
    expect(limited.res.status).toBe(429);
    expect(limited.seen.CHUNK_LIMIT).toEqual([{ key: `report:${body.reportId}` }]);
    expect(limited.puts).toEqual([]);
    expect(limited.writes).toEqual([]);
  });
});

describe('mailbox proofs for erasing and answering', () => {
  it('should take each proof once', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const sub = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    expect((await post(sub.body)).status).toBe(201);
    await releaseNow();
    // An answer's proof, replayed: refused the second time.
    const thread = (await (await api('/api/mailbox/thread', { body: await mailboxProof(s, sub.code, 'thread') })).json()) as {
      sealTo: Array<{ keyId: string; boxPk: string }>;
    };
    const { deriveMailbox } = await import('../../src/crypto');
    const mailbox = deriveMailbox(s, sub.code);
    const id = s.to_hex(s.randombytes_buf(16));
    const e = sealEnvelope(
      s,
      utf8(JSON.stringify({ v: 1, text: 'Sigue pasando' })),
      { kind: 'message', reportId: sub.body.reportId, messageId: id, facilityId: f.id },
      [...thread.sealTo.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) })), { keyId: 'mailbox', boxPublicKey: mailbox.box.publicKey }],
    );
    const message = { id, envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } };
    const proof = await mailboxProof(s, sub.code, `answer:${id}`);
    expect((await api('/api/mailbox/messages', { body: { ...proof, message } })).status).toBe(201);
    expect((await api('/api/mailbox/messages', { body: { ...proof, message } })).status).toBe(409);
    // A fresh proof for the same answer is a retry: the same answer as stored.
    expect((await api('/api/mailbox/messages', { body: { ...(await mailboxProof(s, sub.code, `answer:${id}`)), message } })).status).toBe(200);

    // An erase proof, replayed on a case under hold: refused the second time.
    await env.DB.prepare("UPDATE reports SET hold_reason = 'investigation' WHERE id = ?1").bind(sub.body.reportId).run();
    const erase = await mailboxProof(s, sub.code, 'erase');
    expect((await api('/api/mailbox/erase', { body: erase })).status).toBe(200);
    expect((await api('/api/mailbox/erase', { body: erase })).status).toBe(409);
    void SELF;
  });
});
