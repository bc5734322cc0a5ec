/**
 * @module What a reader does in the real console, shared by the e2e files: sign in with a demo
 * key's passphrase file from the server's state directory, and open the case that shows a marker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';

export async function readerCredentials(file: string) {
  const [passphrase, , keyId] = (await readFile(join(inject('stateDir'), file), 'utf8')).trim().split('\n');
  return { passphrase: passphrase!.trim(), keyId: keyId!.trim() };
}

export async function signInConsole(page: Page, file: string) {
  const { passphrase, keyId } = await readerCredentials(file);
  await page.goto(`${inject('baseUrl')}/console`);
  await page.waitForFunction(() => !(document.getElementById('signin-button') as HTMLButtonElement).disabled);
  await page.fill('#key-id', keyId);
  await page.fill('#passphrase', passphrase);
  await page.click('#signin-button');
  await page.waitForSelector('#app:not([hidden])', { timeout: 60_000 });
}

export async function openCaseWith(page: Page, marker: string) {
  await page.waitForSelector('#cases tbody tr');
  await page.locator('#cases tbody tr', { hasText: marker }).locator('button').click();
  await page.waitForSelector('#case-view:not([hidden])');
}
