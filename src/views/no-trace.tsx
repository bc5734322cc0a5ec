/**
 * @module "How to leave no trace on this phone": plain advice for a shared or watched phone.
 */
import type { TFunction } from 'i18next';

const TIPS = ['private_tab', 'nothing_saved', 'history', 'code', 'screenshot', 'email', 'exit', 'shared'] as const;

export function NoTrace({ t, lang }: { t: TFunction; lang: string }) {
  return (
    <>
      <h1>{t('no_trace.heading')}</h1>
      <p>{t('no_trace.lead')}</p>
      <ol class="tips">
        {TIPS.map((tip) => (
          <li>
            <strong>{t(`no_trace.${tip}_title`)}</strong> {t(`no_trace.${tip}`)}
          </li>
        ))}
      </ol>
      <p class="links">
        <a href={`/?lang=${lang}`}>{t('no_trace.back')}</a>
      </p>
    </>
  );
}
