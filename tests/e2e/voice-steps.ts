/**
 * What the voice e2e tests share (the report form's, tests/e2e/voice.test.ts, and the follow-up
 * answer's, tests/e2e/follow-up-voice.test.ts): a test-only watch on the page's microphone, the
 * original the fake microphone gave, waiting for an <audio> to load, the disguise measure (pitch
 * and length against the original) and the check that no request carried audio in clear.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { fakeMicrophone, launchChromium } from '../../scripts/lib/browser';
import { expect } from 'vitest';
import { medianPitch, semitones, speakSample } from '../../scripts/lib/voice-sample';

/**
 * Runs in the page (addInitScript): counts microphone requests, and keeps a copy of what
 * MediaRecorder produced (the original voice, which the page itself never sends) for comparison.
 */
/** Chromium whose fake microphone speaks a fresh espeak-ng sample. */
export async function launchWithSpokenSample(): Promise<Browser> {
  const sample = speakSample(await mkdtemp(join(tmpdir(), 'buzon-voice-')));
  return launchChromium({ actionTimeoutMs: 60_000, args: fakeMicrophone(sample) });
}

export function watchMicrophone() {
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

/** How many times the page has asked for the microphone (with `watchMicrophone` installed). */
export const microphoneAsks = (page: Page) => page.evaluate(() => (window as unknown as { voiceTest: { asked: number } }).voiceTest.asked);

/** What the fake microphone recorded, decoded in the page at 16 kHz mono, as 16-bit samples in base64. */
export async function originalRecording(page: Page): Promise<Float32Array> {
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

/**
 * Waits until an <audio> element has loaded its recording (so the page's CSP let it play) and
 * returns its length; a CSP that blocks it fails at once instead of leaving the test waiting.
 */
export const playable = (page: Page, selector: string) =>
  page.locator(selector).evaluate(
    (audio: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        if (audio.readyState >= 1) return resolve(audio.duration);
        audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
        audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)));
        const blocked = (e: SecurityPolicyViolationEvent) => e.effectiveDirective === 'media-src' && reject(new Error(`CSP blocked ${e.blockedURI}`));
        document.addEventListener('securitypolicyviolation', blocked);
        // A violation reported before this listener ran: the element never loads.
        if (audio.networkState === HTMLMediaElement.NETWORK_NO_SOURCE) reject(new Error('audio has no playable source'));
      }),
  );

/**
 * Asserts the recording sent (`sent`, decoded from the WAV the console downloaded) is the
 * disguised copy of `original`: 16 kHz, the same length within 5 %, its median pitch at least 4
 * semitones away. Returns the figures for the test's log.
 */
export function expectDisguised(original: Float32Array, sent: { samples: Float32Array; sampleRate: number }) {
  const originalSeconds = original.length / 16_000;
  const sentSeconds = sent.samples.length / sent.sampleRate;
  expect(sent.sampleRate).toBe(16_000);
  expect(Math.abs(sentSeconds / originalSeconds - 1)).toBeLessThan(0.05);
  const before = medianPitch(original, 16_000);
  const after = medianPitch(sent.samples, sent.sampleRate);
  expect(before.frames).toBeGreaterThan(20); // the sample really was voiced speech
  expect(after.frames).toBeGreaterThan(20);
  const shift = semitones(before.hz, after.hz);
  expect(Math.abs(shift)).toBeGreaterThanOrEqual(4);
  return { beforeHz: before.hz, afterHz: after.hz, shift, originalSeconds, sentSeconds };
}

/** Magic numbers of audio containers: none may appear in any request body. */
const AUDIO_MAGIC = [
  Buffer.from('RIFF'),
  Buffer.from('WAVE'),
  Buffer.from('OggS'),
  Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
  Buffer.from('ftyp'),
  Buffer.from('OpusHead'),
];

/** Collects every request body a page sends, and the encrypted chunk uploads among them. */
export function watchBodies(page: Page) {
  const seen = { bodies: [] as Buffer[], chunks: [] as Buffer[], scripts: [] as string[] };
  page.on('request', (r: Request) => {
    const body = r.postDataBuffer();
    const path = new URL(r.url()).pathname;
    if (body) seen.bodies.push(body);
    if (body && r.method() === 'PUT' && /\/attachments\/[0-9a-f]+\/chunks\/\d+$/.test(path)) seen.chunks.push(body);
    if (r.resourceType() === 'script') seen.scripts.push(path);
  });
  return seen;
}

/**
 * Nothing the page sent was audio in clear: no container's magic bytes, no slice of the WAV that
 * was sent; and it went up as whole encrypted chunks (256 KiB of padded plaintext plus the 17-byte tag).
 */
export function expectNoClearAudio(seen: { bodies: Buffer[]; chunks: Buffer[] }, wav: Buffer) {
  expect(seen.chunks.length).toBe(Math.ceil((wav.length + 1) / (256 * 1024)));
  for (const chunk of seen.chunks) expect(chunk.length).toBe(256 * 1024 + 17);
  const slice = wav.subarray(44 + 16_000, 44 + 16_000 + 256);
  for (const body of seen.bodies) {
    for (const magic of AUDIO_MAGIC) expect(body.includes(magic)).toBe(false);
    expect(body.includes(slice)).toBe(false);
  }
}
