/**
 * "Grabar mi voz" on the follow-up answer, in real Chromium with a fake microphone speaking an
 * espeak-ng sample, against real wrangler dev: /seguimiento asks for the microphone only after the
 * tap, the disguised recording goes with the answer as an ordinary file (audio-1.wav), the worker
 * plays it back from the thread after decrypting it in the page, the monitor decrypts the same
 * bytes in the console, its pitch is at least 4 semitones from what the microphone heard, and no
 * request carries audio in clear.
 */
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { decodeWav } from '../../src/client/voice/wav';
import { openCaseWith, signInConsole } from './console-steps';
import { reportFromPhone } from './phone-steps';
import { launchWithSpokenSample, expectDisguised, expectNoClearAudio, microphoneAsks, originalRecording, playable, watchBodies, watchMicrophone } from './voice-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  browser = await launchWithSpokenSample();
});
afterAll(async () => browser?.close());

describe('voice on the follow-up answer', () => {
  it('should send only the disguised voice with an answer, encrypted, and play it on the follow-up page and in the console', async () => {
    const marker = `VozTarde${Date.now().toString(36)}`;
    const phone = await phoneContext(browser, { acceptDownloads: true });
    await phone.grantPermissions(['microphone'], { origin: base });
    const form = await phone.newPage();
    const code = await reportFromPhone(form, { description: marker });
    await form.close();
    await releaseNow(stateDir);

    const page = await phone.newPage();
    await page.addInitScript(watchMicrophone);
    const seen = watchBodies(page);
    await page.goto(`${base}/seguimiento`);
    await page.waitForFunction(() => !(document.getElementById('open') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    await page.fill('#receipt-code', code);
    await page.tap('#open');
    await page.waitForSelector('#case:not([hidden])', { timeout: 120_000 });
    // The case is open and the control shows, but nothing has asked for the microphone or loaded the recorder.
    expect(await page.isVisible('#answer-voice-start')).toBe(true);
    expect(await microphoneAsks(page)).toBe(0);
    expect(seen.scripts).not.toContain('/assets/voice.js');

    await page.tap('#answer-voice-start');
    await page.getByRole('button', { name: 'Terminar de grabar' }).waitFor();
    expect(seen.scripts).toContain('/assets/voice.js');
    expect(await microphoneAsks(page)).toBe(1);
    await page.getByRole('timer').filter({ hasText: 'Grabando: 0:08 de 3:00' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Terminar de grabar' }).tap();

    // The worker hears the disguised version, listed with the answer's files under a neutral name.
    await page.locator('#answer-voice audio').waitFor({ timeout: 120_000 });
    const heardSeconds = await playable(page, '#answer-voice audio');
    expect((await page.locator('#answer-attachment-list .name').allTextContents()).map((n) => n.split(' · ')[0])).toEqual(['audio-1.wav']);
    await expect.poll(() => page.textContent('#answer-attachment-list')).toContain('Tu voz ya va cambiada.');
    const original = await originalRecording(page);

    await page.fill('#answer', 'Les mando mi voz.');
    await page.tap('#send-answer');
    await page.waitForFunction(() => document.getElementById('thread')!.textContent!.includes('Les mando mi voz.'), null, { timeout: 120_000 });
    // Sent: the answer's list and the recorder are empty again.
    expect(await page.locator('#answer-attachment-list li').count()).toBe(0);
    expect(await page.locator('#answer-voice audio').count()).toBe(0);

    // In the thread, the worker opens their own recording: decrypted in the page, played from a blob: URL.
    const mine = page.locator('#thread li.attachment', { hasText: 'audio-1.wav' });
    await mine.getByRole('button', { name: 'Abrir archivo: audio-1.wav' }).tap();
    await mine.locator('audio').waitFor({ timeout: 60_000 });
    expect(await mine.locator('audio').getAttribute('src')).toMatch(/^blob:/);
    const replayedSeconds = await playable(page, '#thread li.attachment audio');
    const [back] = await Promise.all([page.waitForEvent('download'), mine.locator('a[download]').tap()]);
    expect(back.suggestedFilename()).toBe('audio-1.wav');
    const readBack = await readFile((await back.path())!);
    expect(await phone.storageState()).toEqual({ cookies: [], origins: [] });

    // Released: the monitor decrypts the same recording in the console.
    await releaseNow(stateDir);
    const laptop = await browser.newContext({ acceptDownloads: true, locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    const monitor = await laptop.newPage();
    await signInConsole(monitor, '.demo-monitor.txt');
    await openCaseWith(monitor, marker);
    await monitor.waitForFunction(() => document.getElementById('case-thread')!.textContent!.includes('Les mando mi voz.'));
    const item = monitor.locator('#case-attachments li', { hasText: 'audio-1.wav' });
    await item.locator('button', { hasText: 'Abrir archivo' }).click();
    await item.locator('audio').waitFor();
    const playedSeconds = await playable(monitor, '#case-attachments li audio');
    const [file] = await Promise.all([monitor.waitForEvent('download'), item.locator('a[download]').click()]);
    expect(file.suggestedFilename()).toBe('respuesta-1-audio-1.wav');
    const wav = await readFile((await file.path())!);
    expect(readBack.equals(wav)).toBe(true);

    const m = expectDisguised(original, decodeWav(new Uint8Array(wav)));
    for (const seconds of [heardSeconds, replayedSeconds, playedSeconds]) expect(Math.abs(seconds / m.sentSeconds - 1)).toBeLessThan(0.01);
    console.log(
      `follow-up voice disguise: ${m.beforeHz.toFixed(1)} Hz → ${m.afterHz.toFixed(1)} Hz = ${m.shift.toFixed(2)} semitones; ${m.originalSeconds.toFixed(2)} s → ${m.sentSeconds.toFixed(2)} s`,
    );
    expectNoClearAudio(seen, wav);
    await laptop.close();
    await phone.close();
  });
});
