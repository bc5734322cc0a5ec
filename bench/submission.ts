/**
 * @module Builds real submissions in Node for the benchmarks, as the report page does.
 */
import {
  checkWork,
  deriveMailbox,
  fromB64,
  newReceiptCode,
  sealReport,
  toB64,
  utf8,
  type Sodium,
} from '../src/crypto';

export interface Recipients {
  monitor: Array<{ keyId: string; boxPk: string }>;
  official: Array<{ keyId: string; boxPk: string }>;
}

export async function fetchRecipients(base: string, facility = 'demo-silao'): Promise<Recipients> {
  return (await fetch(`${base}/api/facilities/${facility}/recipients`)).json() as Promise<Recipients>;
}

/** One complete submission body (JSON text), proof of work included. */
export async function buildSubmission(s: Sodium, base: string, recipients: Recipients, text: string): Promise<{ id: string; json: string }> {
  const reportId = s.to_hex(s.randombytes_buf(16));
  const mailbox = deriveMailbox(s, newReceiptCode(s));
  // Format 2 with the mailbox's public keys inside, as src/client/report.ts seals it: the console
  // refuses a format 1 report received after the cut-over (src/crypto/envelope.ts, FORMAT_1_LAST_DAY).
  const report = {
    v: 1, channel: 'web', lang: 'es', facility: 'demo-silao', categories: ['intimidation'], when: 'this_week',
    where: 'Línea 2', who: 'Supervisor', description: text, sendTo: 'both',
    mailbox: { boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) },
  };
  const envelope = sealReport(
    s,
    utf8(JSON.stringify(report)),
    { reportId, facilityId: 'demo-silao' },
    [...recipients.monitor, ...recipients.official].map((r) => ({ keyId: r.keyId, boxPublicKey: fromB64(s, r.boxPk) })),
  );
  const { challenge, bits } = (await (await fetch(`${base}/api/challenge?facility=demo-silao`)).json()) as { challenge: string; bits: number };
  let counter = 0;
  while (!checkWork(s, challenge, reportId, counter, bits)) counter++;
  const json = JSON.stringify({
    v: 1, reportId, facility: 'demo-silao', categories: report.categories, sendTo: 'both',
    mailbox: { id: mailbox.mailboxId, boxPk: toB64(s, mailbox.box.publicKey), signPk: toB64(s, mailbox.sign.publicKey) },
    envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) },
    pow: { challenge, counter },
  });
  return { id: reportId, json };
}

export function postSubmission(base: string, json: string) {
  return fetch(`${base}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
}
