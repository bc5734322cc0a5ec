/**
 * @module What the form's voice button and the lazily loaded recorder agree on: the slot in the
 * evidence list the recording goes into, and the event voice.js fires when it has run.
 */
import type { Evidence } from '../evidence-item';

/** What the recorder needs from the evidence list: add the disguised recording, or take it out. */
export interface VoiceSlot {
  add(item: Evidence, onRemoved: () => void): boolean;
  remove(id: string): void;
  newId(): string;
}

/** The event /assets/voice.js fires when it has run, carrying its entry point. */
export const VOICE_READY = 'buzon:voice-ready';
