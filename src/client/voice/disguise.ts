/**
 * @module Voice disguise: shifts a recording's pitch, and with it its formants (the resonances
 * that make a voice sound like one person), by several semitones, keeping its length and words.
 * The signal processing is SoundTouch's (WSOLA time-stretch, then resampling, so pitch and
 * formants move together); this module only feeds it and collects what comes out. Runs in short
 * slices that give the page back between them, so the phone stays responsive and can show progress.
 */
import { SoundTouch } from '@soundtouchjs/core';

/** How far the voice moves, in semitones either way: far enough that a known voice is not recognised. */
export const DISGUISE_SEMITONES = { min: 5, max: 7 } as const;

/** Frames handed to SoundTouch per step, and steps per slice before giving the page back. */
const BLOCK = 4096;
const BLOCKS_PER_SLICE = 16;

/**
 * A shift for one recording: 5 to 7 semitones, up or down, from the phone's random source, so a
 * listener cannot undo it by applying one known opposite shift.
 */
export function randomShift(random: (n: number) => Uint32Array = (n) => crypto.getRandomValues(new Uint32Array(n))): number {
  const [a, b] = random(2) as unknown as [number, number];
  const size = DISGUISE_SEMITONES.min + (a / 2 ** 32) * (DISGUISE_SEMITONES.max - DISGUISE_SEMITONES.min);
  return b % 2 ? size : -size;
}

const nextSlice = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The disguised copy of `samples` (mono), the same length. The input is not changed; the caller
 * wipes it. `progress` gets the fraction done after each slice.
 */
export async function disguise(samples: Float32Array, sampleRate: number, semitones: number, progress?: (done: number) => void): Promise<Float32Array> {
  const st = new SoundTouch({ sampleRate });
  st.pitchSemitones = semitones;
  const out = new Float32Array(samples.length);
  const stereo = new Float32Array(BLOCK * 2);
  let read = 0;
  let written = 0;
  let steps = 0;
  const collect = () => {
    const available = Math.min(st.outputBuffer.frameCount, out.length - written, BLOCK);
    if (available <= 0) return false;
    st.outputBuffer.extract(stereo, 0, available);
    for (let i = 0; i < available; i++) out[written + i] = stereo[i * 2]!;
    st.outputBuffer.receive(available);
    written += available;
    return true;
  };
  // After the last input frame, silence pushes SoundTouch's buffered tail out; the cap stops a stall.
  let tail = 0;
  while (written < out.length && tail < sampleRate * 2) {
    const frames = Math.min(BLOCK, samples.length - read);
    if (frames > 0) {
      for (let i = 0; i < frames; i++) stereo[i * 2] = stereo[i * 2 + 1] = samples[read + i]!;
      read += frames;
    } else {
      stereo.fill(0);
      tail += BLOCK;
    }
    st.inputBuffer.putSamples(stereo, 0, frames > 0 ? frames : BLOCK);
    st.process();
    while (collect());
    if (++steps % BLOCKS_PER_SLICE === 0) {
      progress?.(written / out.length);
      await nextSlice();
    }
  }
  stereo.fill(0);
  st.clear();
  progress?.(1);
  return out;
}
