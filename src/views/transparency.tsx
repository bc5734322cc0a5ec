/**
 * @module The public transparency page: per facility and month, what the channel received, how
 * fast it acknowledged, how cases ended. Every count is already suppressed. HTML only.
 */
import type { RetentionPolicy } from '../domain/retention';
import type { TFunction } from 'i18next';
import type { TransparencyView } from '../trends/transparency';
import { dayLabel } from '../trends/weeks';
import { CountsTable, Svg } from './trends-table';

export function Transparency({ t, lang, view, auditHead, retention }: { t: TFunction; lang: string; view: TransparencyView; auditHead: { day: string; hash: string; entries: number }; retention: RetentionPolicy }) {
  return (
    <div class="transparency">
      <h1>{t('transparency.title')}</h1>
      <p>{t('transparency.intro')}</p>
      <p class="up-to">{view.upTo}</p>
      <nav aria-label={t('transparency.months_nav')}>
        <ul class="months">
          {view.months.map((m) => (
            <li>
              <a href={`?mes=${m.month}&lang=${lang}`} aria-current={m.month === view.month ? 'page' : undefined}>
                {m.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <CountsTable table={view.table} />
      <figure class="chart-figure" aria-labelledby={`${view.chart.id}-caption`}>
        <figcaption id={`${view.chart.id}-caption`}>{view.chart.title}</figcaption>
        {/* On a phone the chart scrolls inside this labelled, focusable region, at full size. */}
        <div class="chart-scroll" role="region" tabindex={0} aria-label={view.chart.region}>
          <Svg node={view.chart.svg} />
        </div>
      </figure>
      <CountsTable table={view.chartTable} />
      <h2>{t('transparency.notes_heading')}</h2>
      <ul class="notes">
        {view.notes.map((n) => (
          <li>{n}</li>
        ))}
      </ul>
      <h2>{t('transparency.retention_heading')}</h2>
      <p>{t('transparency.retention', { closed: retention.closedDays, idle: retention.idleDays })}</p>
      <h2>{t('transparency.audit_heading')}</h2>
      {/* An empty chain's head is 64 zeros, which reads as broken: say plainly there is nothing yet. */}
      {auditHead.entries === 0 ? (
        <p class="audit-head" id="audit-empty">
          {t('transparency.audit_empty', { day: dayLabel(auditHead.day, lang) })}
        </p>
      ) : (
        <p class="audit-head">
          {t('transparency.audit_head')}
          <code id="audit-head">{`${auditHead.hash}@${auditHead.day}`}</code>
        </p>
      )}
      <p>{t('transparency.audit_help')}</p>
    </div>
  );
}
