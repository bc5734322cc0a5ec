/**
 * A company flooding its own plant with fake reports, as an attacker with no identity to limit:
 * the work each report costs rises with the plant's released volume, while a genuine report sent
 * during the flood is still stored, and the price never moves before a release.
 */
import { SELF, env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkWork, type Sodium } from '../../src/crypto';
import { extraBits, MAX_EXTRA_BITS, QUIET_NATIONAL } from '../../src/domain/difficulty';
import { api, signIn } from './console-helpers';
import { buildSubmission, challenge, makeFacility, post, sodium, type TestFacility } from './helpers';

const BASE_BITS = 4; // vitest.config.ts POW_BITS
// 10:00 in Mexico City, between the 07:00 and 15:00 releases (UTC-6 all year).
const FLOOD_AT = new Date('2026-05-12T16:00:00Z');
const AFTER_RELEASE = new Date('2026-05-12T21:30:00Z'); // 15:30
afterEach(() => vi.useRealTimers());

/** Hashes a client tries to solve one challenge: counters 0..solution. */
async function workFor(s: Sodium, f: TestFacility, reportId: string): Promise<{ hashes: number; bits: number }> {
  const c = await challenge(f.id);
  let counter = 0;
  while (!checkWork(s, c.challenge, reportId, counter, c.bits)) counter++;
  return { hashes: counter + 1, bits: c.bits };
}

/** Hashes for `n` reports, as a flooding client would spend them. */
async function workForMany(s: Sodium, f: TestFacility, n: number) {
  let hashes = 0;
  const bits = new Set<number>();
  for (let i = 0; i < n; i++) {
    const w = await workFor(s, f, s.to_hex(s.randombytes_buf(16)));
    hashes += w.hashes;
    bits.add(w.bits);
  }
  return { hashes, bits: [...bits] };
}

describe('a flood of fake reports at one plant', () => {
  it('should get much more expensive after its release, and still store a genuine report', { timeout: 120_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(FLOOD_AT);
    const s = await sodium();
    const f = await makeFacility(s);
    const quiet = await workForMany(s, f, 30);
    expect(quiet.bits).toEqual([BASE_BITS]);

    // 2,000 junk reports: 40 through the API with a genuine one among them, and the rest written in
    // bulk the way intake stores them (workerd's test harness slows down with every request it serves).
    let genuine = '';
    for (let round = 0; round < 2; round++) {
      const subs = await Promise.all(Array.from({ length: 20 }, () => buildSubmission(s, f)));
      const statuses = await Promise.all(subs.map(({ body }) => post(body).then((r) => r.status)));
      expect(statuses.every((x) => x === 201)).toBe(true);
      if (round === 0) {
        const real = await buildSubmission(s, f);
        expect((await post(real.body)).status).toBe(201);
        genuine = real.body.reportId;
      }
    }
    const stamped = await env.DB.prepare('SELECT release_at AS r FROM reports WHERE id = ?1').bind(genuine).first<{ r: string }>();
    expect(stamped!.r).toBe('2026-05-12T15');
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1960)
       INSERT INTO reports (id, facility_id, channel, send_to, received_day, release_at, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk, body_key, body_digest)
       SELECT lower(hex(randomblob(16))), ?1, 'web', 'monitor', '2026-05-12', ?2, 'new', lower(hex(randomblob(16))), 'pk', 'pk', 'none', 'digest' FROM n`,
    )
      .bind(f.id, stamped!.r)
      .run();
    // Nothing released yet: the price a poller sees does not move while reports wait.
    expect((await challenge(f.id)).bits).toBe(BASE_BITS);

    vi.setSystemTime(AFTER_RELEASE);
    const flood = await workForMany(s, f, 30);
    expect(flood.bits).toEqual([BASE_BITS + MAX_EXTRA_BITS]);
    expect(flood.hashes / quiet.hashes).toBeGreaterThanOrEqual(16);
    console.log(`flood: ${quiet.hashes / 30} hashes per report when quiet, ${flood.hashes / 30} after 2,001 reports (×${(flood.hashes / quiet.hashes).toFixed(0)})`);

    // The genuine report is stored and readable, and a worker can still send one at the new price.
    const monitor = await signIn(s, f.monitor);
    expect((await api(`/console/api/cases/${genuine}`, { token: monitor })).status).toBe(200);
    const late = await buildSubmission(s, f);
    expect(late.body.pow.challenge.split('.')[3]).toBe(String(BASE_BITS + MAX_EXTRA_BITS));
    expect((await post(late.body)).status).toBe(201);

    // Another plant pays only the national share of the rise (2,001 reports is five times the country's quiet level).
    const other = await makeFacility(s);
    expect((await challenge(other.id)).bits).toBe(BASE_BITS + extraBits(2001, QUIET_NATIONAL));
    expect(BASE_BITS + extraBits(2001, QUIET_NATIONAL)).toBeLessThan(BASE_BITS + MAX_EXTRA_BITS);
  });

  it('should not accept work paid for another plant, or a mailbox token, for a report or its evidence', async () => {
    const s = await sodium();
    const a = await makeFacility(s);
    const b = await makeFacility(s);
    const sub = await buildSubmission(s, a);
    const forB = await challenge(b.id);
    let counter = 0;
    while (!checkWork(s, forB.challenge, sub.body.reportId, counter, forB.bits)) counter++;
    const res = await post({ ...sub.body, pow: { challenge: forB.challenge, counter } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('pow_invalid');

    const { challenge: mailbox } = (await (await SELF.fetch('https://buzon.test/api/mailbox/challenge')).json()) as { challenge: string };
    expect((await post({ ...sub.body, pow: { challenge: mailbox, counter: 0 } })).status).toBe(403);
    const attachment = s.to_hex(s.randombytes_buf(16));
    const chunk = await SELF.fetch(`https://buzon.test/api/reports/${sub.body.reportId}/attachments/${attachment}/chunks/0?challenge=${encodeURIComponent(mailbox)}&counter=0`, {
      method: 'PUT',
      body: new Uint8Array(1000),
    });
    expect(chunk.status).toBe(403);
    expect((await post(sub.body)).status).toBe(201);
  });
});
