/**
 * @module What a worker does on the phone, shared by the e2e files: fill the demo plant's form with
 * this week's events and send it, then read the receipt code.
 */
import type { Page } from 'playwright-core';
import { inject } from 'vitest';

export interface PhoneReport {
  description: string;
  category?: string;
  where?: string;
  sendTo?: 'monitor' | 'authority' | 'both';
}

/**
 * Fills and sends a plant's form on `page` (the demo plant's on the shared server unless `form`
 * names another); resolves with the receipt code once it shows.
 */
export async function reportFromPhone(page: Page, r: PhoneReport, form = `${inject('baseUrl')}/f/demo`): Promise<string> {
  await page.goto(form);
  await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
  await page.check(`#cat-${r.category ?? 'intimidation'}`);
  await page.check('#when-this_week');
  if (r.where) await page.fill('#where', r.where);
  await page.fill('#description', r.description);
  await page.check(`#send-to-${r.sendTo ?? 'monitor'}`);
  await page.tap('#send');
  await page.waitForSelector('#receipt:not([hidden])', { timeout: 120_000 });
  return (await page.textContent('#receipt-code'))!.trim();
}
