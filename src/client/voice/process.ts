/**
 * @module From what the phone recorded to what is sent: decodes the recording (WebM/Opus on
 * Chrome, MP4/AAC on Safari), mixes it to one channel at 16 kHz (enough for speech), disguises
 * it, and writes it as WAV. The original samples are overwritten with zeros as soon as the
 * disguised copy exists.
 */
import { disguise, randomShift } from './disguise';
import { encodeWav } from './wav';

/** Speech needs little more than 8 kHz of bandwidth; 16 kHz keeps 3 minutes of WAV under 6 MB. */
export const VOICE_SAMPLE_RATE = 16_000;

export interface DisguisedVoice {
  wav: Uint8Array;
  seconds: number;
  semitones: number;
}

/** The recording's samples, one channel at `VOICE_SAMPLE_RATE`, resampled by the browser itself. */
export async function decodeMono(recording: ArrayBuffer): Promise<Float32Array> {
  const probe = new OfflineAudioContext(1, 1, VOICE_SAMPLE_RATE);
  const decoded = await probe.decodeAudioData(recording);
  const frames = Math.max(1, Math.ceil(decoded.duration * VOICE_SAMPLE_RATE));
  const context = new OfflineAudioContext(1, frames, VOICE_SAMPLE_RATE);
  const source = context.createBufferSource();
  source.buffer = decoded;
  source.connect(context.destination);
  source.start();
  const rendered = await context.startRendering();
  for (let c = 0; c < decoded.numberOfChannels; c++) decoded.getChannelData(c).fill(0);
  return rendered.getChannelData(0);
}

/** Decodes, disguises by `semitones` (random, see `randomShift`, unless a benchmark fixes it) and writes WAV. */
export async function disguiseRecording(recording: ArrayBuffer, progress?: (done: number) => void, semitones = randomShift()): Promise<DisguisedVoice> {
  const original = await decodeMono(recording);
  // decodeAudioData usually takes the bytes over (the buffer is left empty); if not, wipe them.
  if (recording.byteLength) new Uint8Array(recording).fill(0);
  try {
    const changed = await disguise(original, VOICE_SAMPLE_RATE, semitones, progress);
    const wav = encodeWav(changed, VOICE_SAMPLE_RATE);
    changed.fill(0);
    return { wav, seconds: original.length / VOICE_SAMPLE_RATE, semitones };
  } finally {
    original.fill(0);
  }
}
