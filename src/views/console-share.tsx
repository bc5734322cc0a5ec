/**
 * @module The console's "Dar acceso" section (src/client/console-share.ts fills it in).
 */
import type { TFunction } from 'i18next';

export const SHARE_CLIENT_KEYS = ['share_working', 'share_done', 'share_alongside', 'share_none'].map((k) => `console.${k}`).concat(['errors.share_out_of_scope']);

export function ShareView({ t }: { t: TFunction }) {
  return (
    <div id="share" class="compose compose-share" hidden>
      <h3>{t('console.share_heading')}</h3>
      <p class="hint" id="share-hint">{t('console.share_hint')}</p>
      <label id="share-to-label">
        {t('console.share_to')} <select id="share-to" aria-describedby="share-hint"></select>
      </label>{' '}
      <button type="button" id="share-button" class="secondary">{t('console.share_button')}</button>
      <p id="share-status" role="status" aria-live="polite"></p>
    </div>
  );
}
