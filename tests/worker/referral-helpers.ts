/**
 * Helpers for the referral's worker tests: the follow-up page's widening, built as the page builds it.
 */
import { env, SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import { deriveMailbox, fromB64, resealKey, sealSignedMessage, signProof, toB64, wideningMessage, type RecipientKeys, type Sodium } from '../../src/crypto';
import { buildSubmission, mailboxProof, post, releaseNow, sampleReport, type TestFacility } from './helpers';
import { api } from './console-helpers';

export type Thread = {
  case: {
    id: string;
    facilityId: string;
    sendTo: string;
    sides: Array<{ side: string; status: string }>;
    widenedConsent: string | null;
    widenAt: string | null;
    eraseDay: string | null;
  };
  report: { body: string; sealed: string } | null;
  messages: Array<{ id: string; kind: string; authorRole: string; sealed: string | null }>;
};
export type Detail = {
  case: { id: string; sealed: string | null; facilityId: string; receivedDay: string; status: string; sides: Array<{ side: string; status: string }> };
  body: string | null;
  messages: Array<{ id: string; kind: string; authorRole: string; body: string | null; sealed: string | null }>;
  sealTo: { reply: Array<{ keyId: string; boxPk: string }> };
  widenedConsent: string | null;
};

export const mailboxPost = (path: string, body: unknown) =>
  SELF.fetch(`https://buzon.test/api/mailbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
export const threadOf = async (s: Sodium, code: string) => (await (await mailboxPost('thread', await mailboxProof(s, code, 'thread'))).json()) as Thread;
export const detailOf = async (token: string, id: string) => (await api(`/console/api/cases/${id}`, { token })).json() as Promise<Detail>;
export const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
export const caseRow = (id: string) =>
  env.DB.prepare(
    'SELECT send_to AS sendTo, status, closed_day AS closedDay, authority_status AS authorityStatus, authority_release_at AS authorityRelease, widened_consent AS consent FROM reports WHERE id = ?1',
  )
    .bind(id)
    .first<{
      sendTo: string;
      status: string;
      closedDay: string | null;
      authorityStatus: string | null;
      authorityRelease: string | null;
      consent: string | null;
    }>();
export const widenAudit = (id: string) =>
  env.DB.prepare("SELECT actor, role, outcome, detail FROM audit_log WHERE report_id = ?1 AND action = 'widen' ORDER BY seq")
    .bind(id)
    .all<{ actor: string; role: string; outcome: string; detail: string }>();

/** A report sent to the company alone, released, with its receipt code. */
export async function monitorOnlyCase(s: Sodium, f: TestFacility, text = 'Nos amenazaron en la junta') {
  const sub = await buildSubmission(s, f, sampleReport(f.id, 'monitor', text));
  expect((await post(sub.body)).status).toBe(201);
  await releaseNow();
  return { id: sub.body.reportId as string, code: sub.code };
}

/** A monitor's reply on the case, sealed as the console seals it (to the mailbox and the case's readers). */
export async function monitorReply(s: Sodium, token: string, me: RecipientKeys, id: string, text: string, request?: 'authority') {
  const d = await detailOf(token, id);
  const messageId = s.to_hex(s.randombytes_buf(16));
  const to = d.sealTo.reply.map((k) => ({ keyId: k.keyId, boxPublicKey: fromB64(s, k.boxPk) }));
  const place = { reportId: id, messageId, facilityId: d.case.facilityId, kind: 'reply' as const, author: 'monitor' as const };
  const e = sealSignedMessage(s, { text, lang: 'es', ...(request ? { request } : {}) }, place, { id: me.keyId, signPrivateKey: me.sign.privateKey }, to);
  const res = await api(`/console/api/cases/${id}/messages`, {
    token,
    body: { id: messageId, kind: 'reply', envelope: { body: toB64(s, e.body), keys: e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) } },
  });
  expect(res.status).toBe(201);
  return messageId;
}

export type Official = { keyId: string; box: { publicKey: Uint8Array } };

/** The plant's officials as the server serves them to the page (national ones from other tests included). */
export async function servedOfficials(s: Sodium, facilityId: string): Promise<Official[]> {
  const served = (await (await SELF.fetch(`https://buzon.test/api/facilities/${facilityId}/recipients`)).json()) as {
    official: Array<{ keyId: string; boxPk: string }>;
  };
  return served.official.map((o) => ({ keyId: o.keyId, box: { publicKey: fromB64(s, o.boxPk) } }));
}

/**
 * What the follow-up page sends: every key the mailbox holds, resealed to each official (the served
 * ones, plus `extra`, or exactly `only`); the consent; a fresh proof.
 */
export async function widenBody(s: Sodium, code: string, extra: Official[] = [], opts: { consentCode?: string; action?: string; only?: Official[] } = {}) {
  const t = await threadOf(s, code);
  const officials = opts.only ?? [...(await servedOfficials(s, t.case.facilityId)), ...extra];
  const mailbox = deriveMailbox(s, code);
  const held = [{ messageId: t.case.id, sealed: t.report!.sealed }, ...t.messages.filter((m) => m.sealed).map((m) => ({ messageId: m.id, sealed: m.sealed! }))];
  const readers = officials.map((o) => ({
    to: o.keyId,
    keys: held.map((k) => ({ messageId: k.messageId, sealed: toB64(s, resealKey(s, fromB64(s, k.sealed), mailbox.box, o.box.publicKey)) })),
  }));
  const signer = deriveMailbox(s, opts.consentCode ?? code);
  const consent = toB64(s, signProof(s, wideningMessage(t.case.id, t.case.facilityId, 'both'), signer.sign.privateKey));
  return { ...(await mailboxProof(s, code, opts.action ?? 'widen:authority')), consent, readers };
}
