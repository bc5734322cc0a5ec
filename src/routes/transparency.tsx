/**
 * @module The public transparency page at /transparencia (Spanish; ?lang=en for English): no
 * sign-in, figures in the HTML (no script but the shared quick exit), only suppressed aggregates of the last 12 complete months, one
 * month at a time. The month in progress (Mexico City calendar) is never shown: its figures would move from one day to the next,
 * and each move would tell what arrived that day.
 */
import { Hono } from 'hono';
import { translator } from '../i18n';
import { addDays } from '../domain/case';
import { mexicoDay } from '../lib/clock';
import { auditHeadAt } from '../storage/audit';
import { lang, type AppEnv } from '../lib/http';
import { rateLimited } from '../lib/rate-limit';
import { publicSnapshot } from '../trends/snapshot';
import { transparencyView } from '../trends/transparency';
import { addMonths } from '../trends/weeks';
import { Transparency } from '../views/transparency';
import { retentionPolicy } from '../domain/retention';

export const transparencyPages = new Hono<AppEnv>();

transparencyPages.get('/transparencia', rateLimited(() => 'transparencia'), async (c) => {
  const language = lang(c);
  const t = translator(language);
  const today = mexicoDay();
  // The 12 months end with the last complete one; nothing received this month is read at all.
  const lastComplete = addMonths(today.slice(0, 7), -1);
  const data = await publicSnapshot(c.env, today);
  // The month on screen: the one asked for if it is one of the 12, else the last complete one.
  const asked = c.req.query('mes');
  const month = asked && data.months.includes(asked) ? asked : lastComplete;
  const view = transparencyView(data, month, t, language);
  // The audit chain's head at the end of yesterday, published where the database holder cannot reach back.
  const head = await auditHeadAt(c.env.DB, addDays(today, -1));
  return c.render(<Transparency t={t} lang={language} view={view} auditHead={head} retention={retentionPolicy(c.env)} />, {
    title: t('transparency.page_title'),
    otherLanguageHref: `?mes=${month}&lang=${language === 'es' ? 'en' : 'es'}`,
    stylesheets: ['/assets/trends.css'],
  });
});
