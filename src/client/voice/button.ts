/**
 * @module The "Grabar mi voz" button on the report form. It only loads the recorder
 * (/assets/voice.js, with the voice changer) when the worker taps it, so the form's first bytes
 * barely grow and nothing asks for the microphone before the tap.
 */
import { msg } from '../page';
import type { openRecorder } from './recorder';
import { VOICE_READY, type VoiceSlot } from './slot';


/** voice.js's hash, put into this bundle by scripts/build.mjs after it built voice.js. */
declare const __VOICE_INTEGRITY__: string;

/**
 * Runs /assets/voice.js (built separately by scripts/build.mjs) as a module script pinned to the
 * hash this (pinned) bundle carries, like every script a page loads: a changed file is refused, not
 * run. Not a hash the page names: the page's markup is not pinned (docs/threat-model.md).
 */
function loadRecorder(): Promise<typeof openRecorder> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    const ready = (e: Event) => resolve((e as CustomEvent<typeof openRecorder>).detail);
    window.addEventListener(VOICE_READY, ready, { once: true });
    script.addEventListener('error', () => (window.removeEventListener(VOICE_READY, ready), script.remove(), reject(new Error('voice.js'))));
    Object.assign(script, { type: 'module', src: '/assets/voice.js', integrity: __VOICE_INTEGRITY__ });
    document.head.append(script);
  });
}

export function voiceButton(button: HTMLButtonElement, panel: HTMLElement, slot: VoiceSlot) {
  let recorder: Promise<typeof openRecorder> | undefined;
  button.addEventListener('click', async () => {
    button.hidden = true;
    try {
      recorder ??= loadRecorder();
      (await recorder)(panel, slot, () => (button.hidden = false));
    } catch {
      recorder = undefined; // a failed load (a dropped line) can be retried with the button
      button.hidden = false;
      panel.textContent = msg('voice.failed');
    }
  });
}
