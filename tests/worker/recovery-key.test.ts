/**
 * A plant's recovery key (src/crypto/recovery.ts): every new report its monitors get, by the web
 * form or by mail, is sealed to it as well, and the recovery key alone opens it. A report for the
 * authority alone is not sealed to it. The server refuses a web report that leaves it out.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deriveRecoveryKey, fromB64, fromUtf8, newRecoveryCode, openReport, toB64, verifyReaderList, type RecipientKeys, type SignedReaderList } from '../../src/crypto';
import { getSealed } from '../../src/storage/blobs';
import { getSignedReaderList } from '../../src/storage/reader-lists';
import { bytes, deliver, mail, openReport as openMail, randomSender, reportsOf } from './email-helpers';
import { buildSubmission, makeFacility, post, sampleReport, signReaderLists, sodium, type TestFacility } from './helpers';

async function withRecovery(f: TestFacility) {
  const s = await sodium();
  const recovery = deriveRecoveryKey(s, newRecoveryCode(s));
  await env.DB.prepare('UPDATE facilities SET recovery_key_id = ?2, recovery_box_pk = ?3 WHERE id = ?1').bind(f.id, recovery.keyId, toB64(s, recovery.box.publicKey)).run();
  await signReaderLists(s, [f.id]);
  return recovery;
}

const keysOf = async (reportId: string) =>
  (await env.DB.prepare('SELECT key_id AS k FROM wrapped_keys WHERE report_id = ?1 AND message_id = ?1 ORDER BY key_id').bind(reportId).all<{ k: string }>()).results.map((r) => r.k);

describe('recovery key', () => {
  it('should be in the signed list, and web reports for the monitor must be sealed to it; it alone opens them', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const recovery = await withRecovery(f);
    const list = verifyReaderList(s, (await getSignedReaderList(env.DB, f.id)) as SignedReaderList, fromB64(s, env.ADMIN_SIGN_PK!), f.id);
    expect(list?.recovery).toEqual({ keyId: recovery.keyId, boxPk: toB64(s, recovery.box.publicKey) });
    const toRecovery = [{ keyId: recovery.keyId, boxPublicKey: recovery.box.publicKey }];

    // Left out: refused, nothing stored.
    const without = await buildSubmission(s, f, sampleReport(f.id, 'monitor'));
    const refused = await post(without.body);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('bad_envelope');

    const sealed = await buildSubmission(s, f, sampleReport(f.id, 'both', 'Lo abre la llave de recuperación'), toRecovery);
    expect((await post(sealed.body)).status).toBe(201);
    const id = sealed.body.reportId as string;
    expect(await keysOf(id)).toEqual([f.monitor.keyId, f.official.keyId, recovery.keyId, 'mailbox'].sort());
    const row = (await env.DB.prepare('SELECT w.sealed, r.body_key AS bodyKey FROM wrapped_keys w JOIN reports r ON r.id = w.report_id WHERE w.report_id = ?1 AND w.message_id = ?1 AND w.key_id = ?2').bind(id, recovery.keyId).first<{ sealed: string; bodyKey: string }>())!;
    const { plain } = openReport(s, (await getSealed(s, env.DB, env.BLOBS, row.bodyKey))!, fromB64(s, row.sealed), recovery.box, { reportId: id, facilityId: f.id });
    expect(JSON.parse(fromUtf8(plain)).description).toBe('Lo abre la llave de recuperación');
  });

  it('should not be sealed to for a report the worker sent only to the authority', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const recovery = await withRecovery(f);
    const extra = await buildSubmission(s, f, sampleReport(f.id, 'authority'), [{ keyId: recovery.keyId, boxPublicKey: recovery.box.publicKey }]);
    expect((await post(extra.body)).status).toBe(422);
    const plain = await buildSubmission(s, f, sampleReport(f.id, 'authority'));
    expect((await post(plain.body)).status).toBe(201);
    expect(await keysOf(plain.body.reportId)).toEqual([f.official.keyId, 'mailbox'].sort());
  });

  it('should seal mail to the signed recovery key, and to no recovery key a row names without the administrator', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const recovery = await withRecovery(f);
    const send = async () => {
      const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(f.id).first<{ email_local: string }>();
      const sender = randomSender(s);
      const raw = bytes(`From: <${sender}>\r\nSubject: Amenazas\r\nMessage-ID: <${s.to_hex(s.randombytes_buf(8))}@mx.example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNos amenazaron en la junta.\r\n`);
      await deliver((await mail(raw, { from: sender, to: `${row!.email_local}@buzon.test` })).message);
    };
    await send();
    const [stored] = await reportsOf(f.id);
    expect(stored!.keyIds).toContain(recovery.keyId);
    expect((await openMail(s, stored!.id, recovery as unknown as RecipientKeys)).text).toContain('Nos amenazaron');

    // A database writer swaps in their own "recovery key" without the administrator: mail keeps going to the signed one only.
    const rogue = deriveRecoveryKey(s, newRecoveryCode(s));
    await env.DB.prepare('UPDATE facilities SET recovery_key_id = ?2, recovery_box_pk = ?3 WHERE id = ?1').bind(f.id, rogue.keyId, toB64(s, rogue.box.publicKey)).run();
    await send();
    const all = await reportsOf(f.id);
    expect(all).toHaveLength(2);
    expect(all.every((r) => !r.keyIds.includes(rogue.keyId) && r.keyIds.includes(recovery.keyId))).toBe(true);
  });
});
