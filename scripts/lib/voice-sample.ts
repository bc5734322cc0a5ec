/**
 * @module A spoken Spanish sample for the voice tests and bench (Debian's espeak-ng, made at run
 * time, nothing shipped), and the measure they apply to it: the median fundamental frequency
 * (pitchfinder's YIN) over the voiced frames.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { YIN } from 'pitchfinder';

const TEXT =
  'Buenos días. Quiero reportar que en la línea tres el supervisor nos obliga a trabajar horas extra sin pago desde hace dos semanas, ' +
  'y nos grita cuando pedimos agua. Esto pasa todos los días en el turno de la mañana.';

/** Writes the sample (16-bit PCM WAV, mono, 22 050 Hz, about 17 seconds) into `dir` and returns its path. */
export function speakSample(dir: string): string {
  const file = join(dir, 'voz.wav');
  execFileSync('espeak-ng', ['-v', 'es-419', '-s', '140', '-w', file, TEXT]);
  return file;
}

/** Median F0 in Hz of the frames YIN calls voiced (between 50 and 600 Hz), and how many there were. */
export function medianPitch(samples: Float32Array, sampleRate: number): { hz: number; frames: number } {
  const yin = YIN({ sampleRate, threshold: 0.15 });
  const window = Math.round(sampleRate * 0.064);
  const found: number[] = [];
  for (let i = 0; i + window <= samples.length; i += window >> 1) {
    const f = yin(samples.subarray(i, i + window));
    if (f && f > 50 && f < 600) found.push(f);
  }
  found.sort((a, b) => a - b);
  return { hz: found[found.length >> 1] ?? NaN, frames: found.length };
}

/** The distance between two frequencies in semitones (positive when `b` is higher). */
export const semitones = (a: number, b: number) => 12 * Math.log2(b / a);
