/**
 * Test helpers for the email intake: the fixtures as bytes, a stand-in for the platform's
 * ForwardableEmailMessage (a real raw stream, spies on setReject and reply), delivery through the
 * Worker's exported email() handler, and readers' views of what got stored.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import PostalMime, { type Email } from 'postal-mime';
import { fromB64, fromUtf8, openReport as openReportEnvelope, type RecipientKeys, type Sodium } from '../../src/crypto';
import { getSealed } from '../../src/storage/blobs';
import type { EmailReportPlaintext } from '../../src/domain/report';
import worker from '../../src/index';

declare global {
  interface ImportMeta {
    /** Vite's build-time file import (vite/client types are not in this project's tsconfig). */
    glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, unknown>;
  }
}

const files = import.meta.glob('../fixtures/email/*.eml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Every fixture by file name, as bytes (they are all 7-bit, so the text import is byte-exact). */
export const FIXTURES: Record<string, Uint8Array> = Object.fromEntries(
  Object.entries(files).map(([path, text]) => {
    if (/[^\x00-\x7f]/.test(text)) throw new Error(`${path} is not 7-bit: import it as bytes`);
    return [path.split('/').pop()!, new TextEncoder().encode(text)];
  }),
);

export const bytes = (text: string) => new TextEncoder().encode(text);
const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b).toLowerCase();

export interface TestMail {
  message: ForwardableEmailMessage;
  rejects: string[];
  replies: EmailMessage[];
  /** Whether the handler started reading the raw stream. */
  read: () => boolean;
}

/**
 * A message as the platform hands it to email(): headers parsed from the raw bytes the way
 * Miniflare does it, the raw bytes as a stream in 16 KiB chunks.
 */
export async function mail(
  raw: Uint8Array,
  opts: { from: string; to: string; rawSize?: number; replyFails?: boolean; stream?: ReadableStream<Uint8Array> },
): Promise<TestMail> {
  const headers = new Headers();
  try {
    for (const h of (await PostalMime.parse(raw)).headers) {
      try {
        headers.append(h.key, h.value);
      } catch {
        /* a header the platform could not carry either */
      }
    }
  } catch {
    /* unparseable: no headers */
  }
  const rejects: string[] = [];
  const replies: EmailMessage[] = [];
  let started = false;
  let at = 0;
  const stream =
    opts.stream ??
    new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          started = true;
          if (at >= raw.length) return controller.close();
          controller.enqueue(raw.slice(at, at + 16384));
          at += 16384;
        },
      },
      { highWaterMark: 0 }, // nothing is pulled until the handler reads
    );
  const message = {
    from: opts.from,
    to: opts.to,
    headers,
    raw: stream,
    rawSize: opts.rawSize ?? raw.length,
    canBeForwarded: false,
    setReject: (reason: string) => void rejects.push(reason),
    forward: async () => {
      throw new Error('the intake never forwards');
    },
    reply: async (m: EmailMessage) => {
      if (opts.replyFails) throw new Error('Original email is not replyable');
      replies.push(m);
      return { messageId: 'test@reply' };
    },
  } as unknown as ForwardableEmailMessage;
  return { message, rejects, replies, read: () => started };
}

/** Hands a message to the Worker's exported email() handler, as the platform does. */
export async function deliver(message: ForwardableEmailMessage): Promise<void> {
  const ctx = createExecutionContext();
  await worker.email(message, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The raw MIME of an outgoing EmailMessage (Miniflare keeps it under a private key). */
export async function rawOf(m: EmailMessage): Promise<string> {
  const raw = (m as unknown as Record<string, unknown>)['EmailMessage::raw'] ?? (m as unknown as { raw: unknown }).raw;
  return typeof raw === 'string' ? raw : new Response(raw as ReadableStream).text();
}

export async function parseSent(m: EmailMessage): Promise<Email> {
  return PostalMime.parse(await rawOf(m));
}

export interface StoredEmailReport {
  id: string;
  sendTo: string;
  channel: string;
  mailboxId: string;
  categories: number;
  /** The readers it is sealed to (the case mailbox apart: see sealedToMailbox). */
  keyIds: string[];
  /** Sealed to the worker's own mailbox too (format 2), so the receipt code opens what was sent. */
  sealedToMailbox: boolean;
}

/** The reports stored for a facility, with what D1 says about them. */
export async function reportsOf(facilityId: string): Promise<StoredEmailReport[]> {
  const { results } = await env.DB.prepare(
    `SELECT r.id, r.send_to AS sendTo, r.channel, r.mailbox_id AS mailboxId,
            (SELECT count(*) FROM report_categories c WHERE c.report_id = r.id) AS categories,
            (SELECT group_concat(key_id) FROM wrapped_keys w WHERE w.report_id = r.id) AS keys
       FROM reports r WHERE r.facility_id = ?1 ORDER BY r.id`,
  )
    .bind(facilityId)
    .all<Omit<StoredEmailReport, 'keyIds' | 'sealedToMailbox'> & { keys: string | null }>();
  return results.map(({ keys, ...r }) => {
    const all = keys ? keys.split(',').sort() : [];
    return { ...r, keyIds: all.filter((k) => k !== 'mailbox'), sealedToMailbox: all.includes('mailbox') };
  });
}

/** Opens a stored report with a reader's keys, as the console does in the reader's browser. */
export async function openReport(s: Sodium, reportId: string, keys: RecipientKeys): Promise<EmailReportPlaintext> {
  const row = await env.DB.prepare(
    `SELECT r.facility_id AS facilityId, r.body_key AS bodyKey, w.sealed
       FROM reports r JOIN wrapped_keys w ON w.report_id = r.id AND w.message_id = r.id AND w.key_id = ?2 WHERE r.id = ?1`,
  )
    .bind(reportId, keys.keyId)
    .first<{ facilityId: string; bodyKey: string; sealed: string }>();
  if (!row) throw new Error('not sealed to this key');
  const body = (await getSealed(s, env.DB, env.BLOBS, row.bodyKey))!;
  const { plain, format } = openReportEnvelope(s, body, fromB64(s, row.sealed), keys.box, { reportId, facilityId: row.facilityId });
  if (format !== 2) throw new Error('mail is sealed in envelope format 2');
  return JSON.parse(fromUtf8(plain));
}

/**
 * Where a string appears in clear in storage: every row of every D1 table, every KV key and value.
 * Returns the places, so a failure says where.
 */
export async function foundInStorage(needles: string[]): Promise<string[]> {
  const found: string[] = [];
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  for (const { name } of tables.results) {
    const rows = JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results).toLowerCase();
    for (const n of needles) if (rows.includes(n.toLowerCase())) found.push(`D1 ${name}: ${n}`);
  }
  for (const [label, ns] of [['BLOBS', env.BLOBS], ['STATE', env.STATE]] as const) {
    let cursor: string | undefined;
    do {
      const page: KVNamespaceListResult<unknown, string> = await ns.list(cursor ? { cursor } : {});
      for (const { name } of page.keys) {
        const value = new Uint8Array((await ns.get(name, 'arrayBuffer'))!);
        // Byte-for-byte through latin1 on both sides, so UTF-8 needles are found in binary values too.
        const haystack = latin1(value);
        for (const n of needles) {
          if (name.toLowerCase().includes(n.toLowerCase()) || haystack.includes(latin1(bytes(n)))) found.push(`KV ${label} ${name}: ${n}`);
        }
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
  return found;
}

export const randomSender = (s: Sodium) => `obrera.${s.to_hex(s.randombytes_buf(5))}@correo.example.net`;
