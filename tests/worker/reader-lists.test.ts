/**
 * The administrator's signed reader lists on the Worker's side: served as signed, and the mail
 * intake (the only place the server itself seals) seals only to active keys on a list that
 * verifies under the deployment's ADMIN_SIGN_PK. A reader row written straight into D1 gets nothing.
 */
import { SELF, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fromB64, recipientKeysFromSeed, signReaderList, toB64, verifyReaderList, type SignedReaderList } from '../../src/crypto';
import { bytes, deliver, mail, randomSender, reportsOf } from './email-helpers';
import { makeFacility, sodium } from './helpers';

const mailTo = async (facilityId: string) => {
  const s = await sodium();
  const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(facilityId).first<{ email_local: string }>();
  const sender = randomSender(s);
  const raw = bytes(`From: <${sender}>\r\nSubject: Amenazas\r\nMessage-ID: <${s.to_hex(s.randombytes_buf(8))}@mx.example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNos amenazaron en la junta.\r\n`);
  const m = await mail(raw, { from: sender, to: `${row!.email_local}@buzon.test` });
  await deliver(m.message);
  return m;
};

describe('signed reader lists', () => {
  it('should serve the facility\'s list exactly as signed, verifying under the deployment key', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const res = await SELF.fetch(`https://buzon.test/api/facilities/${f.id}/recipients`);
    const { readers } = (await res.json()) as { readers: SignedReaderList };
    const list = verifyReaderList(s, readers, fromB64(s, env.ADMIN_SIGN_PK!), f.id);
    expect(list?.readers.map((r) => [r.keyId, r.role, r.recipient]).sort()).toEqual([[f.monitor.keyId, 'monitor', true], [f.official.keyId, 'official', true]].sort());
    expect(verifyReaderList(s, readers, fromB64(s, env.ADMIN_SIGN_PK!), 'another-plant')).toBeNull();
  });

  it('should seal mail only to listed keys: a reader row written straight into D1 gets no key', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const rogue = recipientKeysFromSeed(s, s.randombytes_buf(32));
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', 'Intruso', ?2, ?3, 'c2FsdA', 2, 67108864)`).bind(
        rogue.keyId,
        toB64(s, rogue.box.publicKey),
        toB64(s, rogue.sign.publicKey),
      ),
      env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(rogue.keyId, f.id),
    ]);
    const m = await mailTo(f.id);
    expect(m.rejects).toEqual([]);
    const [stored] = await reportsOf(f.id);
    expect(stored!.keyIds).toEqual([f.monitor.keyId, f.official.keyId].sort());
    expect(stored!.sealedToMailbox).toBe(true);
  });

  it('should refuse mail when the list was not signed by the deployment\'s administrator, or is missing', async () => {
    const s = await sodium();
    const forged = await makeFacility(s);
    const impostor = s.crypto_sign_seed_keypair(s.randombytes_buf(32));
    const { statement } = (await env.DB.prepare('SELECT statement FROM reader_lists WHERE facility_id = ?1').bind(forged.id).first<{ statement: string }>())!;
    const resigned = signReaderList(s, JSON.parse(statement), impostor.privateKey);
    await env.DB.prepare('UPDATE reader_lists SET statement = ?2, signature = ?3 WHERE facility_id = ?1').bind(forged.id, resigned.statement, resigned.signature).run();
    expect((await mailTo(forged.id)).rejects).toHaveLength(1);
    expect(await reportsOf(forged.id)).toEqual([]);

    const missing = await makeFacility(s);
    await env.DB.prepare('DELETE FROM reader_lists WHERE facility_id = ?1').bind(missing.id).run();
    expect((await mailTo(missing.id)).rejects).toHaveLength(1);
    expect(await reportsOf(missing.id)).toEqual([]);
  });
});

describe('signed reader lists: rows changed behind the administrator\'s back', () => {
  it('should seal mail to the key and role as signed, whatever the row says', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const attacker = recipientKeysFromSeed(s, s.randombytes_buf(32));
    // The official's public key swapped, and the company's monitor made a national official.
    await env.DB.batch([
      env.DB.prepare('UPDATE recipients SET box_pk = ?2 WHERE key_id = ?1').bind(f.official.keyId, toB64(s, attacker.box.publicKey)),
      env.DB.prepare("UPDATE recipients SET role = 'official', scope_state = NULL WHERE key_id = ?1").bind(f.monitor.keyId),
      env.DB.prepare("UPDATE facilities SET mail_send_to = 'authority' WHERE id = ?1").bind(f.id),
    ]);
    expect((await mailTo(f.id)).rejects).toEqual([]);
    const [stored] = await reportsOf(f.id);
    expect(stored!.keyIds).toEqual([f.official.keyId]); // the monitor is a monitor on the list: not the authority's reader
    const sealed = (await env.DB.prepare('SELECT sealed FROM wrapped_keys WHERE report_id = ?1 AND key_id = ?2').bind(stored!.id, f.official.keyId).first<{ sealed: string }>())!;
    // Sealed to the official's real key: the attacker's swapped key cannot open it.
    expect(() => s.crypto_box_seal_open(fromB64(s, sealed.sealed), attacker.box.publicKey, attacker.box.privateKey)).toThrow();
    expect(s.crypto_box_seal_open(fromB64(s, sealed.sealed), f.official.box.publicKey, f.official.box.privateKey)).toHaveLength(32);
  });
});
