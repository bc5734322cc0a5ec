/**
 * "Grabar mi voz" in real Chromium with a fake microphone that speaks an espeak-ng sample, against
 * real wrangler dev: the microphone is asked for only after the tap, the recording the monitor
 * decrypts is the disguised one (its pitch at least 4 semitones away from what the microphone
 * heard, its length within 5%), it plays in the console, no request carries audio in clear, and
 * without the microphone permission the worker gets a clear message and the written form still works.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fakeMicrophone, launchChromium, phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { medianPitch, semitones, speakSample } from '../../scripts/lib/voice-sample';
import { decodeWav } from '../../src/client/voice/wav';
import { openCaseWith, signInConsole } from './console-steps';

const base = inject('baseUrl');
const stateDir = inject('stateDir');

let browser: Browser;
beforeAll(async () => {
  const sample = speakSample(await mkdtemp(join(tmpdir(), 'buzon-voice-')));
  browser = await launchChromium({ actionTimeoutMs: 60_000, args: fakeMicrophone(sample) });
});
afterAll(async () => browser?.close());

/**
 * Test-only watch on the page: counts microphone requests, and keeps a copy of what MediaRecorder
 * produced (the original voice, which the page itself never sends) so the test can compare with it.
 */
function watchMicrophone() {
  const w = window as unknown as { voiceTest: { asked: number; chunks: Blob[] } };
  w.voiceTest = { asked: 0, chunks: [] };
  const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => (w.voiceTest.asked++, ask(constraints));
  const start = MediaRecorder.prototype.start;
  MediaRecorder.prototype.start = function (this: MediaRecorder, ...args: [number?]) {
    this.addEventListener('dataavailable', (e) => w.voiceTest.chunks.push(e.data));
    return start.apply(this, args);
  };
}

/** What the fake microphone recorded, decoded in the page at 16 kHz mono, as 16-bit samples in base64. */
async function originalRecording(page: Page): Promise<Float32Array> {
  const b64 = await page.evaluate(async () => {
    const { chunks } = (window as unknown as { voiceTest: { chunks: Blob[] } }).voiceTest;
    const decoded = await new OfflineAudioContext(1, 1, 16_000).decodeAudioData(await new Blob(chunks).arrayBuffer());
    const context = new OfflineAudioContext(1, Math.ceil(decoded.duration * 16_000), 16_000);
    const source = context.createBufferSource();
    source.buffer = decoded;
    source.connect(context.destination);
    source.start();
    const samples = (await context.startRendering()).getChannelData(0);
    const pcm = new Int16Array(samples.length);
    samples.forEach((v, i) => (pcm[i] = Math.max(-1, Math.min(1, v)) * 0x7fff));
    let s = '';
    const bytes = new Uint8Array(pcm.buffer);
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const pcm = new Int16Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
  return Float32Array.from(pcm, (v) => v / 0x8000);
}

/** Waits until an <audio> element has loaded its recording (so the page's CSP let it play) and returns its length. */
const playable = (page: Page, selector: string) =>
  page.locator(selector).evaluate(
    (audio: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        if (audio.readyState >= 1) return resolve(audio.duration);
        audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
        audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)));
      }),
  );

/** Magic numbers of audio containers: none may appear in any request body. */
const AUDIO_MAGIC = [Buffer.from('RIFF'), Buffer.from('WAVE'), Buffer.from('OggS'), Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from('ftyp'), Buffer.from('OpusHead')];

describe('voice reports', () => {
  it('should send only the disguised voice, encrypted, and play it in the console', async () => {
    const phone = await phoneContext(browser);
    await phone.grantPermissions(['microphone'], { origin: base });
    const page = await phone.newPage();
    await page.addInitScript(watchMicrophone);
    const bodies: Buffer[] = [];
    const chunks: Buffer[] = [];
    const scripts: string[] = [];
    page.on('request', (r) => {
      const body = r.postDataBuffer();
      if (body) bodies.push(body);
      if (body && /\/attachments\/[0-9a-f]+\/chunks\/\d+$/.test(new URL(r.url()).pathname)) chunks.push(body);
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 120_000 });
    // Before the tap: no microphone request, and the recorder is not even loaded.
    expect(await page.evaluate(() => (window as unknown as { voiceTest: { asked: number } }).voiceTest.asked)).toBe(0);
    expect(scripts).not.toContain('/assets/voice.js');

    await page.tap('#voice-start');
    await page.getByRole('button', { name: 'Terminar de grabar' }).waitFor();
    expect(scripts).toContain('/assets/voice.js');
    expect(await page.evaluate(() => (window as unknown as { voiceTest: { asked: number } }).voiceTest.asked)).toBe(1);
    await page.getByRole('timer').filter({ hasText: 'Grabando: 0:08 de 3:00' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Terminar de grabar' }).tap();

    // The worker hears the disguised version, listed under a neutral name like any attachment.
    await page.locator('#voice audio').waitFor({ timeout: 120_000 });
    const heardSeconds = await playable(page, '#voice audio');
    expect(await page.locator('#voice audio').getAttribute('src')).toMatch(/^blob:/);
    expect((await page.locator('#attachment-list .name').allTextContents()).map((n) => n.split(' · ')[0])).toEqual(['audio-1.wav']);
    await expect.poll(() => page.textContent('#attachment-list')).toContain('Tu voz ya va cambiada.');
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
    const originalSeconds = original.length / 16_000;
    const sentSeconds = sent.samples.length / sent.sampleRate;
    expect(sent.sampleRate).toBe(16_000);
    expect(Math.abs(sentSeconds / originalSeconds - 1)).toBeLessThan(0.05);
    expect(Math.abs(heardSeconds / sentSeconds - 1)).toBeLessThan(0.01);
    expect(Math.abs(playedSeconds / sentSeconds - 1)).toBeLessThan(0.01);
    const before = medianPitch(original, 16_000);
    const after = medianPitch(sent.samples, sent.sampleRate);
    expect(before.frames).toBeGreaterThan(20); // the sample really was voiced speech
    expect(after.frames).toBeGreaterThan(20);
    const shift = semitones(before.hz, after.hz);
    console.log(`voice disguise: ${before.hz.toFixed(1)} Hz → ${after.hz.toFixed(1)} Hz = ${shift.toFixed(2)} semitones; ${originalSeconds.toFixed(2)} s → ${sentSeconds.toFixed(2)} s`);
    expect(Math.abs(shift)).toBeGreaterThanOrEqual(4);

    // Nothing the page sent was audio in clear: no container's magic bytes, no slice of the disguised samples.
    // The recording went up as whole encrypted chunks (256 KiB of padded plaintext plus the 17-byte tag).
    expect(chunks.length).toBe(Math.ceil((wav.length + 1) / (256 * 1024)));
    for (const chunk of chunks) expect(chunk.length).toBe(256 * 1024 + 17);
    const slice = wav.subarray(44 + 16_000, 44 + 16_000 + 256);
    for (const body of bodies) {
      for (const magic of AUDIO_MAGIC) expect(body.includes(magic)).toBe(false);
      expect(body.includes(slice)).toBe(false);
    }
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
    expect(await page.evaluate(() => (window as unknown as { voiceTest: { asked: number } }).voiceTest.asked)).toBe(0);
    await phone.close();
  });
});
