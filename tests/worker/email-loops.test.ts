/**
 * Mail loops: automatic mail is stored but never answered; delivery and feedback reports (which
 * may quote an acknowledgement and its receipt code) are refused and never stored.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { classifyMail } from '../../src/email/automatic';
import { makeFacility, sodium } from './helpers';
import { bytes, deliver, mail, openReport, randomSender, reportsOf } from './email-helpers';

async function deliverWith(headerLines: string, opts: { from?: string; contentType?: string; body?: string } = {}) {
  const s = await sodium();
  const f = await makeFacility(s);
  const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(f.id).first<{ email_local: string }>();
  const sender = opts.from ?? randomSender(s);
  const raw = bytes(
    `From: <${sender || 'mailer-daemon@mx.example.net'}>\r\nSubject: Aviso\r\nMessage-ID: <${s.to_hex(s.randombytes_buf(8))}@mx.example.net>\r\n${headerLines}` +
      `Content-Type: ${opts.contentType ?? 'text/plain; charset=utf-8'}\r\n\r\n${opts.body ?? 'Fuera de la oficina hasta el lunes.'}\r\n`,
  );
  const m = await mail(raw, { from: sender, to: `${row!.email_local}@buzon.test` });
  await deliver(m.message);
  return { s, f, m, reports: await reportsOf(f.id) };
}

describe('email intake: automatic mail is stored and never answered', () => {
  for (const [rule, header] of [
    ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-replied\r\n'],
    ['Auto-Submitted: auto-generated', 'Auto-Submitted: auto-generated\r\n'],
    ['Precedence: bulk', 'Precedence: bulk\r\n'],
    ['Precedence: list', 'Precedence: list\r\n'],
    ['Precedence: junk', 'Precedence: junk\r\n'],
    ['List-Id', 'List-Id: Avisos de la planta <avisos.planta.example>\r\n'],
    ['List-Unsubscribe', 'List-Unsubscribe: <mailto:baja@planta.example>\r\n'],
    ['X-Auto-Response-Suppress', 'X-Auto-Response-Suppress: OOF, AutoReply\r\n'],
    ['X-Autoreply', 'X-Autoreply: yes\r\n'],
  ] as const) {
    it(`should store but not answer mail with ${rule}`, async () => {
      const { s, f, m, reports } = await deliverWith(header);
      expect(m.rejects).toEqual([]);
      expect(m.replies).toEqual([]);
      expect(reports).toHaveLength(1);
      expect((await openReport(s, reports[0]!.id, f.monitor)).text).toContain('Fuera de la oficina');
    });
  }

  it('should answer mail that says Auto-Submitted: no', async () => {
    const { m, reports } = await deliverWith('Auto-Submitted: no\r\n');
    expect(reports).toHaveLength(1);
    expect(m.replies).toHaveLength(1);
  });

  it('should not answer MAILER-DAEMON, list owners or list request addresses', async () => {
    for (const from of ['MAILER-DAEMON@mx.example.net', 'owner-avisos@lists.example.net', 'avisos-request@lists.example.net']) {
      const { m, reports } = await deliverWith('', { from });
      expect(reports, from).toHaveLength(1);
      expect(m.replies, from).toEqual([]);
    }
  });

  it('should not answer mail that claims to come from its own domain', async () => {
    const { m, reports } = await deliverWith('', { from: 'demo@buzon.test' });
    expect(reports).toHaveLength(1);
    expect(m.replies).toEqual([]);
  });
});

describe('email intake: delivery and feedback reports are refused', () => {
  it('should refuse a message with an empty Return-Path', async () => {
    const { m, reports } = await deliverWith('Return-Path: <>\r\n');
    expect(m.rejects).toHaveLength(1);
    expect(m.rejects[0]).toContain('Automatic delivery reports are not accepted');
    expect(m.replies).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('should refuse a message with an empty envelope sender (a bounce)', async () => {
    const { m, reports } = await deliverWith('', { from: '' });
    expect(m.rejects).toHaveLength(1);
    expect(m.replies).toEqual([]);
    expect(reports).toEqual([]);
  });

  for (const reportType of ['delivery-status', 'feedback-report']) {
    it(`should refuse a multipart/report of type ${reportType}, even one quoting a receipt code`, async () => {
      const body =
        `--R\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--R\r\nContent-Type: message/${reportType === 'delivery-status' ? 'delivery-status' : 'feedback-report'}\r\n\r\nAction: failed\r\n` +
        `--R\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: Recibimos tu mensaje\r\n\r\nTu codigo de recibo: ABCD-EFGH-JKMN-PQRS-TVWX\r\n--R--\r\n`;
      const { m, reports } = await deliverWith('', { contentType: `multipart/report; report-type=${reportType}; boundary="R"`, body });
      expect(m.rejects).toHaveLength(1);
      expect(m.replies).toEqual([]);
      expect(reports).toEqual([]);
    });
  }
});

describe('classifyMail', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('should name the rule that matched, and call ordinary mail personal', () => {
    expect(classifyMail('juana@example.net', h({}), 'buzon.test')).toEqual({ kind: 'personal' });
    expect(classifyMail('juana@example.net', h({ 'auto-submitted': 'No' }), 'buzon.test')).toEqual({ kind: 'personal' });
    expect(classifyMail('juana@example.net', h({ 'x-auto-response-suppress': 'None' }), 'buzon.test')).toEqual({ kind: 'personal' });
    expect(classifyMail('juana@example.net', h({ precedence: 'first-class' }), 'buzon.test')).toEqual({ kind: 'personal' });
    expect(classifyMail('juana@example.net', h({ 'auto-submitted': 'auto-notified; owner-email="x@y"' }), 'buzon.test')).toEqual({ kind: 'automatic', rule: 'auto_submitted' });
    expect(classifyMail('<>', h({}), 'buzon.test')).toEqual({ kind: 'delivery_report', rule: 'null_sender' });
    expect(classifyMail('juana@example.net', h({ 'content-type': 'multipart/report; report-type=disposition-notification' }), 'buzon.test')).toEqual({
      kind: 'delivery_report',
      rule: 'report',
    });
  });
});
