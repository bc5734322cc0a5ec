/**
 * @module The worker's report form: at / with a facility list, at /f/<short code> preselected.
 */
import { Hono } from 'hono';
import type { Facility } from '../storage/facilities';
import { retentionPolicy } from '../domain/retention';
import { getFacilityByShortCode, listFacilities } from '../storage/facilities';
import { translator } from '../i18n';
import { allowMedia, lang, type AppContext, type AppEnv } from '../lib/http';
import { ReportForm } from '../views/report-form';

export const reportPage = new Hono<AppEnv>();

function render(c: AppContext, facility: Facility | null, facilities: Facility[]) {
  const language = lang(c);
  const t = translator(language);
  // "Grabar mi voz" records here, and the worker listens to the disguised recording before sending.
  allowMedia(c, { record: true, play: true });
  const email = facility?.emailLocal && c.env.EMAIL_DOMAIN ? `${facility.emailLocal}@${c.env.EMAIL_DOMAIN}` : null;
  return c.render(<ReportForm t={t} lang={language} facility={facility} facilities={facilities} facilityEmail={email} retention={retentionPolicy(c.env)} />, {
    scripts: ['/assets/report.js'],
  });
}

reportPage.get('/', async (c) => render(c, null, await listFacilities(c.env.DB)));

reportPage.get('/f/:code{[A-Za-z0-9-]{1,32}}', async (c) => {
  const facility = await getFacilityByShortCode(c.env.DB, c.req.param('code'));
  if (!facility) return c.notFound();
  return render(c, facility, []);
});
