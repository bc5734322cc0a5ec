/**
 * @module Debian's Chromium driven by playwright-core, set up like a phone.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * How long a page may take to load. The test projects run side by side on a 2-core CI machine, and
 * a first load (half a megabyte of script, its wasm compiled) can wait a minute behind the Worker
 * tests; a minute was seen to time out. Speed is measured in bench/, never asserted here.
 */
const NAVIGATION_TIMEOUT_MS = 180_000;

/**
 * Debian's Chromium, headless. `actionTimeoutMs` sets every context's and page's default wait,
 * for tests on a shared, loaded machine where Argon2id and proof of work run slower. `args` adds
 * switches, such as a fake microphone that plays a file (`fakeMicrophone`).
 */
export async function launchChromium(opts: { actionTimeoutMs?: number; args?: string[] } = {}): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(opts.args ?? [])],
  });
  const ms = opts.actionTimeoutMs;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    if (ms) context.setDefaultTimeout(ms);
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    if (ms) page.setDefaultTimeout(ms);
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    return page;
  };
  return browser;
}

/** Switches for a fake microphone that plays `wavFile` over and over (the page still needs the permission). */
export const fakeMicrophone = (wavFile: string) => ['--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wavFile}`];

/** A small Android-sized screen with touch, in Mexican Spanish unless told otherwise. */
export function phoneContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'es-MX',
    ...options,
  });
}
