/**
 * Test helpers for the Worker: facilities and keys made per test (storage is shared within a
 * file), and a valid submission built exactly as the browser builds it.
 */
import { SELF, env } from 'cloudflare:test';
import {
  checkWork,
  fromB64,
  deriveMailbox,
  newReceiptCode,
  recipientKeysFromSeed,
  sealReport,
  mailboxMessage,
  signProof,
  toB64,
  utf8,
  type RecipientKeys,
  type Sodium,
} from '../../src/crypto';
import { rolesFor, type ReportPlaintext, type SendTo } from '../../src/domain/report';
import { mexicoDay, releaseClock } from '../../src/lib/clock';
import { recordAudit } from '../../src/storage/audit';
import { releaseWorkerActions } from '../../src/storage/held-actions';
import { loadSodium } from '../../src/lib/sodium';
import { releaseWaitingStatements } from '../../src/storage/release';
import { READERS_FROM_ROWS_SQL, SAVE_READER_LIST_SQL, toListedReader } from '../../src/storage/reader-lists';
import { signReaderList } from '../../src/crypto';

export const sodium = loadSodium;

export interface TestFacility {
  id: string;
  monitor: RecipientKeys;
  official: RecipientKeys;
  state: string;
}

let counter = 0;

/** A fresh facility with one monitor, and one official scoped to the facility's own state. */
export async function makeFacility(s: Sodium, opts: { official?: boolean; state?: string } = {}): Promise<TestFacility> {
  const id = `f-${s.to_hex(s.randombytes_buf(6))}`;
  const state = opts.state ?? `state-${id}`;
  const monitor = recipientKeysFromSeed(s, s.randombytes_buf(32));
  const official = recipientKeysFromSeed(s, s.randombytes_buf(32));
  const insertKey = (k: RecipientKeys, role: string, scope: string | null) =>
    env.DB.prepare(
      `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem, scope_state)
       VALUES (?1, ?2, 'test', ?3, ?4, 'c2FsdA', 2, 67108864, ?5)`,
    ).bind(k.keyId, role, toB64(s, k.box.publicKey), toB64(s, k.sign.publicKey), scope);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO facilities (id, name, short_code, email_local, state, municipality, sector)
       VALUES (?1, ?2, ?3, ?3, ?4, 'Silao', 'automotive')`,
    ).bind(id, `Planta ${id}`, `s${++counter}${id.slice(2, 8)}`, state),
    insertKey(monitor, 'monitor', null),
    env.DB.prepare('INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, ?2)').bind(monitor.keyId, id),
    ...(opts.official === false ? [] : [insertKey(official, 'official', state)]),
  ]);
  await signReaderLists(s, [id]);
  return { id, monitor, official, state };
}

/** The worker tests' administrator (its public half is ADMIN_SIGN_PK in vitest.config.ts). */
export const testAdmin = (s: Sodium) => s.crypto_sign_seed_keypair(new Uint8Array(32).fill(0x42));

/** Signs facilities' reader lists from the recipient rows, as `npm run keys` does after approving them. */
export async function signReaderLists(s: Sodium, facilityIds: string[]) {
  const admin = testAdmin(s);
  const statements = [];
  for (const id of facilityIds) {
    const readers = (await env.DB.prepare(READERS_FROM_ROWS_SQL).bind(id).all<Parameters<typeof toListedReader>[0]>()).results.map(toListedReader);
    const rec = await env.DB.prepare('SELECT recovery_key_id AS keyId, recovery_box_pk AS boxPk FROM facilities WHERE id = ?1').bind(id).first<{ keyId: string | null; boxPk: string | null }>();
    const recovery = rec?.keyId && rec.boxPk ? { recovery: { keyId: rec.keyId, boxPk: rec.boxPk } } : {};
    const signed = signReaderList(s, { v: 1, facility: id, issued: new Date().toISOString(), readers, ...recovery }, admin.privateKey);
    statements.push(env.DB.prepare(SAVE_READER_LIST_SQL).bind(id, signed.statement, signed.signature));
  }
  if (statements.length) await env.DB.batch(statements);
}

export function sampleReport(facility: string, sendTo: SendTo = 'both', text = 'Nos amenazaron en la junta'): ReportPlaintext {
  return {
    v: 1,
    channel: 'web',
    lang: 'es',
    facility,
    categories: ['intimidation', 'coercion'],
    when: 'this_week',
    where: 'Línea 3',
    who: 'Supervisor de turno',
    description: text,
    sendTo,
  };
}

export async function challenge(facility: string): Promise<{ challenge: string; bits: number }> {
  const res = await SELF.fetch(`https://buzon.test/api/challenge?facility=${facility}`);
  return res.json();
}

/** Builds a complete, valid submission for a facility, as the report page does. */
export async function buildSubmission(s: Sodium, f: TestFacility, report = sampleReport(f.id), extra: Array<{ keyId: string; boxPublicKey: Uint8Array }> = []) {
  const reportId = s.to_hex(s.randombytes_buf(16));
  const code = newReceiptCode(s);
  const mailbox = deriveMailbox(s, code);
  // Like the browser: seal to the keys the server lists for the facility and the chosen roles, and
  // to the worker's own mailbox, in format 2, with the mailbox's public keys inside.
  const listed = (await (await SELF.fetch(`https://buzon.test/api/facilities/${f.id}/recipients`)).json()) as Record<
    'monitor' | 'official',
    Array<{ keyId: string; boxPk: string }>
  >;
  const recipients = rolesFor(report.sendTo).flatMap((role) => listed[role]);
  const sealed = { ...report, mailbox: { boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) } };
  const envelope = sealReport(s, utf8(JSON.stringify(sealed)), { reportId, facilityId: f.id }, [
    ...recipients.map((r) => ({ keyId: r.keyId, boxPublicKey: fromB64(s, r.boxPk) })),
    ...extra,
    { keyId: 'mailbox', boxPublicKey: mailbox.box.publicKey },
  ]);
  const c = await challenge(f.id);
  let counterValue = 0;
  while (!checkWork(s, c.challenge, reportId, counterValue, c.bits)) counterValue++;
  return {
    code,
    body: {
      v: 1,
      reportId,
      facility: f.id,
      categories: report.categories,
      sendTo: report.sendTo,
      mailbox: { id: mailbox.mailboxId, boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) },
      envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) },
      pow: { challenge: c.challenge, counter: counterValue },
    } as Record<string, any>,
  };
}

/** Signs one action on a case mailbox with a fresh challenge, as the follow-up page does. */
export async function mailboxProof(s: Sodium, code: string, action: string) {
  const mailbox = deriveMailbox(s, code);
  const { challenge } = (await (await SELF.fetch('https://buzon.test/api/mailbox/challenge')).json()) as { challenge: string };
  return { mailboxId: mailbox.mailboxId, challenge, signature: toB64(s, signProof(s, mailboxMessage(challenge, mailbox.mailboxId, action), mailbox.sign.privateKey)) };
}

export function post(body: unknown, lang = 'es', raw?: string) {
  return SELF.fetch(`https://buzon.test/api/reports?lang=${lang}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
}

/** How many rows and blobs exist for a report id: all zero when nothing was stored. */
export async function storedTrace(reportId: string) {
  const one = async (sql: string) => ((await env.DB.prepare(sql).bind(reportId).first<{ n: number }>())?.n ?? 0);
  return {
    reports: await one('SELECT count(*) AS n FROM reports WHERE id = ?1'),
    categories: await one('SELECT count(*) AS n FROM report_categories WHERE report_id = ?1'),
    keys: await one('SELECT count(*) AS n FROM wrapped_keys WHERE report_id = ?1'),
    blob:
      (await one("SELECT count(*) AS n FROM sealed_bodies WHERE key LIKE 'report/' || ?1 || '/body/%'")) +
      (await env.BLOBS.list({ prefix: `report/${reportId}/body` })).keys.length,
  };
}

/**
 * Lets readers see every waiting report and answer now, as if their release hour had passed
 * (the Worker itself only ever releases at the hour: src/domain/release.ts).
 */
export async function releaseNow() {
  const upTo = releaseClock(env.RELEASE_HOURS).last;
  await env.DB.batch(releaseWaitingStatements(env.DB, upTo));
  // As the half-hourly job: workers' erasures, widenings and keeps reach readers with the release.
  const { widened } = await releaseWorkerActions(env.DB, upTo, mexicoDay());
  await recordAudit(env, widened);
}
