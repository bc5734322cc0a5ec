/**
 * @module "Grabar mi voz" in a page's files fieldset (the report form's, the follow-up answer's):
 * the button, its hint, and the panel the recorder runs in. The recorder and its voice changer load
 * only when the button is tapped (src/client/voice/), so nothing asks for the microphone before.
 */
import type { TFunction } from 'i18next';

/** The words the button's own script needs (the recorder brings the rest in /assets/voice.js). */
export const VOICE_MESSAGES = ['voice.failed'];

export function VoiceControl({ t, prefix = '', hint }: { t: TFunction; prefix?: string; hint: string }) {
  return (
    <>
      <button type="button" id={`${prefix}voice-start`} class="secondary" aria-describedby={`${prefix}voice-hint`}>
        {t('voice.record')}
      </button>
      <p class="hint" id={`${prefix}voice-hint`}>
        {t(hint)}
      </p>
      <div id={`${prefix}voice`} aria-live="polite"></div>
    </>
  );
}
