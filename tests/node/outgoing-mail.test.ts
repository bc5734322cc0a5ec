/**
 * The two mails the Worker writes, the acknowledgement and the daily digest, byte for byte against
 * fixtures written by mimetext 3.0.28 (the library they were built with until the Worker dropped it
 * and its core-js polyfills; src/email/plain-mail.ts). Set OUTGOING_MAIL_FIXTURES=write to write
 * them again after an intended change.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acknowledgementMessage, type Acknowledgement } from '../../src/email/acknowledgement';
import { digestMessage, type Digest } from '../../src/notify/digest-message';

const dir = fileURLToPath(new URL('../fixtures/email/outgoing/', import.meta.url));
const write = process.env.OUTGOING_MAIL_FIXTURES === 'write';

const DEADLINES = { acknowledge: 7, answer: 30, close: 90 } as Acknowledgement['deadlines'];
const ack = (over: Partial<Acknowledgement>): Acknowledgement => ({
  from: 'planta-silao@buzon.example.org',
  to: 'trabajadora@example.com',
  inReplyTo: '<CAF=abc123@mail.example.com>',
  references: null,
  messageId: '<0123456789abcdef0123456789abcdef@buzon.example.org>',
  caseRef: 'BZ-7K3M-Q9',
  code: '7K3M-Q9PX-2VHD-8NWR-C4TJ',
  constancia: null,
  origin: 'https://buzon.example.org',
  sentTo: 'monitor',
  deadlines: DEADLINES,
  ...over,
});
const digest = (over: Partial<Digest>): Digest => ({
  from: 'avisos@buzon.example.org',
  to: 'monitora@example.org',
  count: 0,
  answers: 0,
  erasing: 0,
  overdue: { acknowledge: 0, answer: 0, close: 0 } as Digest['overdue'],
  auditHead: { day: '2026-12-06', hash: 'ab'.repeat(32) },
  origin: 'https://buzon.example.org',
  messageId: '<fedcba9876543210fedcba9876543210@buzon.example.org>',
  ...over,
});

/** Each mail by fixture name: the shapes the Worker sends (a reply in a thread or not, a constancia or not, each audience). */
const MAILS: Record<string, () => string> = {
  'ack-first': () => acknowledgementMessage(ack({})),
  'ack-thread-constancia': () =>
    acknowledgementMessage(ack({ references: '<a@x.example> <b@y.example>', constancia: 'BUZON-CONSTANCIA-1 abc.def.ghi', sentTo: 'both' })),
  'ack-no-reply-to': () => acknowledgementMessage(ack({ inReplyTo: null, references: null, sentTo: 'authority', to: 'ñandú.obrero@example.mx' })),
  'ack-named-sender': () => acknowledgementMessage(ack({ to: 'María López <maria@example.com>' })),
  'digest-quiet': () => digestMessage(digest({})),
  'digest-busy': () => digestMessage(digest({ count: 12, answers: 3, erasing: 1, overdue: { acknowledge: 2, answer: 5, close: 1 } as Digest['overdue'] })),
};

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-07T12:00:07Z'));
});
afterAll(() => vi.useRealTimers());

describe('outgoing mail', () => {
  it.each(Object.keys(MAILS))('should build %s byte for byte as the fixture', (name) => {
    const raw = MAILS[name]!();
    const file = `${dir}${name}.eml`;
    if (write || !existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, raw);
    }
    expect(raw).toBe(readFileSync(file, 'utf8'));
  });
});
