/**
 * @module What / and /f/<code> show instead of the form while a plant cannot receive a report yet
 * (no signed reader list, or no reader on it): the form would only refuse at send time.
 */
import type { TFunction } from 'i18next';

export function ReportClosed({ t, lang, facilityName }: { t: TFunction; lang: string; facilityName: string | null }) {
  return (
    <>
      <h1>{facilityName ? t('closed.heading_plant', { name: facilityName }) : t('closed.heading_none')}</h1>
      <p id="closed" class="notice">
        {t('closed.why')}
      </p>
      <p>{t('closed.later')}</p>
      <p class="emergency">{t('intro.emergency')}</p>
      <p class="links">
        <a href={`/seguimiento?lang=${lang}`}>{t('followup.link')}</a>
        <a href={`/sin-rastro?lang=${lang}`}>{t('no_trace.link')}</a>
      </p>
    </>
  );
}
