/**
 * "Grabar mi voz" in real Chromium with a fake microphone that speaks an espeak-ng sample, against
 * real wrangler dev: the microphone is asked for only after the tap, the recording the monitor
 * decrypts is the disguised one (its pitch at least 4 semitones away from what the microphone
 * heard, its length within 5%), it plays in the console, no request carries audio in clear, and
 * without the microphone permission the worker gets a clear message and the written form still works.
 */
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { decodeWav } from '../../src/client/voice/wav';
import { openCaseWith, signInConsole } from './console-steps';
import { launchWithSpokenSample, expectDisguised, expectNoClearAudio, microphoneAsks, originalRecording, playable, watchBodies, watchMicrophone } from './voice-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchWithSpokenSample();
});
afterAll(async () => browser?.close());

describe('voice reports', () => {
  it('should send only the disguised voice, encrypted, and play it in the console', async () => {
    const phone = await phoneContext(browser);
    await phone.grantPermissions(['microphone'], { origin: base });
    const page = await phone.newPage();
    await page.addInitScript(watchMicrophone);
    const seen = watchBodies(page);
    const { scripts } = seen;
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    // Before the tap: no microphone request, and the recorder is not even loaded.
    expect(await microphoneAsks(page)).toBe(0);
    expect(scripts).not.toContain('/assets/voice.js');

    await page.tap('#voice-start');
    await page.getByRole('button', { name: 'Terminar de grabar' }).waitFor();
    expect(scripts).toContain('/assets/voice.js');
    expect(await microphoneAsks(page)).toBe(1);
    await page.getByRole('timer').filter({ hasText: 'Grabando: 0:08 de 3:00' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Terminar de grabar' }).tap();

    // The worker hears the disguised version, listed under a neutral name like any attachment.
    await page.locator('#voice audio').waitFor({ timeout: 120_000 });
    const heardSeconds = await playable(page, '#voice audio');
    expect(await page.locator('#voice audio').getAttribute('src')).toMatch(/^blob:/);
    expect((await page.locator('#attachment-list .name').allTextContents()).map((n) => n.split(' · ')[0])).toEqual(['audio-1.wav']);
    await expect.poll(() => page.textContent('#attachment-list')).toContain('Tu voz ya va cambiada.');
    // One control removes it, the list's, as for every file (issue 23: there were two).
    expect(await page.getByRole('button', { name: /Quitar|Borrar/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Quitar: audio-1.wav' }).count()).toBe(1);
    const original = await originalRecording(page);

    const marker = `Voz${Date.now().toString(36)}`;
    await page.check('#cat-intimidation');
    await page.check('#when-this_week');
    await page.fill('#description', marker);
    await page.check('#send-to-monitor');
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 120_000 });

    await releaseNow(stateDir);
    const laptop = await browser.newContext({ acceptDownloads: true, locale: 'es-MX' });
    const console_ = await laptop.newPage();
    await signInConsole(console_, '.demo-monitor.txt');
    await openCaseWith(console_, marker);
    const item = console_.locator('#case-attachments li', { hasText: 'audio-1.wav' });
    await item.locator('button', { hasText: 'Abrir archivo' }).click();
    await item.locator('audio').waitFor();
    const playedSeconds = await playable(console_, '#case-attachments li audio');
    const link = item.locator('a[download]');
    const [file] = await Promise.all([console_.waitForEvent('download'), link.click()]);
    expect(file.suggestedFilename()).toBe('audio-1.wav');
    const wav = await readFile((await file.path())!);
    const sent = decodeWav(new Uint8Array(wav));

    // The transcript starts as an internal note (sealed like every note).
    await item.getByRole('button', { name: 'Escribir lo que dice' }).click();
    expect(await console_.inputValue('#note')).toBe('Transcripción de audio-1.wav: ');

    // Same length (within 5 %), a voice at least 4 semitones away from the one the microphone heard.
    const m = expectDisguised(original, sent);
    expect(Math.abs(heardSeconds / m.sentSeconds - 1)).toBeLessThan(0.01);
    expect(Math.abs(playedSeconds / m.sentSeconds - 1)).toBeLessThan(0.01);
    console.log(`voice disguise: ${m.beforeHz.toFixed(1)} Hz → ${m.afterHz.toFixed(1)} Hz = ${m.shift.toFixed(2)} semitones; ${m.originalSeconds.toFixed(2)} s → ${m.sentSeconds.toFixed(2)} s`);
    expectNoClearAudio(seen, wav);
    await phone.close();
    await laptop.close();
  });

  it('should say clearly when the microphone is refused, and leave the written form working', async () => {
    const phone = await phoneContext(browser); // no microphone permission granted
    const page = await phone.newPage();
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    await page.tap('#voice-start');
    await expect.poll(() => page.locator('#voice [role=alert]').textContent(), { timeout: 60_000 }).toContain('No pudimos usar el micrófono');
    expect(await page.isVisible('#voice-start')).toBe(true);
    expect(await page.locator('#attachment-list li').count()).toBe(0);
    const marker = `SinMic${Date.now().toString(36)}`;
    await page.check('#cat-intimidation');
    await page.check('#when-this_week');
    await page.fill('#description', marker);
    await page.check('#send-to-monitor');
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 120_000 });
    await phone.close();
  });

  it('should refuse to run a recorder whose bytes differ from the build, and never ask for the microphone', async () => {
    const phone = await phoneContext(browser);
    await phone.grantPermissions(['microphone'], { origin: base });
    const page = await phone.newPage();
    await page.addInitScript(watchMicrophone);
    await page.route('**/assets/voice.js', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: `${await res.text()}\n// changed` });
    });
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    await page.tap('#voice-start');
    await expect.poll(() => page.textContent('#voice'), { timeout: 60_000 }).toBe('No pudimos preparar la grabación. Intenta otra vez.');
    expect(await page.isVisible('#voice-start')).toBe(true);
    expect(await microphoneAsks(page)).toBe(0);
    await phone.close();
  });
});
