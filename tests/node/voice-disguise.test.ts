/**
 * The voice disguise on its own (the same code the phone runs, here in Node): an espeak-ng voice
 * moves at least 4 semitones either way and keeps its length, the shift is random within its
 * range, the input is left for the caller to wipe, and the WAV it is sent as reads back.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { medianPitch, semitones, speakSample } from '../../scripts/lib/voice-sample';
import { DISGUISE_SEMITONES, disguise, randomShift } from '../../src/client/voice/disguise';
import { decodeWav, encodeWav } from '../../src/client/voice/wav';

let voice: { samples: Float32Array; sampleRate: number };
beforeAll(async () => {
  voice = decodeWav(new Uint8Array(await readFile(speakSample(await mkdtemp(join(tmpdir(), 'buzon-voice-'))))));
});

describe('voice disguise', () => {
  for (const shift of [DISGUISE_SEMITONES.min, -DISGUISE_SEMITONES.min, DISGUISE_SEMITONES.max, -DISGUISE_SEMITONES.max]) {
    it(`should move the voice by ${shift} semitones and keep its length`, async () => {
      const input = voice.samples.slice();
      let last = 0;
      const out = await disguise(input, voice.sampleRate, shift, (done) => (last = done));
      expect(out.length).toBe(input.length);
      expect(input.every((v, i) => v === voice.samples[i])).toBe(true); // untouched: the caller wipes it
      expect(last).toBe(1);
      const before = medianPitch(voice.samples, voice.sampleRate);
      const after = medianPitch(out, voice.sampleRate);
      expect(before.frames).toBeGreaterThan(50);
      expect(after.frames).toBeGreaterThan(50);
      const moved = semitones(before.hz, after.hz);
      expect(Math.sign(moved)).toBe(Math.sign(shift));
      expect(Math.abs(moved)).toBeGreaterThanOrEqual(4);
      expect(Math.abs(moved - shift)).toBeLessThan(1);
      // Still sound, not silence: the output carries about as much energy as the input.
      const rms = (x: Float32Array) => Math.sqrt(x.reduce((n, v) => n + v * v, 0) / x.length);
      expect(rms(out) / rms(voice.samples)).toBeGreaterThan(0.5);
    });
  }

  it('should pick a shift of 5 to 7 semitones, up or down, from the random source', () => {
    const fixed = (a: number, b: number) => () => Uint32Array.of(a, b);
    expect(randomShift(fixed(0, 1))).toBe(5);
    expect(randomShift(fixed(0, 0))).toBe(-5);
    expect(randomShift(fixed(2 ** 32 - 1, 1))).toBeCloseTo(7, 5);
    expect(randomShift(fixed(2 ** 31, 0))).toBe(-6);
    const seen = Array.from({ length: 200 }, () => randomShift());
    for (const s of seen) expect(Math.abs(s)).toBeGreaterThanOrEqual(5), expect(Math.abs(s)).toBeLessThanOrEqual(7);
    expect(seen.some((s) => s > 0) && seen.some((s) => s < 0)).toBe(true);
  });

  it('should write 16-bit mono WAV that reads back, clipping what is out of range', () => {
    const samples = Float32Array.of(0, 0.5, -0.5, 1.5, -1.5, 0.25);
    const wav = encodeWav(samples, 16_000);
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(String.fromCharCode(...wav.subarray(0, 4), ...wav.subarray(8, 12))).toBe('RIFFWAVE');
    const back = decodeWav(wav);
    expect(back.sampleRate).toBe(16_000);
    expect([...back.samples].map((v) => Math.round(v * 100) / 100)).toEqual([0, 0.5, -0.5, 1, -1, 0.25]);
    expect(() => decodeWav(new TextEncoder().encode('not a wav file at all, really'))).toThrow();
  });
});
