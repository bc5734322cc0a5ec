/**
 * Email intake on real `wrangler dev` (workerd, local D1/KV): fixtures are posted to the local
 * email endpoint, then decrypted with the demo readers' passphrases. It runs its own server and
 * state, so the email reports do not show up in the other end-to-end tests' report lists. (The
 * digest is tested in workerd only: wrangler dev cannot trigger scheduled() on a Worker with
 * run_worker_first assets.)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import PostalMime, { type Email } from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareState, startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { loadNodeSodium } from '../../scripts/lib/node-sodium';
import { deriveMailbox } from '../../src/crypto';
import { parseMail } from '../../src/email/parse';
import { neutralNames } from '../../src/domain/attachment';
import { stateFiles } from './state-files';

const run = promisify(execFile);
let server: DevServer;
let base: string;
let stateDir: string;
let serverTmp: string; // wrangler dev keeps the mail it sends here; a directory of its own, so no other run's mail is seen

beforeAll(async () => {
  stateDir = await prepareState();
  serverTmp = await mkdtemp(join(tmpdir(), 'buzon-mail-'));
  server = await startDevServer({ stateDir, env: { TMPDIR: serverTmp } });
  base = server.url;
});
afterAll(async () => {
  await server?.stop();
  await rm(serverTmp, { recursive: true, force: true });
});

/** The demo facility's intake address: email_local "demo" at wrangler.toml's EMAIL_DOMAIN. */
async function demoAddress(): Promise<string> {
  const toml = await readFile('wrangler.toml', 'utf8');
  return `demo@${/^EMAIL_DOMAIN\s*=\s*"([^"]+)"/m.exec(toml)![1]}`;
}

async function decryptAs(who: '.demo-monitor.txt' | '.demo-official.txt') {
  const { stdout } = await run('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', join(stateDir, who), '--persist-to', stateDir, '--json']);
  return stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

/**
 * The replies wrangler dev accepted (it checks them as the platform does, then keeps each one as
 * a file under its temporary directory) that answer a given Message-ID, written since `since`.
 */
async function acknowledgementsOf(messageId: string, since: number): Promise<Email[]> {
  const found: Email[] = [];
  for (const dir of (await readdir(serverTmp)).filter((d) => d.startsWith('miniflare-'))) {
    const emails = join(serverTmp, dir, 'files', 'email');
    const names = await readdir(emails).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      if ((await stat(join(emails, name))).mtimeMs < since) continue;
      const parsed = await PostalMime.parse(await readFile(join(emails, name)));
      if (parsed.inReplyTo === messageId) found.push(parsed);
    }
  }
  return found;
}

const CODE = /\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}\b/;

describe('email intake on wrangler dev', () => {
  for (const fixture of ['mailparser-nodemailer.eml', 'postal-mime-mimetorture.eml']) {
    it(`should seal ${fixture} at the edge, once, for the demo monitor and official to read`, async () => {
      const raw = await readFile(join('tests/fixtures/email', fixture));
      const parsed = await PostalMime.parse(raw);
      const sender = parsed.from!.address!; // the same as the From header, so wrangler dev does not warn
      const since = Date.now() - 1000;
      const url = `${base}/cdn-cgi/handler/email?from=${encodeURIComponent(sender)}&to=${encodeURIComponent(await demoAddress())}`;
      for (let i = 0; i < 2; i++) {
        const res = await fetch(url, { method: 'POST', body: raw });
        expect(await res.text()).toBe('Worker successfully processed email');
      }

      for (const who of ['.demo-monitor.txt', '.demo-official.txt'] as const) {
        const mine = (await decryptAs(who)).filter((r) => r.channel === 'email' && r.report.subject === parsed.subject);
        expect(mine, who).toHaveLength(1); // posted twice, stored once
        expect(mine[0].facility).toBe('demo-silao');
        expect(mine[0].report.text).toBe((await parseMail(raw)).text);
        expect(mine[0].report.attachments.map((a: { name: string; size: number }) => [a.name, a.size])).toEqual(
          // Every part gets a neutral name by type, as web evidence does (src/domain/attachment.ts neutralNames).
          parsed.attachments.map((a, i) => [neutralNames(parsed.attachments.map((p) => p.mimeType))[i], (a.content as ArrayBuffer).byteLength]),
        );
      }

      // One acknowledgement, accepted by the local platform, whose receipt code opens this case's mailbox.
      const acks = await acknowledgementsOf(parsed.messageId!, since);
      expect(acks).toHaveLength(1);
      expect(acks[0]!.to?.map((a) => a.address)).toEqual([sender]);
      const code = CODE.exec(acks[0]!.text ?? '')![0];
      const reportId = (await decryptAs('.demo-monitor.txt')).find((r) => r.channel === 'email' && r.report.subject === parsed.subject).id;
      const platform = await openLocalPlatform(stateDir);
      try {
        const row = await platform.env.DB.prepare('SELECT mailbox_id AS mailboxId FROM reports WHERE id = ?1').bind(reportId).first<{ mailboxId: string }>();
        expect(deriveMailbox(await loadNodeSodium(), code).mailboxId).toBe(row!.mailboxId);
      } finally {
        await platform.dispose();
      }

      // Neither the sender nor a line of the text is in any file of the server's state.
      const needles = [sender, ...parsed.text!.split('\n').map((l) => l.trim()).filter((l) => l.length >= 12)];
      for (const { file, content } of await stateFiles(stateDir)) {
        for (const n of needles) expect(content.includes(n), `${file}: ${n}`).toBe(false);
      }
    });
  }

  it('should refuse mail to an address no facility has', async () => {
    const raw = await readFile('tests/fixtures/email/mailparser-nodemailer.eml');
    const res = await fetch(`${base}/cdn-cgi/handler/email?from=andris%40kreata.ee&to=${encodeURIComponent((await demoAddress()).replace('demo@', 'nadie@'))}`, {
      method: 'POST',
      body: raw,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This address does not exist');
  });
});
