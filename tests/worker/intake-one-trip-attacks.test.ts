/**
 * Attacks on the one-round-trip intake (src/storage/intake-guard.ts): paid submissions that the
 * full path refuses must be refused here too, with the full path's reason and nothing written;
 * racing copies store one report.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { checkWork, fromB64, toB64 } from '../../src/crypto';
import { issueChallenge } from '../../src/crypto/challenge';
import { buildSubmission, makeFacility, post, sampleReport, sodium, storedTrace } from './helpers';

type Body = Record<string, any>;
type Key = { keyId: string; sealed: string };

const NOTHING = { reports: 0, categories: 0, keys: 0, blob: 0 };
const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;
const guardRows = () => count('SELECT count(*) AS n FROM intake_guard');
const nonceOf = (b: Body) => (b.pow.challenge as string).split('.')[1]!;
const withKeys = (b: Body, keys: Key[]): Body => ({ ...b, envelope: { ...b.envelope, keys } });

/** A paid submission is refused with this status and code, and leaves no row, blob, spend, count or guard behind. */
async function expectRefused(body: Body, status: number, code: string) {
  const trends = await count('SELECT coalesce(sum(n), 0) AS n FROM trend_reports WHERE facility_id = ?1', body.facility);
  const res = await post(body);
  expect(res.status).toBe(status);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  expect(await storedTrace(body.reportId)).toEqual(NOTHING);
  expect(await count('SELECT count(*) AS n FROM spent_challenges WHERE nonce = ?1', nonceOf(body))).toBe(0);
  expect(await count('SELECT coalesce(sum(n), 0) AS n FROM trend_reports WHERE facility_id = ?1', body.facility)).toBe(trends);
  expect(await guardRows()).toBe(0);
}

/** Work for `reportId` on `challenge`, at the 4 bits the tests' Worker asks. */
async function paid(b: Body, challenge: string): Promise<Body> {
  const s = await sodium();
  let counter = 0;
  while (!checkWork(s, challenge, b.reportId, counter, 4)) counter++;
  return { ...b, pow: { challenge, counter } };
}

describe('the one-trip intake under attack', () => {
  it('should refuse a report sealed to an official of another state, or to a plant\'s key under a duplicated id', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const elsewhere = await makeFacility(s); // its official is scoped to another state
    const { body } = await buildSubmission(s, f, sampleReport(f.id, 'both'));
    const keys = body.envelope.keys as Key[];
    await expectRefused(withKeys(body, keys.map((k) => (k.keyId === f.official.keyId ? { ...k, keyId: elsewhere.official.keyId } : k))), 422, 'bad_envelope');
    const monitor = keys.find((k) => k.keyId === f.monitor.keyId)!;
    await expectRefused(withKeys(body, [...keys, monitor]), 422, 'bad_envelope');
    const mailbox = keys.find((k) => k.keyId === 'mailbox')!;
    await expectRefused(withKeys(body, [...keys, mailbox]), 422, 'bad_envelope');
    await expectRefused(withKeys(body, [mailbox]), 422, 'bad_envelope');
    // The same submission, untouched, still goes through: the refusals spent nothing.
    expect((await post(body)).status).toBe(201);
  });

  it('should refuse a report to the authority of a plant with no official, naming the missing readers', async () => {
    const s = await sodium();
    const f = await makeFacility(s, { official: false });
    const { body } = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    await expectRefused({ ...body, sendTo: 'both' }, 422, 'no_recipients');
    await expectRefused({ ...body, sendTo: 'authority' }, 422, 'no_recipients');
  });

  it('should refuse a paid challenge for a plant that does not exist, or no longer takes reports', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const ghost = await paid({ ...body, facility: 'no-such-plant' }, issueChallenge(s, env.POW_SECRET, 4, Math.floor(Date.now() / 1000), { purpose: 'report', facility: 'no-such-plant' }));
    await expectRefused(ghost, 422, 'unknown_facility');
    // The form loaded and the work was done while the plant was active; it was closed before the post.
    await env.DB.prepare('UPDATE facilities SET active = 0 WHERE id = ?1').bind(f.id).run();
    await expectRefused(body, 422, 'unknown_facility');
  });

  it('should refuse a spent challenge reused with fresh work for another report id', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const first = await buildSubmission(s, f);
    expect((await post(first.body)).status).toBe(201);
    const second = await buildSubmission(s, f);
    const reuse = await paid(second.body, first.body.pow.challenge);
    const res = await post(reuse);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('pow_replayed');
    expect(await storedTrace(reuse.reportId)).toEqual(NOTHING);
    expect(await guardRows()).toBe(0);
  });

  it('should refuse a report whose attachments were never uploaded, or whose body no envelope makes', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    await expectRefused({ ...body, attachments: [{ id: 'a'.repeat(32), chunks: 2 }] }, 422, 'attachment_incomplete');
    const short = toB64(s, fromB64(s, body.envelope.body).subarray(7));
    await expectRefused({ ...body, envelope: { ...body.envelope, body: short } }, 422, 'bad_envelope');
  });

  it('should store twenty racing copies of one submission once: one 201, the rest duplicates', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(body)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    expect(statuses.filter((x) => x === 200 || x === 409)).toHaveLength(19);
    const json = (await Promise.all(answers.map((r) => r.json()))) as Array<{ reportId: string; release: unknown; duplicate?: boolean }>;
    // Every 200 is the stored report's answer, the same as the 201's but for `duplicate`.
    const first = json[statuses.indexOf(201)]!;
    for (const [i, j] of json.entries()) if (statuses[i] === 200) expect(j).toEqual({ ...first, duplicate: true });
    expect(await storedTrace(body.reportId)).toEqual({ reports: 1, categories: 2, keys: 3, blob: 1 });
    expect(await count('SELECT count(*) AS n FROM spent_challenges WHERE nonce = ?1', nonceOf(body))).toBe(1);
    expect(await count('SELECT coalesce(sum(n), 0) AS n FROM trend_reports WHERE facility_id = ?1', f.id)).toBe(1);
    expect(await guardRows()).toBe(0);
  });
});
