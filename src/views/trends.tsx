/**
 * @module The officials' trends view inside the console page: a switch between cases and trends,
 * the filters, and an empty area the script (src/client/trends.ts) fills with the suppressed
 * tables and charts the server sends. HTML only.
 */
import type { TFunction } from 'i18next';
import { SECTORS } from '../domain/facility';
import { integrity } from '../lib/build-info';

/** Labels the trends script needs at run time (everything else comes translated with the data). */
export const TRENDS_CLIENT_KEYS = [
  'loading', 'summary', 'spikes_heading', 'no_spikes', 'spike_item', 'notes_heading', 'all_states', 'all_facilities', 'csv_ready',
  'clocks_heading', 'counts_heading',
].map((k) => `trends.${k}`);

export function TrendsView({ t }: { t: TFunction }) {
  return (
    <>
      <link rel="stylesheet" href="/assets/trends.css" integrity={integrity('/assets/trends.css')} />
      <nav id="views-nav" class="views-nav" aria-label={t('trends.views_nav')} hidden>
        <button type="button" id="show-cases" class="secondary" aria-pressed="true">{t('trends.nav_cases')}</button>
        <button type="button" id="show-trends" class="secondary" aria-pressed="false">{t('trends.nav_trends')}</button>
      </nav>
      <section id="trends-view" class="trends" aria-labelledby="trends-heading" tabindex={-1} hidden>
        <h2 id="trends-heading">{t('trends.title')}</h2>
        <p>{t('trends.intro')}</p>
        <form id="trends-filters" class="filters" novalidate>
          <label>
            {t('trends.filter_state')}
            <select id="trends-state">
              <option value="">{t('trends.all_states')}</option>
            </select>
          </label>
          <label>
            {t('trends.filter_sector')}
            <select id="trends-sector">
              <option value="">{t('trends.all_sectors')}</option>
              {SECTORS.map((s) => <option value={s}>{t(`trends.sectors.${s}`)}</option>)}
            </select>
          </label>
          <label>
            {t('trends.filter_facility')}
            <select id="trends-facility">
              <option value="">{t('trends.all_facilities')}</option>
            </select>
          </label>
          <label>
            {t('trends.filter_from')}
            <input type="week" id="trends-from" required />
          </label>
          <label>
            {t('trends.filter_to')}
            <input type="week" id="trends-to" required />
          </label>
          <button type="submit" class="secondary">{t('trends.apply')}</button>
          <button type="button" id="trends-csv" class="secondary">{t('trends.download_csv')}</button>
        </form>
        <p id="trends-status" class="status" role="status" aria-live="polite"></p>
        <a id="trends-csv-link" href="#" hidden>{t('trends.download_csv')}</a>
        <div id="trends-results"></div>
      </section>
    </>
  );
}
