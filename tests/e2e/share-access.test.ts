/**
 * A new monitor reads the backlog, in real Chromium on real wrangler dev: a worker reports to the
 * demo plant's monitor, the administrator registers a second monitor (`npm run keys`), who sees the
 * case but cannot open it; the first monitor gives access from the case view ("Dar acceso"), and
 * the new monitor signs in and reads the report, decrypted in their own browser.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { QUIET_WRANGLER, releaseNow } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { openCaseWith, signInConsole } from './console-steps';
import { reportFromPhone } from './phone-steps';

const run = promisify(execFile);
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

/** keygen + register at the demo plant, as the administrator does; writes a sign-in file like the demo ones. */
async function registerMonitor(label: string, file: string) {
  const card = join(stateDir, `${file}.card.json`);
  const { stderr } = await run('npx', ['tsx', 'scripts/keys.ts', 'keygen', '--role', 'monitor', '--label', label, '--out', card]);
  const passphrase = stderr.match(/\n {4}([0-9A-Z-]{24})\n/)![1]!;
  const { keyId } = JSON.parse(await readFile(card, 'utf8')) as { keyId: string };
  await run('npx', ['tsx', 'scripts/keys.ts', 'register', '--card', card, '--facility', 'demo-silao', '--persist-to', stateDir], { env: { ...process.env, ...QUIET_WRANGLER } });
  await writeFile(join(stateDir, file), `${passphrase}\n\n${keyId}\n`, { mode: 0o600 });
  return keyId;
}

describe('share access: a new monitor reads an older case', () => {
  it('should let monitor A give a case to newly registered monitor B, who then decrypts it', async () => {
    const marker = `Acceso${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const worker = await phone.newPage();
    await reportFromPhone(worker, { description: `${marker} nos amenazaron antes de que llegara la monitora nueva` });
    await releaseNow(stateDir);
    const b = await registerMonitor('Monitora Nueva', '.e2e-monitor-b.txt');

    // B signs in: the case is listed, but closed to B's key.
    const laptopB = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const pageB = await laptopB.newPage();
    await signInConsole(pageB, '.e2e-monitor-b.txt');
    await pageB.waitForSelector('#cases tbody tr');
    expect(await pageB.locator('#cases tbody tr', { hasText: marker }).count()).toBe(0);
    await pageB.locator('#cases tbody tr').first().locator('button').click();
    await pageB.waitForSelector('#case-view:not([hidden])');
    expect(await pageB.textContent('#report-fields')).toContain('Este reporte se cerró para otra llave');
    expect(await pageB.isHidden('#share')).toBe(true); // nothing to give away that B cannot open

    // A opens the case and gives B access.
    const laptopA = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const pageA = await laptopA.newPage();
    await signInConsole(pageA, '.demo-monitor.txt');
    await openCaseWith(pageA, marker);
    expect(await pageA.isVisible('#share')).toBe(true);
    expect(await pageA.locator('#share-to option').allTextContents()).toContain('Monitora Nueva · monitor');
    await pageA.selectOption('#share-to', b);
    await pageA.click('#share-button');
    await pageA.waitForFunction(() => document.getElementById('share-status')!.textContent!.startsWith('Listo'));
    expect(await pageA.textContent('#share-status')).toBe('Listo: Monitora Nueva ya puede abrir este caso.');

    // B signs in again and reads it, decrypted in B's browser.
    const again = await laptopB.newPage();
    await signInConsole(again, '.e2e-monitor-b.txt');
    await openCaseWith(again, marker);
    expect(await again.textContent('#report-fields')).toContain(`${marker} nos amenazaron antes de que llegara la monitora nueva`);

    // The audit log says who gave whom which case.
    const platform = await openLocalPlatform(stateDir);
    try {
      const { results } = await platform.env.DB.prepare("SELECT outcome, detail FROM audit_log WHERE action = 'share' AND detail LIKE ?1").bind(`to:${b} %`).all();
      expect(results).toEqual([{ outcome: 'ok', detail: `to:${b} keys:1/1 alongside:0` }]); // none beside a key B already had
    } finally {
      await platform.dispose();
    }
    await Promise.all([phone.close(), laptopA.close(), laptopB.close()]);
  });
});
