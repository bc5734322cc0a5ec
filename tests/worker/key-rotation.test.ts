import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fromB64, fromUtf8, openReport, recipientKeysFromSeed, signinMessage, signProof, toB64 } from '../../src/crypto';
import { getSealed } from '../../src/storage/blobs';
import { buildSubmission, makeFacility, post, releaseNow, sampleReport, sodium } from './helpers';
import { api, challengeFor, ORIGIN, signIn } from './console-helpers';

describe('key rotation', () => {
  it('should seal new reports to the new key only, while the retired key still opens offline what was sealed to it', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const before = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    expect((await post(before.body)).status).toBe(201);

    // Rotation: register a new key for the same facility, retire the old one.
    const fresh = recipientKeysFromSeed(s, s.randombytes_buf(32));
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', 'nueva', ?2, ?3, 'c2FsdA', 2, 67108864)`,
      ).bind(fresh.keyId, toB64(s, fresh.box.publicKey), toB64(s, fresh.sign.publicKey)),
      env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(fresh.keyId, f.id),
      env.DB.prepare("UPDATE recipients SET status = 'retired' WHERE key_id = ?1").bind(f.monitor.keyId),
    ]);
    const listed = (await (await api(`/api/facilities/${f.id}/recipients`)).json()) as { monitor: Array<{ keyId: string }> };
    expect(listed.monitor.map((k) => k.keyId)).toEqual([fresh.keyId]);

    const after = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    expect((await post(after.body)).status).toBe(201);
    // The page, reading the listed keys, now seals to the new key only.
    expect(after.body.envelope.keys.map((k: { keyId: string }) => k.keyId)).toEqual([fresh.keyId, 'mailbox']);
    await releaseNow();

    // The retired key no longer signs in to the console (tests/worker/console-revocation.test.ts) …
    const challenge = await challengeFor(f.monitor.keyId);
    const signature = toB64(s, signProof(s, signinMessage(ORIGIN, challenge), f.monitor.sign.privateKey));
    // (its holder, who just signed, is told it was retired: 403, not the 401 anyone else gets)
    expect((await api('/console/api/signin', { body: { keyId: f.monitor.keyId, challenge, signature } })).status).toBe(403);
    // … but still opens offline what was sealed to it, as `npm run decrypt` does (scripts/decrypt-reports.ts:
    // wrapped keys by key id, whatever the key's status).
    const sealedTo = async (reportId: string) =>
      env.DB.prepare('SELECT r.facility_id AS facilityId, r.body_key AS bodyKey, w.sealed FROM reports r JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id WHERE r.id = ?1 AND w.key_id = ?2')
        .bind(reportId, f.monitor.keyId)
        .first<{ facilityId: string; bodyKey: string; sealed: string }>();
    const row = (await sealedTo(before.body.reportId))!;
    const { plain } = openReport(s, (await getSealed(s, env.DB, env.BLOBS, row.bodyKey))!, fromB64(s, row.sealed), f.monitor.box, {
      reportId: before.body.reportId,
      facilityId: row.facilityId,
    });
    expect(JSON.parse(fromUtf8(plain)).description).toBe(sampleReport(f.id, 'monitor').description);
    expect(await sealedTo(after.body.reportId)).toBeNull();
    const newToken = await signIn(s, fresh);
    const newList = ((await (await api('/console/api/cases?limit=200', { token: newToken })).json()) as { cases: Array<{ id: string; sealed: string | null }> }).cases;
    expect(newList.find((c) => c.id === after.body.reportId)?.sealed).not.toBeNull();
  });
});
