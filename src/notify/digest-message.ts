/**
 * @module The daily digest a reader gets by mail: a count, a link and the audit chain's head at the
 * end of yesterday (published outside the database, so a rewritten chain shows), bilingual, Spanish first.
 * Every digest to the same address has the same byte length whatever the count, so neither the
 * mail provider nor anyone on the wire can tell a day with reports from a day without. It names
 * no facility, no category, nothing a report says.
 */
import type { Language } from '../domain/report';
import { CLOCK_NAMES, type ClockName } from '../domain/clocks';
import { base64Body } from '../email/mime';
import { plainMail } from '../email/plain-mail';
import { translator } from '../i18n';

/** The body, in UTF-8 bytes, before base64: every digest is padded to exactly this. */
export const DIGEST_BODY_BYTES = 2048;

export interface Digest {
  from: string;
  to: string;
  /** New reports in the reader's scope since the last digest. */
  count: number;
  /** Cases with an answer from the worker the reader has not seen. */
  answers: number;
  /** Cases retention erases within the next 14 days. */
  erasing: number;
  /** Cases still open on the reader's side, by the clock of theirs that is overdue. */
  overdue: Record<ClockName, number>;
  /** The audit chain's head at the end of a day (64 hex chars, so the size stays fixed). */
  auditHead: { day: string; hash: string };
  origin: string;
  /** Fixed width (mime.ts newMessageId), or the size would vary. */
  messageId: string;
}

type DigestFacts = Pick<Digest, 'count' | 'answers' | 'erasing' | 'overdue' | 'origin' | 'auditHead'>;

function digestText(lang: Language, d: DigestFacts): string {
  const t = translator(lang);
  const { count, origin, auditHead: head } = d;
  return [
    count === 0 ? t('email.digest.none') : t('email.digest.some', { count }),
    t('email.digest.answers', { count: d.answers }),
    t('email.digest.erasing', { count: d.erasing }),
    // The clocks in the words of every other surface (locales clock.*).
    t('email.digest.overdue', { list: CLOCK_NAMES.map((n) => `${t(`clock.name.${n}`)}: ${d.overdue[n]}`).join(' · ') }),
    '',
    t('email.digest.where', { link: `${origin}/console${lang === 'en' ? '?lang=en' : ''}` }),
    '',
    t('email.digest.audit_head', { day: head.day, head: `${head.hash}@${head.day}` }),
    '',
    t('email.digest.why'),
    t('email.digest.automatic'),
  ].join('\r\n');
}

/** The body padded with spaces to DIGEST_BODY_BYTES. */
export function digestBody(d: DigestFacts): Uint8Array {
  const text = new TextEncoder().encode([digestText('es', d), '', '------', '', digestText('en', d), ''].join('\r\n'));
  if (text.length > DIGEST_BODY_BYTES) throw new Error('digest text longer than its padded size');
  const padded = new Uint8Array(DIGEST_BODY_BYTES).fill(0x20);
  padded.set(text);
  return padded;
}

/** The raw message (RFC 5322), marked Auto-Submitted: auto-generated (RFC 3834). */
export function digestMessage(d: Digest): string {
  return plainMail({
    from: { name: 'Buzón', addr: d.from },
    to: d.to,
    subject: `${translator('es')('email.digest.subject')} / ${translator('en')('email.digest.subject')}`,
    messageId: d.messageId,
    headers: [
      ['Auto-Submitted', 'auto-generated'],
      ['X-Auto-Response-Suppress', 'All'],
    ],
    base64Body: base64Body(digestBody(d)),
  });
}
