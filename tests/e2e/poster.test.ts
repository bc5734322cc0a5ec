/**
 * The facility poster prints on one sheet, in US letter and in A4: Chromium prints it to PDF with
 * the page's own @page size, and the PDF must hold exactly one page, with the QR code and both
 * languages on it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

/** Pages in a PDF Chromium wrote: its page objects (`/Type /Page`, not `/Pages`). */
const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0;

describe('the poster', () => {
  for (const [paper, size] of [['carta', { width: 216, height: 279 }], ['a4', { width: 210, height: 297 }]] as const) {
    it(`should print on one ${paper} sheet, Spanish and English, QR included`, async () => {
      const page = await browser.newPage();
      await page.goto(`${base}/f/demo/cartel?papel=${paper}`);
      await page.emulateMedia({ media: 'print' });
      await expect.poll(() => page.locator('img.qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      expect(await page.locator('.poster-es h1').isVisible()).toBe(true);
      expect(await page.locator('.poster-en h1').isVisible()).toBe(true);
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
      expect(pageCount(pdf)).toBe(1);
      // The sheet is the paper asked for (PDF points: 72 per inch, 25.4 mm per inch), to the millimetre.
      const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
      expect(box).not.toBeNull();
      const mm = (pt: string) => (Number(pt) / 72) * 25.4;
      expect(Math.abs(mm(box![1]!) - size.width)).toBeLessThan(2);
      expect(Math.abs(mm(box![2]!) - size.height)).toBeLessThan(2);
      await page.close();
    });

    it(`should draw the QR code as large as the ${paper} sheet allows, leaving no empty quarter`, async () => {
      // The print area (12 mm margins) as a viewport, 96 CSS pixels per inch, so boxes measure as on paper.
      const px = (mm: number) => Math.floor((mm / 25.4) * 96);
      const page = await browser.newPage({ viewport: { width: px(size.width - 24), height: px(size.height - 24) } });
      await page.goto(`${base}/f/demo/cartel?papel=${paper}`);
      await page.emulateMedia({ media: 'print' });
      await expect.poll(() => page.locator('img.qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      const toMm = (v: number) => (v / 96) * 25.4;
      const qr = (await page.locator('img.qr').boundingBox())!;
      // object-fit: contain draws the square code as large as the smaller side of its box.
      const drawn = toMm(Math.min(qr.width, qr.height));
      expect(drawn).toBeGreaterThanOrEqual(80); // was 55 mm, with a quarter of the sheet left empty
      // The words and the code fill the sheet down to its margin: no empty band, nothing pushed off.
      const en = (await page.locator('.poster-en').boundingBox())!;
      expect(toMm(en.y + en.height)).toBeLessThanOrEqual(size.height - 24);
      expect(toMm(en.y + en.height)).toBeGreaterThanOrEqual(size.height - 24 - 8);
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
      expect(pageCount(pdf)).toBe(1);
      await page.close();
    });
  }
});
