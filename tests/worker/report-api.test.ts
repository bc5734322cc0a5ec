import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { checkWork, fromB64, fromUtf8, openReport, toB64, utf8 } from '../../src/crypto';
import { getSealed } from '../../src/storage/blobs';
import { forgetExpiredChallenges } from '../../src/scheduled';
import { buildSubmission, makeFacility, post, sampleReport, sodium, storedTrace } from './helpers';

describe('report submission', () => {
  it('should store a valid report once: body, report, categories and wrapped keys in one D1 batch, nothing in KV', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const res = await post(body);
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toBeNull();
    const json = (await res.json()) as { reportId: string; receivedDay: string; duplicate: boolean };
    expect(json).toMatchObject({ reportId: body.reportId, duplicate: false });
    expect(json.receivedDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await storedTrace(body.reportId)).toEqual({ reports: 1, categories: 2, keys: 3, blob: 1 }); // monitor, official and the worker's own mailbox
    expect((await env.BLOBS.list({ prefix: `report/${body.reportId}/` })).keys).toEqual([]);

    const row = await env.DB.prepare('SELECT * FROM reports WHERE id = ?1').bind(body.reportId).first<Record<string, unknown>>();
    // Sent to both: new on the company's side and on the authority's (migrations/0016_case_sides.sql).
    expect(row).toMatchObject({ facility_id: f.id, channel: 'web', send_to: 'both', status: 'new', authority_status: 'new', mailbox_id: body.mailbox.id });
    expect(Object.keys(row!).sort()).toEqual(
      // Days, releases and flags only, never a time of day (retention's columns included; erase_at and authority_release_at are
      // releases; widened_consent is the worker's signature when they bring in the authority; keep_until is a day the worker
      // asked to keep the case to; hold_reference and hold_note are an official's words about a hold, never the worker's;
      // widen_at and keep_at are releases a worker's action waits for, keep_asked a day: migrations/0028).
      ['assignee', 'authority_closed_day', 'authority_release_at', 'authority_first_reply_day', 'authority_severity', 'authority_status', 'body_digest', 'body_key', 'channel', 'closed_day', 'constancia_check', 'erase_at', 'erase_requested', 'erased_day', 'facility_id', 'first_reply_day', 'hold_note', 'hold_reason', 'hold_reference', 'id', 'keep_asked', 'keep_at', 'keep_until',
        'last_activity_day', 'mailbox_box_pk', 'mailbox_id', 'mailbox_sign_pk', 'monitor_viewed', 'received_day', 'record_key', 'release_at', 'send_to', 'severity', 'status', 'widen_at', 'widened_consent'].sort(),
    );
    // Its random record key (src/trends/cellkey.ts), set in the same batch.
    expect(Number.isInteger(row!.record_key) && (row!.record_key as number) >= 0 && (row!.record_key as number) < 2 ** 32).toBe(true);
  });

  it('should let each chosen recipient, and only them, open the stored report', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const report = sampleReport(f.id, 'monitor', 'Texto del canario 🐤');
    const { body } = await buildSubmission(s, f, report);
    expect((await post(body)).status).toBe(201);
    const { bodyKey } = (await env.DB.prepare('SELECT body_key AS bodyKey FROM reports WHERE id = ?1').bind(body.reportId).first<{ bodyKey: string }>())!;
    expect(bodyKey).toMatch(new RegExp(`^report/${body.reportId}/body/[A-Za-z0-9_-]{22}$`));
    const blob = (await getSealed(s, env.DB, env.BLOBS, bodyKey))!;
    const { results } = await env.DB.prepare("SELECT key_id, sealed FROM wrapped_keys WHERE report_id = ?1 AND key_id != 'mailbox'").bind(body.reportId).all<{ key_id: string; sealed: string }>();
    expect(results.map((r) => r.key_id)).toEqual([f.monitor.keyId]);
    const place = { reportId: body.reportId, facilityId: f.id };
    const opened = openReport(s, blob, fromB64(s, results[0]!.sealed), f.monitor.box, place);
    expect(opened.format).toBe(2);
    const { mailbox, ...rest } = JSON.parse(fromUtf8(opened.plain));
    expect(rest).toEqual(report);
    expect(mailbox).toEqual({ boxPk: body.mailbox.boxPk, signPk: body.mailbox.signPk });
    expect(() => openReport(s, blob, fromB64(s, results[0]!.sealed), f.official.box, place)).toThrow();
  });

  it('should store a retry with the same id once and answer it the same way', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    expect((await post(body)).status).toBe(201);
    const again = await post(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ reportId: body.reportId, duplicate: true });
    expect(await storedTrace(body.reportId)).toEqual({ reports: 1, categories: 2, keys: 3, blob: 1 }); // monitor, official and the worker's own mailbox
  });

  it('should store concurrent copies of one submission exactly once', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const { body } = await buildSubmission(s, f);
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => post(body)))).map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    expect(statuses.every((x) => x === 200 || x === 201)).toBe(true);
    expect(await storedTrace(body.reportId)).toEqual({ reports: 1, categories: 2, keys: 3, blob: 1 }); // monitor, official and the worker's own mailbox
  });

  it('should refuse a different report under an id already used, and keep the first', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const first = await buildSubmission(s, f);
    expect((await post(first.body)).status).toBe(201);
    const second = await buildSubmission(s, f);
    const res = await post({ ...second.body, reportId: first.body.reportId });
    expect(res.status).toBe(409);
    const digest = await env.DB.prepare('SELECT body_digest AS d FROM reports WHERE id = ?1').bind(first.body.reportId).first<{ d: string }>();
    expect(digest!.d).toBe(toB64(s, s.crypto_generichash(32, fromB64(s, first.body.envelope.body), null)));
  });

  it('should keep no plaintext of the report in any D1 row or KV value', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const canary = 'CANARIO-b7f3e1';
    const report = { ...sampleReport(f.id, 'both', `Descripción ${canary}`), where: `Lugar ${canary}`, who: `Persona ${canary}` };
    const { body } = await buildSubmission(s, f, report);
    expect((await post(body)).status).toBe(201);
    const tables = ['facilities', 'recipients', 'recipient_facilities', 'reports', 'report_categories', 'wrapped_keys', 'spent_challenges', 'sealed_bodies'];
    for (const table of tables) {
      const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
      expect(JSON.stringify(results)).not.toContain(canary);
    }
    for (const ns of [env.BLOBS, env.STATE]) {
      const { keys } = await ns.list();
      for (const { name } of keys) {
        const value = new Uint8Array((await ns.get(name, 'arrayBuffer'))!);
        expect(containsBytes(value, utf8(canary))).toBe(false);
        expect(name).not.toContain(canary);
      }
    }
  });
});

describe('recipient keys and challenges', () => {
  it('should give the public keys of a facility by role', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const res = await SELF.fetch(`https://buzon.test/api/facilities/${f.id}/recipients`);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { monitor: Array<{ keyId: string; boxPk: string }>; official: Array<{ keyId: string; boxPk: string }> };
    expect(json.monitor).toEqual([{ keyId: f.monitor.keyId, boxPk: toB64(s, f.monitor.box.publicKey) }]);
    expect(json.official).toContainEqual({ keyId: f.official.keyId, boxPk: toB64(s, f.official.box.publicKey) });
  });

  it('should answer an unknown facility with a translated 404', async () => {
    const es = await SELF.fetch('https://buzon.test/api/facilities/nope/recipients');
    const en = await SELF.fetch('https://buzon.test/api/facilities/nope/recipients?lang=en');
    expect(es.status).toBe(404);
    expect(((await es.json()) as any).error.message).toBe('No encontramos esa planta.');
    expect(((await en.json()) as any).error.message).toBe('We could not find that plant.');
  });

  it('should issue a signed challenge, bound to its facility and purpose, that stores nothing', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const spent = async () => (await env.DB.prepare('SELECT count(*) AS n FROM spent_challenges').first<{ n: number }>())!.n;
    const before = { kv: (await env.STATE.list()).keys.length, spent: await spent() };
    const res = await SELF.fetch(`https://buzon.test/api/challenge?facility=${f.id}`);
    const json = (await res.json()) as { challenge: string; bits: number };
    expect(json.challenge.split('.').slice(0, 1).concat(json.challenge.split('.').slice(3, 6))).toEqual(['v2', '4', 'report', f.id]);
    expect((await SELF.fetch('https://buzon.test/api/challenge')).status).toBe(400);
    expect((await SELF.fetch('https://buzon.test/api/challenge?facility=no-such-plant')).status).toBe(404);
    expect(json.bits).toBe(4);
    expect({ kv: (await env.STATE.list()).keys.length, spent: await spent() }).toEqual(before);
  });

  it('should let only one of two reports racing with the same challenge through', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const a = await buildSubmission(s, f);
    const b = await buildSubmission(s, f);
    const challenge = a.body.pow.challenge;
    let counter = 0;
    while (!checkWork(s, challenge, b.body.reportId, counter, 4)) counter++;
    const [ra, rb] = await Promise.all([post(a.body), post({ ...b.body, pow: { challenge, counter } })]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const stored = (await storedTrace(a.body.reportId)).reports + (await storedTrace(b.body.reportId)).reports;
    expect(stored).toBe(1);
  });

  it('should forget spent challenges after their expiry day, and keep the others', async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO spent_challenges (nonce, expires_day) VALUES ('old-one', '2020-01-01')"),
      env.DB.prepare("INSERT INTO spent_challenges (nonce, expires_day) VALUES ('fresh-one', '2999-01-01')"),
    ]);
    expect(await forgetExpiredChallenges(env.DB)).toBeGreaterThanOrEqual(1);
    const { results } = await env.DB.prepare("SELECT nonce FROM spent_challenges WHERE nonce IN ('old-one', 'fresh-one')").all<{ nonce: string }>();
    expect(results.map((r) => r.nonce)).toEqual(['fresh-one']);
  });
});

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
