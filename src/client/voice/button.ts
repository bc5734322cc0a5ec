/**
 * @module The "Grabar mi voz" button on the report form. It only loads the recorder
 * (/assets/voice.js, with the voice changer) when the worker taps it, so the form's first bytes
 * stay the same and nothing asks for the microphone before the tap.
 */
import type { Evidence } from '../evidence';
import { msg } from '../page';
import type { openRecorder } from './recorder';

/** What the recorder needs from the evidence list: add the disguised recording, or take it out. */
export interface VoiceSlot {
  add(item: Evidence, onRemoved: () => void): boolean;
  remove(id: string): void;
  newId(): string;
}

/** Built separately (scripts/build.mjs); the path is a variable so the form's bundle does not include it. */
const RECORDER = '/assets/voice.js';

export function voiceButton(button: HTMLButtonElement, panel: HTMLElement, slot: VoiceSlot) {
  let recorder: Promise<typeof openRecorder> | undefined;
  button.addEventListener('click', async () => {
    button.hidden = true;
    try {
      recorder ??= import(RECORDER).then((m: { openRecorder: typeof openRecorder }) => m.openRecorder);
      (await recorder)(panel, slot, () => (button.hidden = false));
    } catch {
      recorder = undefined; // a failed load (a dropped line) can be retried with the button
      button.hidden = false;
      panel.textContent = msg('voice.failed');
    }
  });
}
