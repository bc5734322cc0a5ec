/**
 * Every fixture message (tests/fixtures/email/, real mail from public MIME parsers' test suites)
 * through the Worker's email() handler in workerd, with real D1 and KV.
 */
import { env } from 'cloudflare:test';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { deriveMailbox, fromB64, normalizeReceiptCode } from '../../src/crypto';
import { parseMail } from '../../src/email/parse';
import { neutralNames } from '../../src/domain/attachment';
import { makeFacility, sodium } from './helpers';
import { FIXTURES, deliver, foundInStorage, mail, openReport, parseSent, randomSender, rawOf, reportsOf } from './email-helpers';

const CODE = /\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}\b/g;

async function addressOf(facilityId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(facilityId).first<{ email_local: string }>();
  return `${row!.email_local}@buzon.test`;
}

/** The language guessed from each fixture's words ("Hello world!" / "test" is a tie, and a tie is Spanish). */
const LANG: Record<string, 'es' | 'en'> = {
  'mailparser-mixed.eml': 'en',
  'mailparser-nested.eml': 'en',
  'mailparser-nodemailer.eml': 'en',
  'mailparser-simple.eml': 'es',
  'postal-mime-mimetorture.eml': 'en',
  'postal-mime-mixed.eml': 'en',
};

/** Sentences read off each fixture by hand (the HTML parts of the torture test included, in one line each). */
const KNOWN_WORDS: Record<string, string[]> = {
  'mailparser-nodemailer.eml': ['Hello to myself!'],
  'mailparser-simple.eml': ['Hello world!'],
  'mailparser-nested.eml': ['Dear Sir', 'The footer'],
  'postal-mime-mimetorture.eml': [
    'This is the HTML part.',
    'What do we have here... This message is an HTML message. Also attached is an HTML FILE. Both of these are in a multipart/mixed part.',
  ],
};

describe('email intake: the fixtures', () => {
  it('should have every shared fixture copied into the repository', () => {
    expect(Object.keys(FIXTURES).sort()).toEqual([
      'mailparser-mixed.eml',
      'mailparser-nested.eml',
      'mailparser-nodemailer.eml',
      'mailparser-simple.eml',
      'postal-mime-mimetorture.eml',
      'postal-mime-mixed.eml',
    ]);
  });

  it('should take the two byte-identical fixtures (no Message-ID) to one facility as one report', async () => {
    const s = await sodium();
    const f = await makeFacility(s);
    const to = await addressOf(f.id);
    const sender = randomSender(s);
    expect(FIXTURES['postal-mime-mixed.eml']).toEqual(FIXTURES['mailparser-mixed.eml']);
    const first = await mail(FIXTURES['postal-mime-mixed.eml']!, { from: sender, to });
    const second = await mail(FIXTURES['mailparser-mixed.eml']!, { from: sender, to });
    await deliver(first.message);
    await deliver(second.message);
    expect(await reportsOf(f.id)).toHaveLength(1);
    expect([first.replies.length, second.replies.length]).toEqual([1, 0]);
  });

  for (const [name, raw] of Object.entries(FIXTURES)) {
    it(`should store ${name} once, sealed, readable only by its readers, and acknowledge it`, async () => {
      const s = await sodium();
      const f = await makeFacility(s);
      const to = await addressOf(f.id);
      const sender = randomSender(s);
      const parsed = await PostalMime.parse(raw);

      // Delivered twice (a retry): one report, one acknowledgement.
      const first = await mail(raw, { from: sender, to });
      await deliver(first.message);
      const again = await mail(raw, { from: sender, to });
      await deliver(again.message);
      expect(first.rejects).toEqual([]);
      expect(again.rejects).toEqual([]);
      expect(again.replies).toEqual([]);
      const stored = await reportsOf(f.id);
      expect(stored).toHaveLength(1);
      const report = stored[0]!;
      expect(report).toMatchObject({ channel: 'email', sendTo: 'both', categories: 0 });
      expect(report.keyIds).toEqual([f.monitor.keyId, f.official.keyId].sort());

      // Both readers open it to what the parser reads (postal-mime, with HTML parts through our
      // htmlToText: tests/worker/email-parse.test.ts), attachments byte for byte as postal-mime reads them.
      const expectedText = (await parseMail(raw)).text;
      // Pinned independently of the parser: words each fixture is known to carry.
      for (const words of KNOWN_WORDS[name] ?? []) expect(expectedText, name).toContain(words);
      for (const reader of [f.monitor, f.official]) {
        const plain = await openReport(s, report.id, reader);
        expect(plain).toMatchObject({ v: 1, channel: 'email', facility: f.id, subject: parsed.subject ?? '', text: expectedText });
        expect(plain.lang).toBe(LANG[name]);
        expect(plain.raw).toBeUndefined(); // every fixture parses completely
        // Every part gets a neutral name by type, as web evidence does: the sender's file name is not kept.
        const types = parsed.attachments.map((a) => a.mimeType);
        expect(plain.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size }))).toEqual(
          parsed.attachments.map((a, i) => ({ name: neutralNames(types)[i], type: a.mimeType, size: (a.content as ArrayBuffer).byteLength })),
        );
        const original = parsed.attachments.map((a) => a.filename).filter((f): f is string => !!f);
        expect(plain.attachments.filter((a) => original.includes(a.name))).toEqual([]);
        if (name === 'mailparser-nodemailer.eml') {
          expect(original).toContain('nyan cat ✔.gif');
          expect(plain.attachments.find((a) => a.type === 'image/gif')?.name).toMatch(/^foto-\d\.gif$/);
        }
        plain.attachments.forEach((a, i) => expect(fromB64(s, a.data)).toEqual(new Uint8Array(parsed.attachments[i]!.content as ArrayBuffer)));
        expect(JSON.stringify(plain)).not.toContain(sender);
      }

      // Neither the sender nor the words are anywhere in clear.
      const lines = expectedText.split('\n').map((l) => l.trim()).filter((l) => l.length >= 10);
      const needles = [sender, ...lines, ...(parsed.subject && parsed.subject.length >= 10 ? [parsed.subject] : [])];
      if (parsed.from?.address) needles.push(parsed.from.address);
      expect(await foundInStorage(needles)).toEqual([]);

      // The acknowledgement: from the facility's address to the sender, with a receipt code that opens this case.
      expect(first.replies).toHaveLength(1);
      const ack = await parseSent(first.replies[0]!);
      expect(ack.from?.address).toBe(to);
      expect(ack.to?.map((a) => a.address)).toEqual([sender]);
      expect(ack.inReplyTo).toBe(parsed.messageId);
      expect(ack.headers.find((h) => h.key === 'auto-submitted')?.value).toBe('auto-replied');
      const codes = [...new Set(ack.text!.match(CODE))];
      expect(codes).toHaveLength(1);
      expect(deriveMailbox(s, normalizeReceiptCode(codes[0]!)!).mailboxId).toBe(report.mailboxId);
      expect(ack.text).toContain(report.id.slice(0, 8));
      expect(ack.text).toContain('https://buzon.test/seguimiento');
      expect(ack.text).toContain('https://buzon.test/seguimiento?lang=en');
      expect(ack.text!.indexOf('Recibimos tu mensaje')).toBeLessThan(ack.text!.indexOf('We received your message'));
      for (const days of ['7', '30', '90']) expect(ack.text).toContain(` ${days} `);
      // No report content in it: not the subject, not a line of the text, no attachment name.
      const ackRaw = await rawOf(first.replies[0]!);
      for (const line of lines) expect(ack.text).not.toContain(line);
      if (parsed.subject && parsed.subject.length >= 4) expect(ack.subject).not.toContain(parsed.subject);
      for (const a of parsed.attachments) if (a.filename) expect(ackRaw).not.toContain(a.filename);
      expect(ack.attachments).toEqual([]);
    });
  }
});
