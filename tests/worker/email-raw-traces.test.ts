/**
 * The sealed raw copy of a mailed report carries no sending traces inside its parts (issue 26 §5):
 * mail clients build MIME boundaries from the send time and host (nodemailer "----sinikael-?=_1-<ms>",
 * Apple Mail "Apple-Mail=_<uuid>", Outlook "_000_<message id>_"), and part headers such as
 * Content-ID ("<image001.png@01DA2B3C.4D5E6F70>", an Outlook FILETIME) or X-Attachment-Id carry more.
 * Readers who open the raw copy could match those with the company's mail server logs.
 */
import PostalMime from 'postal-mime';
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fromB64 } from '../../src/crypto';
import { makeFacility, sodium } from './helpers';
import { bytes, deliver, mail, openReport, randomSender, reportsOf } from './email-helpers';

describe('email intake: the raw copy', () => {
  it("should rename every MIME boundary and drop the parts' Content-ID and X-* headers before sealing the raw copy, keeping the parts readable", async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const local = (await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(f.id).first<{ email_local: string }>())!.email_local;
    const sender = randomSender(s);
    const outer = '----sinikael-?=_1-1772570220123';
    const inner = 'Apple-Mail=_6F1C2D3E-4A5B-4C6D-8E9F-0A1B2C3D4E5F';
    const word = `CANARIO${s.to_hex(s.randombytes_buf(4)).toUpperCase()}`;
    // Cut short (no closing delimiter of the outer part), so the raw copy is kept beside what parsed.
    const raw = [
      `From: Juana <${sender}>`,
      'Date: Tue, 3 Mar 2026 14:37:00 -0600',
      'Subject: Reporte',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed;\r\n boundary="${outer}"`,
      '',
      `--${outer}`,
      `Content-Type: multipart/alternative; boundary="${inner}"`,
      '',
      `--${inner}`,
      'Content-Type: text/plain; charset=utf-8',
      'X-Mailer-Part: laptop-RH-07 2026-03-03T14:37:00',
      '',
      `Nos amenazaron en la junta. ${word}`,
      `--${inner}--`,
      `--${outer}`,
      'Content-Type: image/png; name="image001.png"',
      'Content-Transfer-Encoding: base64',
      'Content-ID: <image001.png@01DA2B3C.4D5E6F70>',
      'X-Attachment-Id: f_lt9k2m3n0',
      'Content-Disposition: inline; filename="image001.png"',
      '',
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      '',
    ].join('\r\n');
    const m = await mail(bytes(raw), { from: sender, to: `${local}@buzon.test` });
    await deliver(m.message);
    const [report] = await reportsOf(f.id);
    const plain = await openReport(s, report!.id, f.monitor);
    expect(plain.raw).toBeDefined();
    const copy = fromB64(s, plain.raw!);
    const text = new TextDecoder('latin1').decode(copy);
    for (const gone of [
      'sinikael',
      '1772570220123',
      'Apple-Mail',
      '6F1C2D3E',
      'Content-ID',
      '01DA2B3C',
      'X-Attachment-Id',
      'f_lt9k2m3n0',
      'X-Mailer-Part',
      'laptop-RH-07',
      sender,
      'Date:',
    ]) {
      expect(text).not.toContain(gone);
    }
    // Still the same message to a mail reader: the text and the picture parse from the raw copy.
    const again = await PostalMime.parse(copy);
    expect(again.text).toContain(word);
    expect(again.attachments.map((a) => [a.mimeType, a.filename])).toEqual([['image/png', 'image001.png']]);
  });
});
