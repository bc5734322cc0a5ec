/**
 * @module The constancia control on the receipt screen and the follow-up page: a button, and a
 * panel that stays empty and hidden until it is tapped (a phone may be looked at), filled by
 * src/client/constancia-panel.ts.
 */
import type { TFunction } from 'i18next';
import { CLOCK_KEYS } from '../domain/clocks';

/** Messages the panel script shows (src/client/constancia-panel.ts, src/client/follow-up-constancia.ts). */
export const CONSTANCIA_MESSAGES = [
  'constancia.show',
  'constancia.hide',
  'constancia.loading',
  'constancia.what_proves',
  'constancia.plant_id',
  'constancia.copied',
  'constancia.copy_failed',
  'constancia.unavailable',
  'constancia.qr_alt',
  ...CLOCK_KEYS,
] as const;

export function ConstanciaBox({ t, lang, clocks = false }: { t: TFunction; lang: string; clocks?: boolean }) {
  return (
    <div class="constancia">
      <h3>{t('constancia.heading')}</h3>
      <p>{t('constancia.lead')}</p>
      {/* Said before it is shown: once on the screen, someone may already have seen it. */}
      <p id="constancia-risk" class="warning" role="note">
        {t('constancia.risk')}
      </p>
      <button type="button" id="show-constancia" class="secondary" aria-expanded="false" aria-controls="constancia-panel">
        {t('constancia.show')}
      </button>
      <p id="constancia-status" class="status" role="status" aria-live="polite"></p>
      <div id="constancia-panel" hidden>
        <p id="constancia-proves"></p>
        <p>{t('constancia.not_proves')}</p>
        <p id="constancia-text" class="code constancia-text" aria-label={t('constancia.text_label')}></p>
        <img id="constancia-qr" class="qr" alt="" width={240} height={240} />
        <button type="button" id="copy-constancia" class="secondary">
          {t('constancia.copy')}
        </button>
        <p id="constancia-copy-status" class="status" role="status" aria-live="polite"></p>
        {clocks && <ul id="constancia-clocks"></ul>}
        <p>{t('constancia.how_check', { link: '/constancia' })}</p>
        <p>{t('constancia.code_note')}</p>
        <p>{t('constancia.careful')}</p>
        <p>
          <a href={`/constancia?lang=${lang}`}>{t('constancia.verify_link')}</a>
        </p>
      </div>
    </div>
  );
}
