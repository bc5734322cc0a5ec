/**
 * Forgeries by someone with the server's powers over storage (D1 and KV, no code change), tried in
 * real Chromium on real wrangler dev. Each one must be refused by the browser, or shown as not
 * verified, never as the monitor's, the authority's or the worker's own word:
 * a reply written straight into storage "from the authority", a format 1 (unsigned) reply, a
 * genuine reply relabelled as the authority's, a worker "answer" the worker never wrote, a swapped
 * mailbox key, and a rogue reader row that the form would otherwise seal every report to.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { openLocalPlatform, type LocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import {
  deriveMailbox,
  fromB64,
  recipientKeysFromSeed,
  sealEnvelope,
  sealSignedMessage,
  toB64,
  utf8,
  type Envelope,
  type Sodium,
} from '../../src/crypto';
import { storeMessage } from '../../src/storage/messages';
import { openCaseWith, signInConsole } from './console-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');
/** A day and release long past, so what the forger writes is visible at once. */
const PAST = { day: '2026-01-05', releaseAt: '2026-01-05T07' };

let browser: Browser;
let s: Sodium;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
  s = await loadNodeSodium();
});
afterAll(async () => browser?.close());

/** The server's powers: the same SQLite and KV files wrangler dev serves from. */
async function withStorage<T>(fn: (env: LocalPlatform['env']) => Promise<T>): Promise<T> {
  const platform = await openLocalPlatform(stateDir);
  try {
    return await fn(platform.env);
  } finally {
    await platform.dispose();
  }
}

async function report(phone: BrowserContext, description: string): Promise<{ page: Page; sent: boolean }> {
  const page = await phone.newPage();
  await page.goto(`${base}/f/demo`);
  await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  await page.check('#cat-intimidation');
  await page.check('#when-this_week');
  await page.fill('#description', description);
  await page.check('#send-to-monitor');
  await page.tap('#send');
  const outcome = await Promise.race([
    page.waitForSelector('#receipt:not([hidden])', { timeout: 90_000 }).then(() => true),
    page.waitForSelector('#errors:not([hidden])', { timeout: 90_000 }).then(() => false),
  ]);
  return { page, sent: outcome };
}

async function openFollowUp(phone: BrowserContext, code: string): Promise<Page> {
  const page = await phone.newPage();
  await page.goto(`${base}/seguimiento`);
  await page.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled);
  await page.fill('#receipt-code', code);
  await page.tap('#open');
  await page.waitForSelector('#case:not([hidden])', { timeout: 60_000 });
  return page;
}

/** The thread items on the worker's page, each with whether it carries the "not verified" warning. */
const workerThread = (page: Page) =>
  page.$$eval('#thread li', (items) => items.map((li) => ({ text: li.querySelector('.text')?.textContent ?? '', warned: !!li.querySelector('.warning') })));
const consoleThread = (page: Page) =>
  page.$$eval('#case-thread li', (items) => items.map((li) => ({ text: li.querySelector('.text')?.textContent ?? '', warned: !!li.querySelector('.warning'), who: li.textContent ?? '' })));

const keysOf = (e: Envelope) => e.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) }));

describe('forgeries with the server\'s powers over storage', () => {
  it('should show forged, unsigned and relabelled messages as not verified, and refuse a swapped mailbox key', async () => {
    const marker = `Firma${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const sent = await report(phone, `${marker} nos amenazaron por el sindicato.`);
    expect(sent.sent).toBe(true);
    const code = (await sent.page.textContent('#receipt-code'))!.trim();
    await releaseNow(stateDir);

    // A genuine reply from the monitor, signed in the console.
    const laptop = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const monitor = await laptop.newPage();
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    await monitor.fill('#reply', 'Respuesta genuina del monitor.');
    await monitor.click('#send-reply'); // asks
    await monitor.click('#send-reply'); // sends
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('Respuesta genuina'));
    const signed = (await consoleThread(monitor)).find((m) => m.text.includes('Respuesta genuina'))!;
    expect(signed.warned).toBe(false);
    expect(signed.who).toContain('Firmado por Demo monitor');

    // The forger writes, with the server's own storage code, what the server could never sign.
    const mailbox = deriveMailbox(s, code);
    const forged = await withStorage(async (env) => {
      const row = (await env.DB.prepare('SELECT id, facility_id AS facilityId, mailbox_box_pk AS boxPk, send_to AS sendTo FROM reports WHERE mailbox_id = ?1')
        .bind(mailbox.mailboxId)
        .first<{ id: string; facilityId: string; boxPk: string; sendTo: 'monitor' | 'authority' | 'both' }>())!;
      const monitorRow = (await env.DB.prepare("SELECT key_id AS keyId, box_pk AS boxPk FROM recipients WHERE role = 'monitor' AND label = 'Demo monitor'").first<{ keyId: string; boxPk: string }>())!;
      const toWorker = [{ keyId: 'mailbox', boxPublicKey: fromB64(s, row.boxPk) }, { keyId: monitorRow.keyId, boxPublicKey: fromB64(s, monitorRow.boxPk) }];
      const rogue = recipientKeysFromSeed(s, s.randombytes_buf(32));
      const store = (id: string, kind: 'reply' | 'answer', authorRole: 'official' | 'worker' | 'monitor', e: Envelope) =>
        storeMessage(s, env.DB, env.BLOBS, { reportId: row.id, id, kind, authorRole, authorKey: null, ...PAST, body: e.body, keys: keysOf(e), sendTo: row.sendTo });
      // 1. "From the labor authority", format 2, signed by a key no administrator listed.
      const authorityId = s.to_hex(s.randombytes_buf(16));
      await store(authorityId, 'reply', 'official', sealSignedMessage(s, { text: 'Trae tu INE a la oficina 4 mañana.', lang: 'es' },
        { reportId: row.id, messageId: authorityId, facilityId: row.facilityId, kind: 'reply', author: 'official' }, { id: rogue.keyId, signPrivateKey: rogue.sign.privateKey }, toWorker));
      // 2. The downgrade: a format 1 reply, which carries no signature at all.
      const v1Id = s.to_hex(s.randombytes_buf(16));
      await store(v1Id, 'reply', 'monitor', sealEnvelope(s, utf8(JSON.stringify({ v: 1, text: 'Mejor retira tu queja.', lang: 'es' })),
        { kind: 'message', reportId: row.id, messageId: v1Id, facilityId: row.facilityId }, toWorker));
      // 3. A worker "answer" the worker never wrote, signed by some key claiming to be the mailbox.
      const answerId = s.to_hex(s.randombytes_buf(16));
      await store(answerId, 'answer', 'worker', sealSignedMessage(s, { text: 'Retiro mi queja, todo está bien.', lang: 'es' },
        { reportId: row.id, messageId: answerId, facilityId: row.facilityId, kind: 'answer', author: 'worker' }, { id: 'mailbox', signPrivateKey: rogue.sign.privateKey }, toWorker));
      return { reportId: row.id };
    });

    const followUp = await openFollowUp(phone, code);
    await followUp.waitForFunction(() => document.getElementById('thread')!.textContent!.includes('oficina 4'));
    const seen = await workerThread(followUp);
    expect(seen.find((m) => m.text.includes('Respuesta genuina'))?.warned).toBe(false);
    expect(seen.find((m) => m.text.includes('oficina 4'))?.warned).toBe(true);
    // The format 1 reply, in a case received after the format 2 cut-over, does not open at all (tests/node/format-cutover.test.ts).
    expect(seen.some((m) => m.text.includes('retira tu queja'))).toBe(false);
    expect(await followUp.textContent('#thread')).toContain('No hagas lo que pide');

    // The console: the forged answer is not the worker's, the forged replies not a reader's.
    await monitor.click('#back');
    await openCaseWith(monitor, marker);
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('Retiro mi queja'));
    const inConsole = await consoleThread(monitor);
    expect(inConsole.find((m) => m.text.includes('Retiro mi queja'))?.warned).toBe(true);
    expect(inConsole.find((m) => m.text.includes('oficina 4'))?.warned).toBe(true);
    expect(inConsole.find((m) => m.text.includes('Respuesta genuina'))?.warned).toBe(false);

    // 4. The genuine reply relabelled as the authority's: it no longer opens as anything genuine.
    await withStorage((env) => env.DB.prepare("UPDATE messages SET author_role = 'official' WHERE report_id = ?1 AND kind = 'reply' AND author_key IS NOT NULL").bind(forged.reportId).run());
    const relabelled = await openFollowUp(phone, code);
    await relabelled.waitForFunction(() => document.querySelectorAll('#thread li').length >= 3);
    const after = await workerThread(relabelled);
    expect(after.some((m) => m.text.includes('Respuesta genuina') && !m.warned)).toBe(false);
    expect(after.filter((m) => !m.warned)).toEqual([]);

    // 5. A swapped mailbox key: the console will not seal a reply to it.
    const attacker = recipientKeysFromSeed(s, s.randombytes_buf(32));
    await withStorage((env) => env.DB.prepare('UPDATE reports SET mailbox_box_pk = ?2 WHERE id = ?1').bind(forged.reportId, toB64(s, attacker.box.publicKey)).run());
    await monitor.click('#back');
    await openCaseWith(monitor, marker);
    const before = await withStorage(async (env) => (await env.DB.prepare('SELECT count(*) AS n FROM messages WHERE report_id = ?1').bind(forged.reportId).first<{ n: number }>())!.n);
    await monitor.fill('#reply', 'Esta respuesta no debe salir.');
    await monitor.click('#send-reply'); // asks
    await monitor.click('#send-reply'); // would send
    await monitor.waitForFunction(() => document.getElementById('message-status')!.textContent!.includes('llave del buzón'));
    const later = await withStorage(async (env) => (await env.DB.prepare('SELECT count(*) AS n FROM messages WHERE report_id = ?1').bind(forged.reportId).first<{ n: number }>())!.n);
    expect(later).toBe(before);

    // 6. Who may read it widened in the row (the worker chose the monitor only): the worker's page
    // still shows the sealed choice, and will not seal an answer to a reader the worker did not choose.
    await withStorage((env) => env.DB.prepare("UPDATE reports SET send_to = 'both' WHERE id = ?1").bind(forged.reportId).run());
    const widened = await openFollowUp(phone, code);
    expect(await widened.textContent('#sent-to')).toContain('Solo el monitor');
    expect(await widened.textContent('#sent-text')).toContain(marker);
    await widened.fill('#answer', 'Esto no debe llegar a quien no elegí.');
    await widened.tap('#send-answer');
    await widened.waitForSelector('#answer-errors:not([hidden])');
    expect(await widened.textContent('#answer-errors')).toContain('No pudimos comprobar quién puede leer');
    const afterWidening = await withStorage(async (env) => (await env.DB.prepare('SELECT count(*) AS n FROM messages WHERE report_id = ?1').bind(forged.reportId).first<{ n: number }>())!.n);
    expect(afterWidening).toBe(before);
    await phone.close();
    await laptop.close();
  });

  it('should refuse to seal a report to a reader added by writing the database', async () => {
    const rogue = recipientKeysFromSeed(s, s.randombytes_buf(32));
    const marker = `Intruso${Date.now().toString(36)}`;
    await withStorage((env) =>
      env.DB.batch([
        env.DB.prepare(
          `INSERT INTO recipients (key_id, role, label, box_pk, sign_pk, kdf_salt, kdf_ops, kdf_mem) VALUES (?1, 'monitor', 'Intruso', ?2, ?3, 'c2FsdA', 2, 67108864)`,
        ).bind(rogue.keyId, toB64(s, rogue.box.publicKey), toB64(s, rogue.sign.publicKey)),
        env.DB.prepare("INSERT INTO recipient_facilities (key_id, facility_id) VALUES (?1, 'demo-silao')").bind(rogue.keyId),
      ]),
    );
    try {
      const phone = await phoneContext(browser);
      const { page, sent } = await report(phone, `${marker} esto no debe llegar al intruso.`);
      expect(sent).toBe(false);
      expect(await page.textContent('#errors')).toContain('No pudimos comprobar quién puede leer');
      const sealedToRogue = await withStorage(async (env) => (await env.DB.prepare('SELECT count(*) AS n FROM wrapped_keys WHERE key_id = ?1').bind(rogue.keyId).first<{ n: number }>())!.n);
      expect(sealedToRogue).toBe(0);
      await phone.close();
    } finally {
      await withStorage((env) =>
        env.DB.batch([
          env.DB.prepare('DELETE FROM recipient_facilities WHERE key_id = ?1').bind(rogue.keyId),
          env.DB.prepare('DELETE FROM recipients WHERE key_id = ?1').bind(rogue.keyId),
        ]),
      );
    }
  });
});
