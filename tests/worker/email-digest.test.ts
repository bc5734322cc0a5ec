/**
 * The monitors' daily digest, sent from scheduled() through the send_email binding: one message per
 * monitor with an address, the same size for "no new reports" and "N new reports", no facility named.
 */
import { EmailMessage } from 'cloudflare:email';
import { createScheduledController, env } from 'cloudflare:test';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import type { Sodium } from '../../src/crypto';
import { addDays } from '../../src/domain/case';
import { newMessageId } from '../../src/email/mime';
import { auditHeadAt, recordAudit } from '../../src/storage/audit';
import { mexicoDay } from '../../src/lib/clock';
import { DIGEST_BODY_BYTES, digestBody, digestMessage } from '../../src/notify/digest-message';
import worker from '../../src/index';
import { makeFacility, sodium } from './helpers';
import { rawOf } from './email-helpers';

const today = () => mexicoDay();
const HEAD = { day: '2026-11-30', hash: 'ab'.repeat(32) };

/** A monitor's facility with a notification address of fixed length, and its reports by day. */
async function monitorWith(s: Sodium, reports: Array<{ day: string; sendTo?: string }>, lastDigestDay: string | null = null) {
  const f = await makeFacility(s);
  const address = `m-${s.to_hex(s.randombytes_buf(6))}@monitores.example.org`;
  await env.DB.prepare('UPDATE recipients SET notify_email = ?2, last_digest_day = ?3 WHERE key_id = ?1').bind(f.monitor.keyId, address, lastDigestDay).run();
  for (const r of reports) {
    const id = s.to_hex(s.randombytes_buf(16));
    await env.DB.prepare(
      `INSERT INTO reports (id, facility_id, channel, send_to, received_day, status, mailbox_id, mailbox_box_pk, mailbox_sign_pk, body_key, body_digest)
       VALUES (?1, ?2, 'email', ?3, ?4, 'new', ?5, 'pk', 'pk', 'k', 'd')`,
    )
      .bind(id, f.id, r.sendTo ?? 'both', r.day, s.to_hex(s.randombytes_buf(16)))
      .run();
  }
  const facility = await env.DB.prepare('SELECT name, short_code, email_local, state FROM facilities WHERE id = ?1').bind(f.id).first<Record<string, string>>();
  return { f, address, facility: facility! };
}

/** Runs the cron handler with a send_email binding that records what it is given. */
async function runCron(failFor: string[] = []) {
  const sent: EmailMessage[] = [];
  const MAILER = {
    send: async (m: EmailMessage) => {
      if (failFor.includes(m.to)) throw new Error('destination address not verified');
      sent.push(m);
      return { messageId: 'x' };
    },
  } as unknown as SendEmail;
  let error: unknown = null;
  try {
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '0 12 * * *' }), { ...env, MAILER });
  } catch (e) {
    error = e;
  }
  return { sent, error };
}

const to = (sent: EmailMessage[], address: string) => sent.filter((m) => m.to === address);

describe('daily digest', () => {
  it('should send each monitor one digest, the same size with or without new reports, naming no facility', async () => {
    const s = await sodium();
    const busy = await monitorWith(s, [
      { day: addDays(today(), -1) },
      { day: addDays(today(), -1) },
      { day: addDays(today(), -1), sendTo: 'monitor' },
      { day: addDays(today(), -1), sendTo: 'authority' }, // not the monitor's to read
      { day: today() }, // counted tomorrow
    ]);
    const quiet = await monitorWith(s, []);

    const { sent, error } = await runCron();
    expect(error).toBeNull();
    const [busyMail] = to(sent, busy.address);
    const [quietMail] = to(sent, quiet.address);
    expect(to(sent, busy.address)).toHaveLength(1);
    expect(to(sent, quiet.address)).toHaveLength(1);

    const busyRaw = await rawOf(busyMail!);
    const quietRaw = await rawOf(quietMail!);
    expect(new TextEncoder().encode(busyRaw).length).toBe(new TextEncoder().encode(quietRaw).length);

    const busyParsed = await PostalMime.parse(busyRaw);
    const quietParsed = await PostalMime.parse(quietRaw);
    expect(busyParsed.text).toContain('Reportes nuevos desde el último resumen: 3');
    expect(busyParsed.text).toContain('New reports since the last summary: 3');
    expect(quietParsed.text).toContain('No hay reportes nuevos');
    expect(busyParsed.subject).toBe(quietParsed.subject);
    expect(busyParsed.from?.address).toBe('avisos@buzon.test');
    expect(busyParsed.headers.find((h) => h.key === 'auto-submitted')?.value).toBe('auto-generated');
    expect(busyParsed.text).toContain('https://buzon.test/console');
    for (const [m, text] of [
      [busy, busyRaw + busyParsed.text],
      [quiet, quietRaw + quietParsed.text],
    ] as const) {
      for (const value of [m.f.id, m.facility.name, m.facility.short_code, m.facility.email_local, m.facility.state, 'Silao', 'automotive']) {
        expect(text).not.toContain(value);
      }
    }

    // Once a day: a second run the same day sends nothing more to them.
    const again = await runCron();
    expect(to(again.sent, busy.address)).toEqual([]);
    expect(to(again.sent, quiet.address)).toEqual([]);
  });

  it('should catch up on the days since the last digest, and count nothing twice', async () => {
    const s = await sodium();
    const m = await monitorWith(
      s,
      [-5, -3, -2, -1].map((n) => ({ day: addDays(today(), n) })),
      addDays(today(), -3),
    );
    const { sent } = await runCron();
    expect((await PostalMime.parse(await rawOf(to(sent, m.address)[0]!))).text).toContain(': 3');
  });

  it('should keep sending to the others when one address fails, fail the run, and retry only that one', async () => {
    const s = await sodium();
    const failing = await monitorWith(s, []);
    const fine = await monitorWith(s, []);
    const first = await runCron([failing.address]);
    expect(first.error).toBeInstanceOf(Error);
    expect(to(first.sent, fine.address)).toHaveLength(1);
    const second = await runCron();
    expect(to(second.sent, failing.address)).toHaveLength(1);
    expect(to(second.sent, fine.address)).toEqual([]);
  });

  it('should pad every digest to the same length, whatever the count', async () => {
    const s = await sodium();
    const lengths = new Set<number>();
    for (const count of [0, 1, 9, 42, 12345, 1_000_000_000]) {
      const raw = digestMessage({ from: 'avisos@buzon.test', to: 'monitor@example.org', count, answers: count, erasing: count, overdue: { acknowledge: count, answer: count, close: count }, origin: 'https://buzon.test', auditHead: HEAD, messageId: newMessageId(s, 'buzon.test') });
      lengths.add(new TextEncoder().encode(raw).length);
      expect(digestBody({ count, answers: count, erasing: count, overdue: { acknowledge: count, answer: count, close: count }, origin: 'https://buzon.test', auditHead: HEAD }).length).toBe(DIGEST_BODY_BYTES);
    }
    expect(lengths.size).toBe(1);
  });

  it('should be a message the send_email binding accepts', async () => {
    const s = await sodium();
    const raw = digestMessage({ from: 'avisos@buzon.test', to: 'monitor@example.org', count: 2, answers: 1, erasing: 0, overdue: { acknowledge: 1, answer: 0, close: 0 }, origin: 'https://buzon.test', auditHead: HEAD, messageId: newMessageId(s, 'buzon.test') });
    await expect(env.MAILER.send(new EmailMessage('avisos@buzon.test', 'monitor@example.org', raw))).resolves.toBeDefined();
  });

  it('should send officials their digest too, counting the authority\'s reports in their state, with the audit head at the end of yesterday', async () => {
    const s = await sodium();
    const { f } = await monitorWith(s, [
      { day: addDays(today(), -1), sendTo: 'authority' },
      { day: addDays(today(), -1), sendTo: 'both' },
      { day: addDays(today(), -1), sendTo: 'monitor' }, // not the authority's to read
    ]);
    const address = `o-${s.to_hex(s.randombytes_buf(6))}@autoridad.example.org`;
    await env.DB.prepare('UPDATE recipients SET notify_email = ?2 WHERE key_id = ?1').bind(f.official.keyId, address).run();
    // Something audited yesterday, and something today that yesterday's head must not include.
    await recordAudit(env, [{ day: addDays(today(), -1), actor: f.monitor.keyId, role: 'monitor', action: 'view', reportId: null, outcome: 'ok', detail: null }]);
    const head = await auditHeadAt(env.DB, addDays(today(), -1));
    await recordAudit(env, [{ day: today(), actor: f.monitor.keyId, role: 'monitor', action: 'view', reportId: null, outcome: 'ok', detail: null }]);

    const { sent, error } = await runCron();
    expect(error).toBeNull();
    const [mail] = to(sent, address);
    const parsed = await PostalMime.parse(await rawOf(mail!));
    expect(parsed.text).toContain('Reportes nuevos desde el último resumen: 2');
    expect(parsed.text).toContain(`${head.hash}@${head.day}`);
    expect(head.hash).not.toBe((await auditHeadAt(env.DB, today())).hash);
    expect(parsed.text).toContain(`npm run audit:verify -- --head ${head.hash}@${head.day}`);
  });
});
