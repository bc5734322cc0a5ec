/**
 * @module The page for an address that does not exist.
 */
import type { TFunction } from 'i18next';

export function NotFound({ t, lang }: { t: TFunction; lang: string }) {
  return (
    <>
      <h1>{t('errors.not_found')}</h1>
      <p>
        <a href={`/?lang=${lang}`}>{t('intro.heading')}</a>
      </p>
    </>
  );
}
