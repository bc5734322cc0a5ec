/**
 * Sharing access to a case (src/routes/share-api.ts): a reader who can open a case seals its
 * content keys to another reader of its scope, and the new reader opens it. Refused, and audited,
 * for a reader outside the case's scope, a retired key, a key the administrator never signed, a
 * note for another role, and a key the sharer does not hold.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fromB64, fromUtf8, openReport, openThreadMessage, recipientKeysFromSeed, resealKey, sealSignedMessage, toB64, type RecipientKeys, type Sodium } from '../../src/crypto';
import { getSealed, getSealedText } from '../../src/storage/blobs';
import { eraseDueCases } from '../../src/storage/retention';
import { DEFAULT_RETENTION } from '../../src/domain/retention';
import { mexicoDay } from '../../src/lib/clock';
import { buildSubmission, makeFacility, post, releaseNow, sampleReport, signReaderLists, sodium, type TestFacility } from './helpers';
import { api, signIn } from './console-helpers';

type Detail = {
  case: { id: string; sealed: string | null; facilityId: string };
  body: string | null;
  messages: Array<{ id: string; kind: string; authorRole: string; body: string | null; sealed: string | null }>;
  sealTo: { reply: Array<{ keyId: string; boxPk: string }>; note: Array<{ keyId: string; boxPk: string }> };
};

async function addReader(s: Sodium, f: TestFacility, role: 'monitor' | 'official', opts: { sign?: boolean; facility?: string; state?: string } = {}) {
  const keys = recipientKeysFromSeed(s, s.randombytes_buf(32));
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem, scope_state) VALUES (?1, ?2, 'nuevo', ?3, ?4, 'c2FsdA', 2, 67108864, ?5)`,
    ).bind(keys.keyId, role, toB64(s, keys.box.publicKey), toB64(s, keys.sign.publicKey), role === 'official' ? (opts.state ?? f.state) : null),
    ...(role === 'monitor' ? [env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(keys.keyId, opts.facility ?? f.id)] : []),
  ]);
  if (opts.sign !== false) await signReaderLists(s, [opts.facility ?? f.id]);
  return keys;
}

const detailOf = async (token: string, id: string) => (await (await api(`/console/api/cases/${id}`, { token })).json()) as Detail;

/** What the console sends: every key I hold, sealed to `to` (notes only if `to` shares the author's role). */
function sealedFor(s: Sodium, me: RecipientKeys, d: Detail, to: RecipientKeys, toRole: string) {
  const mine = [{ messageId: d.case.id, sealed: d.case.sealed }, ...d.messages.filter((m) => m.kind !== 'note' || m.authorRole === toRole).map((m) => ({ messageId: m.id, sealed: m.sealed }))];
  return mine.filter((k) => k.sealed).map((k) => ({ messageId: k.messageId, sealed: toB64(s, resealKey(s, fromB64(s, k.sealed!), me.box, to.box.publicKey)) }));
}

async function postMessage(s: Sodium, token: string, me: RecipientKeys, d: Detail, kind: 'reply' | 'note', text: string) {
  const id = s.to_hex(s.randombytes_buf(16));
  const to = d.sealTo[kind].map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) }));
  const e = sealSignedMessage(s, { text, lang: 'es' }, { reportId: d.case.id, messageId: id, facilityId: d.case.facilityId, kind, author: 'monitor' }, { id: me.keyId, signPrivateKey: me.sign.privateKey }, to);
  const res = await api(`/console/api/cases/${d.case.id}/messages`, { token, body: { id, kind, envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } } });
  expect(res.status).toBe(201);
}

const share = (token: string, id: string, body: unknown) => api(`/console/api/share/cases/${id}`, { token, body });
const auditOf = (id: string) =>
  env.DB.prepare("SELECT actor, outcome, detail FROM audit_log WHERE report_id = ?1 AND action = 'share' ORDER BY seq").bind(id).all<{ actor: string; outcome: string; detail: string }>();

async function releasedReport(s: Sodium, f: TestFacility, sendTo: 'monitor' | 'both' = 'monitor') {
  const sub = await buildSubmission(s, f, sampleReport(f.id, sendTo, 'Nos amenazaron: caso antiguo'));
  expect((await post(sub.body)).status).toBe(201);
  await releaseNow();
  return sub.body.reportId as string;
}

describe('share access to a case', () => {
  it('should let a new monitor open an older case, its reply and note, once another monitor shares it; audited', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const id = await releasedReport(s, f);
    const tokenA = await signIn(s, f.monitor);
    await postMessage(s, tokenA, f.monitor, await detailOf(tokenA, id), 'reply', 'Gracias, lo revisamos.');
    await postMessage(s, tokenA, f.monitor, await detailOf(tokenA, id), 'note', 'Nota interna: hablar con RH.');

    const b = await addReader(s, f, 'monitor');
    const tokenB = await signIn(s, b);
    const before = await detailOf(tokenB, id);
    expect(before.case.sealed).toBeNull(); // "Este reporte se cerró para otra llave"
    expect(before.messages.every((m) => m.sealed === null)).toBe(true);

    const detailA = await detailOf(tokenA, id);
    const keys = sealedFor(s, f.monitor, detailA, b, 'monitor');
    expect(keys).toHaveLength(3);
    const res = await share(tokenA, id, { to: b.keyId, keys });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ to: b.keyId, added: 3, given: 3, alongside: 0 });
    // A second share adds nothing and replaces nothing.
    expect(await (await share(tokenA, id, { to: b.keyId, keys })).json()).toMatchObject({ added: 0, given: 3 });

    const after = await detailOf(tokenB, id);
    const { plain } = openReport(s, fromB64(s, after.body!), fromB64(s, after.case.sealed!), b.box, { reportId: id, facilityId: f.id });
    expect(JSON.parse(fromUtf8(plain)).description).toBe('Nos amenazaron: caso antiguo');
    const texts = after.messages.map((m) => {
      const lookup = (signer: string) => (signer === f.monitor.keyId ? f.monitor.sign.publicKey : null);
      const place = { reportId: id, messageId: m.id, facilityId: f.id, kind: m.kind as 'reply' | 'note', author: 'monitor' as const };
      return openThreadMessage(s, fromB64(s, m.body!), fromB64(s, m.sealed!), b.box, place, lookup);
    });
    expect(texts.map((t) => [t?.text, t?.verified])).toEqual([
      ['Gracias, lo revisamos.', true],
      ['Nota interna: hablar con RH.', true],
    ]);
    // The list shows it as readable to B too.
    const listB = (await (await api('/console/api/cases?limit=200', { token: tokenB })).json()) as { cases: Array<{ id: string; sealed: string | null }> };
    expect(listB.cases.find((c) => c.id === id)?.sealed).not.toBeNull();
    expect((await auditOf(id)).results).toEqual([
      { actor: f.monitor.keyId, outcome: 'ok', detail: `to:${b.keyId} keys:3/3 alongside:0` },
      { actor: f.monitor.keyId, outcome: 'ok', detail: `to:${b.keyId} keys:0/3 alongside:0` },
    ]);
    // The stored bodies were never touched: a share adds sealed keys only.
    expect(await getSealedText(env.DB, env.BLOBS, `report/${id}/message/${detailA.messages[0]!.id}`)).toBe(detailA.messages[0]!.body);
  });

  it('should refuse a reader outside the case\'s scope, a retired key, a key not on the signed list, and audit each refusal', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const other = await makeFacility(s);
    const id = await releasedReport(s, f, 'monitor');
    const tokenA = await signIn(s, f.monitor);
    const d = await detailOf(tokenA, id);

    // A monitor of another plant; the plant's own official, on a case the worker sent only to the monitor.
    const elsewhere = await addReader(s, other, 'monitor');
    for (const [to, role] of [[elsewhere, 'monitor'], [f.official, 'official']] as const) {
      const res = await share(tokenA, id, { to: to.keyId, keys: sealedFor(s, f.monitor, d, to, role) });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('share_out_of_scope');
    }
    // A retired monitor of the plant.
    const retired = await addReader(s, f, 'monitor');
    await env.DB.prepare("UPDATE recipients SET status = 'retired' WHERE key_id = ?1").bind(retired.keyId).run();
    await signReaderLists(s, [f.id]);
    expect((await share(tokenA, id, { to: retired.keyId, keys: sealedFor(s, f.monitor, d, retired, 'monitor') })).status).toBe(403);
    // A monitor row written straight into D1, never signed by the administrator.
    const unsigned = await addReader(s, f, 'monitor', { sign: false });
    const res = await share(tokenA, id, { to: unsigned.keyId, keys: sealedFor(s, f.monitor, d, unsigned, 'monitor') });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('readers_unverified');
    // Nothing was stored for any of them.
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM wrapped_keys WHERE report_id = ?1 AND key_id IN (?2, ?3, ?4, ?5)')
      .bind(id, elsewhere.keyId, f.official.keyId, retired.keyId, unsigned.keyId)
      .first<{ n: number }>();
    expect(stored!.n).toBe(0);
    expect((await auditOf(id)).results.map((r) => [r.outcome, r.detail])).toEqual([
      ['denied', `share_out_of_scope to:${elsewhere.keyId}`],
      ['denied', `share_out_of_scope to:${f.official.keyId}`],
      ['denied', `share_out_of_scope to:${retired.keyId}`],
      ['denied', `readers_unverified to:${unsigned.keyId}`],
    ]);
    // A reader who cannot see the case cannot share it (it does not exist for them).
    const tokenOther = await signIn(s, other.monitor);
    expect((await share(tokenOther, id, { to: f.monitor.keyId, keys: [{ messageId: id, sealed: 'A'.repeat(107) }] })).status).toBe(404);
  });

  it('should refuse a note for another role and a key the sharer does not hold, on a case sent to both', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const id = await releasedReport(s, f, 'both');
    const tokenA = await signIn(s, f.monitor);
    await postMessage(s, tokenA, f.monitor, await detailOf(tokenA, id), 'note', 'Solo para monitores');
    const d = await detailOf(tokenA, id);
    const newOfficial = await addReader(s, f, 'official');
    const note = d.messages.find((m) => m.kind === 'note')!;
    // The note, sealed for an official: refused as a whole.
    const withNote = sealedFor(s, f.monitor, d, newOfficial, 'monitor');
    expect(withNote.some((k) => k.messageId === note.id)).toBe(true);
    expect((await share(tokenA, id, { to: newOfficial.keyId, keys: withNote })).status).toBe(403);
    // A message id the sharer holds no key for.
    const made = [{ messageId: s.to_hex(s.randombytes_buf(16)), sealed: sealedFor(s, f.monitor, d, newOfficial, 'official')[0]!.sealed }];
    expect((await share(tokenA, id, { to: newOfficial.keyId, keys: made })).status).toBe(403);
    // An official of another state is outside the case's jurisdiction, even on a case sent to both.
    const farOfficial = await addReader(s, f, 'official', { state: `otro-${f.state}` });
    const far = await share(tokenA, id, { to: farOfficial.keyId, keys: sealedFor(s, f.monitor, d, farOfficial, 'official') });
    expect(far.status).toBe(403);
    expect(((await far.json()) as { error: { code: string } }).error.code).toBe('share_out_of_scope');
    // Without the note, the new official gets the report: it is in their jurisdiction and the worker chose the authority.
    const ok = await share(tokenA, id, { to: newOfficial.keyId, keys: sealedFor(s, f.monitor, d, newOfficial, 'official') });
    expect(ok.status).toBe(200);
    const tokenO = await signIn(s, newOfficial);
    const seen = await detailOf(tokenO, id);
    expect(seen.case.sealed).not.toBeNull();
    expect(seen.messages.find((m) => m.id === note.id)?.sealed ?? null).toBeNull();
    const body = await getSealed(s, env.DB, env.BLOBS, (await env.DB.prepare('SELECT body_key AS k FROM reports WHERE id = ?1').bind(id).first<{ k: string }>())!.k);
    expect(openReport(s, body!, fromB64(s, seen.case.sealed!), newOfficial.box, { reportId: id, facilityId: f.id }).format).toBe(2);
  });
});

describe('share squatting (issue 26 §3)', () => {
  it('should keep a genuine share beside garbage shared first, so the new reader still opens the case', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const squatter = await addReader(s, f, 'monitor');
    const id = await releasedReport(s, f);
    const newcomer = await addReader(s, f, 'monitor');
    // A monitor shares a key that opens for the newcomer but is not the case's content key.
    const tokenS = await signIn(s, squatter);
    const garbage = [{ messageId: id, sealed: toB64(s, s.crypto_box_seal(s.randombytes_buf(32), newcomer.box.publicKey)) }];
    expect(await (await share(tokenS, id, { to: newcomer.keyId, keys: garbage })).json()).toMatchObject({ added: 1, given: 1 });

    // The genuine share afterwards: kept beside it, and the answer says it was not the first.
    const tokenA = await signIn(s, f.monitor);
    const genuine = sealedFor(s, f.monitor, await detailOf(tokenA, id), newcomer, 'monitor');
    expect(await (await share(tokenA, id, { to: newcomer.keyId, keys: genuine })).json()).toEqual({ to: newcomer.keyId, added: 0, given: 1, alongside: 1 });

    // The newcomer's console tries every key it was given: one opens the report.
    const d = (await detailOf(await signIn(s, newcomer), id)) as Detail & { case: { sealedAlso?: string[] } };
    const candidates = [d.case.sealed, ...(d.case.sealedAlso ?? [])].filter((k): k is string => !!k);
    const opened = candidates.filter((k) => {
      try {
        openReport(s, fromB64(s, d.body!), fromB64(s, k), newcomer.box, { reportId: id, facilityId: f.id });
        return true;
      } catch {
        return false;
      }
    });
    expect(opened).toHaveLength(1);
    // A sharer's later share replaces only their own copy: the squatter cannot push out the genuine one.
    const again = [{ messageId: id, sealed: toB64(s, s.crypto_box_seal(s.randombytes_buf(32), newcomer.box.publicKey)) }];
    expect(await (await share(tokenS, id, { to: newcomer.keyId, keys: again })).json()).toMatchObject({ added: 0, given: 1 });
    const after = (await detailOf(await signIn(s, newcomer), id)) as Detail & { case: { sealedAlso?: string[] } };
    expect(after.case.sealedAlso).toContain(genuine[0]!.sealed);
    // Erasing the case takes the copies with the keys they stand beside.
    const copies = async () => (await env.DB.prepare('SELECT count(*) AS n FROM shared_key_copies WHERE report_id = ?1').bind(id).first<{ n: number }>())!.n;
    expect(await copies()).toBe(2);
    await env.DB.prepare('UPDATE reports SET erase_requested = 1 WHERE id = ?1').bind(id).run();
    await eraseDueCases(env.DB, DEFAULT_RETENTION, mexicoDay());
    expect(await copies()).toBe(0);
  });
});
