/**
 * The email intake at its edges: malformed MIME, oversized mail, unknown addresses, facilities
 * without readers, racing copies of one message, and a platform that refuses the reply.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { fromB64, fromUtf8, type Sodium } from '../../src/crypto';
import { getSealed } from '../../src/storage/blobs';
import { MAX_RAW_BYTES } from '../../src/email/limits';
import { makeFacility, sodium, type TestFacility } from './helpers';
import { bytes, deliver, foundInStorage, mail, openReport, randomSender, reportsOf } from './email-helpers';

async function addressOf(facilityId: string): Promise<string> {
  const row = await env.DB.prepare('SELECT email_local FROM facilities WHERE id = ?1').bind(facilityId).first<{ email_local: string }>();
  return `${row!.email_local}@buzon.test`;
}

/** MIME base64 of many bytes, built in slices (one character at a time takes seconds). */
function base64Lines(data: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < data.length; at += 8190) binary += String.fromCharCode(...data.subarray(at, at + 8190));
  return (btoa(binary).match(/.{1,76}/g) ?? []).join('\r\n');
}

/** Byte equality without the deep-equality walk, which takes seconds on megabytes. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

const canary = (s: Sodium, label: string) => `CANARIO${s.to_hex(s.randombytes_buf(4)).toUpperCase()}${label}`;

/** A message with the headers that name and place a sender, which a sealed raw copy must not carry. */
function headed(sender: string, extra: string, body: string) {
  return `Received: from laptop.planta.example (10.0.0.7) by mx.example.net\r\nFrom: Juana <${sender}>\r\nReturn-Path: <${sender}>\r\nDate: Tue, 3 Mar 2026 14:37:00 -0600\r\nSubject: Reporte\r\n${extra}\r\n${body}`;
}

async function setup(opts: { official?: boolean; mailSendTo?: string } = {}) {
  const s = await sodium();
  const f = await makeFacility(s, { official: opts.official });
  if (opts.mailSendTo) await env.DB.prepare('UPDATE facilities SET mail_send_to = ?2 WHERE id = ?1').bind(f.id, opts.mailSendTo).run();
  return { s, f, to: await addressOf(f.id), sender: randomSender(s) };
}

/** Stored once, with the raw message sealed inside, stripped of the sender's headers. */
async function expectStoredWithRaw(s: Sodium, f: TestFacility, sender: string, word: string) {
  const [report] = await reportsOf(f.id);
  expect(report).toBeDefined();
  const plain = await openReport(s, report!.id, f.monitor);
  expect(plain.raw).toBeDefined();
  const raw = new TextDecoder('latin1').decode(fromB64(s, plain.raw!));
  expect(raw).toContain(word);
  for (const gone of [sender, 'Received:', 'Date:', 'Return-Path:', 'laptop.planta.example']) expect(raw).not.toContain(gone);
  expect(await foundInStorage([sender, word])).toEqual([]);
  return plain;
}

describe('email intake: malformed MIME', () => {
  it('should keep a message too deeply nested to parse as raw bytes, sealed, and still acknowledge it', async () => {
    const { s, f, to, sender } = await setup();
    const word = canary(s, 'deep');
    let part = `Content-Type: text/plain\r\n\r\n${word}\r\n`;
    for (let depth = 60; depth > 1; depth--) part = `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${part}--b${depth}--\r\n`;
    const top = 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n';
    const m = await mail(bytes(headed(sender, top, `--b1\r\n${part}--b1--\r\n`)), { from: sender, to });
    await deliver(m.message);
    expect(m.rejects).toEqual([]);
    const plain = await expectStoredWithRaw(s, f, sender, word);
    expect(plain).toMatchObject({ subject: '', text: '', attachments: [] });
    expect(m.replies).toHaveLength(1);
  });

  it('should store what a cut message says and seal its raw bytes along', async () => {
    const { s, f, to, sender } = await setup();
    const word = canary(s, 'cut');
    const body = `\r\n--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNos amenazaron en la junta. ${word}\r\n--XYZ\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="foto.jpg"\r\n\r\n/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQ`;
    const m = await mail(bytes(headed(sender, 'Content-Type: multipart/mixed; boundary="XYZ"\r\n', body)), { from: sender, to });
    await deliver(m.message);
    const plain = await expectStoredWithRaw(s, f, sender, word);
    expect(plain.text).toContain(`Nos amenazaron en la junta. ${word}`);
    expect(plain.lang).toBe('es');
    expect(m.replies).toHaveLength(1);
  });

  it('should keep bytes that do not decode in their charset as raw bytes', async () => {
    const { s, f, to, sender } = await setup();
    const word = canary(s, 'charset');
    const head = bytes(headed(sender, 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n', `Pago ${word} `));
    const raw = new Uint8Array([...head, 0xff, 0xfe, 0x41, 0x0d, 0x0a]);
    const m = await mail(raw, { from: sender, to });
    await deliver(m.message);
    const plain = await expectStoredWithRaw(s, f, sender, word);
    expect(plain.text).toContain('\uFFFD');
  });

  it('should store something that is not a mail at all as raw bytes, without crashing', async () => {
    const { s, f, to, sender } = await setup();
    const word = canary(s, 'bare');
    const m = await mail(bytes(`esto no tiene encabezados ${word}\nni nada mas`), { from: sender, to });
    await deliver(m.message);
    expect(m.rejects).toEqual([]);
    const [report] = await reportsOf(f.id);
    const plain = await openReport(s, report!.id, f.monitor);
    expect(new TextDecoder().decode(fromB64(s, plain.raw!))).toContain(word);
    expect(await foundInStorage([word])).toEqual([]);
  });
});

describe('email intake: size', () => {
  it(`should reject a message announced over ${MAX_RAW_BYTES / 1048576} MiB without reading it`, async () => {
    const { s, f, to, sender } = await setup();
    const m = await mail(bytes('Subject: x\r\n\r\nhola'), { from: sender, to, rawSize: MAX_RAW_BYTES + 1 });
    await deliver(m.message);
    expect(m.rejects).toHaveLength(1);
    expect(m.rejects[0]).toContain('10 MB');
    expect(m.rejects[0]).toMatch(/^[\x20-\x7e]+$/);
    expect(m.read()).toBe(false);
    expect(m.replies).toEqual([]);
    expect(await reportsOf(f.id)).toEqual([]);
    void s;
  });

  it('should stop reading and reject a stream longer than it claimed', async () => {
    const { f, to, sender } = await setup();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > MAX_RAW_BYTES * 2) return c.close();
        sent += 1 << 20;
        c.enqueue(new Uint8Array(1 << 20).fill(0x61));
      },
    });
    const m = await mail(bytes('Subject: x\r\n\r\nhola'), { from: sender, to, rawSize: 1000, stream });
    await deliver(m.message);
    expect(m.rejects).toHaveLength(1);
    expect(sent).toBeLessThanOrEqual(MAX_RAW_BYTES + (2 << 20));
    expect(await reportsOf(f.id)).toEqual([]);
  });

  it('should store a message just under the limit, attachment intact, in one KV value well under 25 MiB', { timeout: 60_000 }, async () => {
    const { s, f, to, sender } = await setup();
    const file = s.randombytes_buf(7 * 1024 * 1024);
    const b64 = base64Lines(file);
    const body = `\r\n--B\r\nContent-Type: text/plain\r\n\r\nVer la foto.\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="video.bin"\r\n\r\n${b64}\r\n--B--\r\n`;
    const raw = bytes(headed(sender, 'Content-Type: multipart/mixed; boundary="B"\r\n', body));
    expect(raw.length).toBeLessThan(MAX_RAW_BYTES);
    expect(raw.length).toBeGreaterThan(9 * 1024 * 1024);
    const m = await mail(raw, { from: sender, to });
    await deliver(m.message);
    expect(m.rejects).toEqual([]);
    const [report] = await reportsOf(f.id);
    const plain = await openReport(s, report!.id, f.monitor);
    expect(plain.raw).toBeUndefined();
    expect(plain.attachments).toHaveLength(1);
    expect(sameBytes(fromB64(s, plain.attachments[0]!.data), file)).toBe(true);
    const { bodyKey } = (await env.DB.prepare('SELECT body_key AS bodyKey FROM reports WHERE id = ?1').bind(report!.id).first<{ bodyKey: string }>())!;
    const blob = await getSealed(s, env.DB, env.BLOBS, bodyKey);
    expect(blob!.byteLength).toBeLessThanOrEqual(16 * 1024 * 1024 + 40);
  });

  it('should keep only the raw copy when a large message is incomplete and both would not fit', { timeout: 60_000 }, async () => {
    const { s, f, to, sender } = await setup();
    const file = s.randombytes_buf(7 * 1024 * 1024);
    const b64 = base64Lines(file);
    // No closing boundary: incomplete, so the raw bytes go along and the parsed file is dropped for them.
    const body = `\r\n--B\r\nContent-Type: text/plain\r\n\r\nVer la foto.\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="video.bin"\r\n\r\n${b64}\r\n`;
    const m = await mail(bytes(headed(sender, 'Content-Type: multipart/mixed; boundary="B"\r\n', body)), { from: sender, to });
    await deliver(m.message);
    const [report] = await reportsOf(f.id);
    const plain = await openReport(s, report!.id, f.monitor);
    expect(plain.attachments).toEqual([]);
    expect(plain.text).toContain('Ver la foto.');
    expect(fromUtf8(fromB64(s, plain.raw!))).toContain(b64.slice(0, 1000));
  });
});

describe('email intake: routing and readers', () => {
  it('should reject mail to an address no facility has, or to another domain, and store nothing', async () => {
    const { s, f, to, sender } = await setup();
    for (const address of [`nadie-${s.to_hex(s.randombytes_buf(4))}@buzon.test`, to.replace('buzon.test', 'otro.example')]) {
      const m = await mail(bytes('Subject: hola\r\n\r\nhola'), { from: sender, to: address });
      await deliver(m.message);
      expect(m.rejects).toHaveLength(1);
      expect(m.rejects[0]).toContain('This address does not exist');
      expect(m.replies).toEqual([]);
    }
    expect(await reportsOf(f.id)).toEqual([]);
  });

  it('should accept the address in any letter case', async () => {
    const { f, to, sender } = await setup();
    const m = await mail(bytes('Subject: hola\r\n\r\nhola'), { from: sender, to: to.toUpperCase() });
    await deliver(m.message);
    expect(m.rejects).toEqual([]);
    expect(await reportsOf(f.id)).toHaveLength(1);
  });

  it('should reject mail for the authority only when the facility has no official key', async () => {
    const { f, to, sender } = await setup({ official: false, mailSendTo: 'authority' });
    const m = await mail(bytes('Subject: hola\r\n\r\nhola'), { from: sender, to });
    await deliver(m.message);
    expect(m.rejects).toHaveLength(1);
    expect(m.rejects[0]).toContain('cannot receive reports yet');
    expect(await reportsOf(f.id)).toEqual([]);
  });

  it('should seal to the readers there are when one role has no key, and say so in send_to', async () => {
    const { f, to, sender } = await setup({ official: false });
    const m = await mail(bytes('Subject: hola\r\n\r\nhola'), { from: sender, to });
    await deliver(m.message);
    const [report] = await reportsOf(f.id);
    expect(report).toMatchObject({ sendTo: 'monitor', keyIds: [f.monitor.keyId] });
  });

  it("should seal to the monitors only when that is the facility's choice for mail", async () => {
    const { s, f, to, sender } = await setup({ mailSendTo: 'monitor' });
    const m = await mail(bytes('Subject: hola\r\n\r\nhola'), { from: sender, to });
    await deliver(m.message);
    const [report] = await reportsOf(f.id);
    expect(report).toMatchObject({ sendTo: 'monitor', keyIds: [f.monitor.keyId] });
    await expect(openReport(s, report!.id, f.official)).rejects.toThrow();
  });
});

describe('email intake: once and only once', () => {
  /** One message as two deliveries see it: the relay's trace header differs, the rest does not. */
  const twoDeliveries = (s: Sodium, sender: string) => {
    const id = `<${s.to_hex(s.randombytes_buf(8))}@correo.example.net>`;
    return [1, 2].map((n) =>
      bytes(`Received: from mx${n}.example.net by edge; Tue, 3 Mar 2026 14:3${n}:00 -0600\r\nFrom: <${sender}>\r\nMessage-ID: ${id}\r\nSubject: doble\r\n\r\nNos quitaron el descanso.`),
    );
  };

  it('should store two racing copies of one message as one readable report, acknowledged once', async () => {
    const { s, f, to, sender } = await setup();
    const [a, b] = twoDeliveries(s, sender);
    const copies = await Promise.all([mail(a!, { from: sender, to }), mail(b!, { from: sender, to })]);
    await Promise.all(copies.map((c) => deliver(c.message)));
    const stored = await reportsOf(f.id);
    expect(stored).toHaveLength(1);
    expect((await openReport(s, stored[0]!.id, f.monitor)).text.trim()).toBe('Nos quitaron el descanso.');
    expect(copies.flatMap((c) => c.replies)).toHaveLength(1);
    expect(copies.flatMap((c) => c.rejects)).toEqual([]);
  });

  it('should make the same message to two facilities two reports', async () => {
    const a = await setup();
    const b = await setup();
    const raw = bytes('Message-ID: <misma@correo.example.net>\r\nSubject: igual\r\n\r\nLo mismo en dos plantas.');
    for (const x of [a, b]) await deliver((await mail(raw, { from: x.sender, to: x.to })).message);
    const [ra] = await reportsOf(a.f.id);
    const [rb] = await reportsOf(b.f.id);
    expect(ra!.id).not.toBe(rb!.id);
  });

  it('should keep the report when the platform refuses to send the acknowledgement', async () => {
    const { s, f, to, sender } = await setup();
    const m = await mail(bytes('Subject: hola\r\n\r\nSin respuesta posible.'), { from: sender, to, replyFails: true });
    await expect(deliver(m.message)).resolves.toBeUndefined();
    const [report] = await reportsOf(f.id);
    expect((await openReport(s, report!.id, f.monitor)).text.trim()).toBe('Sin respuesta posible.');
  });
});

describe('email intake: daily volume', () => {
  it('should defer mail past the facility cap with a temporary failure, lose nothing, and take it on the next day', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-06-02T18:00:00Z')); // 12:00 in Mexico City: released today at 15:00
      const { s, f, to } = await setup();
      await env.DB.prepare('UPDATE facilities SET mail_daily_cap = 3 WHERE id = ?1').bind(f.id).run();
      const letter = (i: number) => bytes(`From: <${randomSender(s)}>\r\nTo: ${to}\r\nMessage-ID: <cap-${f.id}-${i}@correo.example.net>\r\nSubject: Reporte ${i}\r\n\r\nNos amenazaron, carta ${i}.`);
      for (let i = 0; i < 3; i++) await deliver((await mail(letter(i), { from: randomSender(s), to })).message);
      expect(await reportsOf(f.id)).toHaveLength(3);

      // The fourth is not accepted: the handler throws (a temporary SMTP failure), sends no reply, stores nothing.
      const fourth = await mail(letter(3), { from: randomSender(s), to });
      await expect(deliver(fourth.message)).rejects.toThrow(/deferred/);
      expect(fourth.rejects).toEqual([]);
      expect(fourth.replies).toEqual([]);
      expect(await reportsOf(f.id)).toHaveLength(3);
      // A redelivered copy of a mail already stored is still answered as a duplicate, not deferred.
      await deliver((await mail(letter(0), { from: randomSender(s), to })).message);

      // The sender's server retries the next day: accepted, acknowledged, stored once.
      vi.setSystemTime(new Date('2026-06-03T18:00:00Z'));
      const retry = await mail(letter(3), { from: randomSender(s), to });
      await deliver(retry.message);
      expect(retry.replies).toHaveLength(1);
      expect(await reportsOf(f.id)).toHaveLength(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
