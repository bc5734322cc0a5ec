/**
 * A mail case in the console, in real Chromium on real wrangler dev (issue 14 §5): nobody who writes
 * a mail chose who reads it, so the console says where the plant's mail goes; a part that came
 * without a name shows under a neutral name by its type, never as a bare type.
 */
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { openCaseWith, signInConsole } from './console-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

/** A small mail with a text body and a part that has a type but no name, as some phones send. */
function mail(marker: string, sender: string, to: string): string {
  return [
    `From: <${sender}>`,
    `To: <${to}>`,
    `Subject: ${marker} amenazas en la junta`,
    `Message-ID: <${marker}@correo.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `${marker} En la junta del lunes nos dijeron que si votábamos por otro sindicato nos correrían.`,
    '--b1',
    'Content-Type: text/watch-html; charset=utf-8',
    '',
    '<div>En la junta del lunes</div>',
    '--b1--',
    '',
  ].join('\r\n');
}

describe('a mail case in the console', () => {
  it('should say where the plant sends its mail, and name an unnamed part by its type', async () => {
    const marker = `Correo${Date.now().toString(36)}`;
    const toml = await readFile('wrangler.toml', 'utf8');
    const to = `demo@${/^EMAIL_DOMAIN\s*=\s*"([^"]+)"/m.exec(toml)![1]}`;
    const sender = `${marker.toLowerCase()}@correo.example`;
    const res = await fetch(`${base}/cdn-cgi/handler/email?from=${encodeURIComponent(sender)}&to=${encodeURIComponent(to)}`, { method: 'POST', body: mail(marker, sender, to) });
    expect(await res.text()).toBe('Worker successfully processed email');
    await releaseNow(stateDir);

    const context = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const monitor = await context.newPage();
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    const sentTo = await monitor.textContent('#case-to');
    // The demo plant sends its mail to both (facilities.mail_send_to, the default).
    expect(sentTo).toBe('Llegó por correo: quien escribe un correo no elige. Esta planta manda su correo al monitor de la empresa y a la autoridad laboral.');
    expect(await monitor.textContent('#case-view')).not.toContain('El trabajador eligió');
    const files = await monitor.locator('#case-attachments .name').allTextContents();
    expect(files).toEqual([expect.stringMatching(/^texto-1\.html · text\/watch-html · \d+ KB$/)]);
    await context.close();
  });
});

