/**
 * @module "Grabar mi voz" (the entry point of /assets/voice.js, loaded when the worker taps the
 * button): asks for the microphone, records up to 3 minutes with a visible timer, disguises the
 * voice on the phone, lets the worker listen to exactly what will be sent or record again, and
 * hands the disguised WAV to the evidence list (its "Quitar" there removes it). Nothing but the
 * disguised copy leaves this module: the recorder's own bytes and samples are dropped and zeroed.
 */
import type { Evidence } from '../evidence-item';
import { el } from '../page';
import { VOICE_READY, type VoiceSlot } from './slot';
import { disguiseRecording } from './process';
import { say } from './strings';

export const MAX_SECONDS = 180;

/** Also exported for bench/voice.ts, which times it on a 3-minute recording under CPU throttling. */
export { disguiseRecording } from './process';

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/**
 * Runs the recorder in `panel`. `closed` is called when the worker removes the recording from the
 * list or recording cannot start, so the form shows its "Grabar mi voz" button again.
 */
export function openRecorder(panel: HTMLElement, slot: VoiceSlot, closed: () => void) {
  let current: { item: Evidence; url: string } | undefined;

  const show = (...nodes: Array<Node | string>) => panel.replaceChildren(...nodes);
  const button = (text: string, onClick: () => void, kind = 'secondary') => {
    const b = el('button', text, { type: 'button', class: kind });
    b.addEventListener('click', onClick);
    return b;
  };

  function discard() {
    if (!current) return;
    URL.revokeObjectURL(current.url);
    current.item.bytes.fill(0);
    const { id } = current.item;
    current = undefined;
    slot.remove(id);
  }

  function fail(key: 'denied' | 'unsupported' | 'failed' | 'empty' | 'too_many') {
    show(el('p', say(key), { class: 'warning', role: 'alert' }));
    closed();
  }

  async function record() {
    discard();
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') return fail('unsupported');
    show(el('p', say('asking'), { class: 'hint' }));
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch {
      return fail('denied');
    }
    const chunks: Blob[] = [];
    const recorder = new MediaRecorder(stream);
    const started = Date.now();
    const timer = el('p', say('recording', { time: clock(0) }), { class: 'note', role: 'timer' });
    const stop = button(say('stop'), () => recorder.state === 'recording' && recorder.stop());
    show(timer, stop);
    stop.focus();
    const tick = setInterval(() => {
      const seconds = Math.min(MAX_SECONDS, (Date.now() - started) / 1000);
      timer.textContent = say('recording', { time: clock(seconds) });
    }, 500);
    const limit = setTimeout(() => recorder.state === 'recording' && recorder.stop(), MAX_SECONDS * 1000);
    recorder.addEventListener('dataavailable', (e) => e.data.size && chunks.push(e.data));
    recorder.addEventListener('stop', () => {
      clearInterval(tick);
      clearTimeout(limit);
      stream.getTracks().forEach((t) => t.stop()); // the phone's microphone light goes off
      const blob = new Blob(chunks, { type: recorder.mimeType });
      chunks.length = 0;
      void finish(blob);
    });
    recorder.start(1000);
  }

  async function finish(recording: Blob) {
    const progress = el('progress', null, { max: '100', value: '0' });
    const label = el('p', say('processing', { percent: 0 }), { class: 'note' });
    show(label, progress);
    let voice;
    try {
      if (!recording.size) return fail('empty');
      voice = await disguiseRecording(await recording.arrayBuffer(), (done) => {
        progress.value = Math.round(done * 100);
        label.textContent = say('processing', { percent: Math.round(done * 100) });
      });
    } catch {
      return fail('failed');
    }
    const item: Evidence = { id: slot.newId(), name: '', type: 'audio/wav', bytes: voice.wav, cleaned: true, note: say('list_note') };
    // Taken out of the list (its "Quitar" button, or the form sent and cleared): the player goes too.
    const removed = () => {
      if (current?.item !== item) return;
      URL.revokeObjectURL(current.url);
      item.bytes.fill(0);
      current = undefined;
      show();
      closed();
    };
    if (!slot.add(item, removed)) {
      voice.wav.fill(0);
      return fail('too_many');
    }
    const url = URL.createObjectURL(new Blob([voice.wav as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }));
    current = { item, url };
    const player = el('audio', null, { controls: '', src: url, preload: 'metadata', 'aria-label': say('player') });
    show(
      el('p', say('ready'), { class: 'note' }),
      player,
      el('p', clock(voice.seconds), { class: 'hint' }),
      // One way to remove it, as for every file: its "Quitar" button in the list (see `removed`).
      button(say('again'), () => void record()),
    );
  }

  void record();
}

// Loaded by a pinned <script type="module"> (./button.ts), which cannot take exports: say it has run.
window.dispatchEvent(new CustomEvent(VOICE_READY, { detail: openRecorder }));
