/**
 * @module The worker's report form: at / with the list of plants that can receive a report, at
 * /f/<short code> preselected; a plant that cannot yet (src/lib/offered-plants.ts) gets a notice instead.
 */
import { Hono } from 'hono';
import { retentionPolicy } from '../domain/retention';
import { getFacilityByShortCode, listFacilities } from '../storage/facilities';
import { translator } from '../i18n';
import { allowMedia, lang, type AppContext, type AppEnv } from '../lib/http';
import { offeredFacilities, type OfferedFacility } from '../lib/offered-plants';
import { ReportClosed } from '../views/report-closed';
import { ReportForm } from '../views/report-form';

export const reportPage = new Hono<AppEnv>();

function render(c: AppContext, facility: OfferedFacility | null, facilities: OfferedFacility[]) {
  const language = lang(c);
  const t = translator(language);
  // "Grabar mi voz" records here, and the worker listens to the disguised recording before sending.
  allowMedia(c, { record: true, play: true });
  const mailAddress = (f: OfferedFacility) => (f.emailLocal && c.env.EMAIL_DOMAIN ? `${f.emailLocal}@${c.env.EMAIL_DOMAIN}` : null);
  const email = facility ? mailAddress(facility) : null;
  return c.render(
    <ReportForm
      t={t}
      lang={language}
      facility={facility}
      facilities={facilities}
      facilityEmail={email}
      mailAddress={mailAddress}
      retention={retentionPolicy(c.env)}
    />,
    {
      scripts: ['/assets/report.js'],
    },
  );
}

function closed(c: AppContext, facilityName: string | null) {
  const language = lang(c);
  return c.render(<ReportClosed t={translator(language)} lang={language} facilityName={facilityName} />);
}

reportPage.get('/', async (c) => {
  const offered = await offeredFacilities(c.env, await listFacilities(c.env.DB));
  return offered.length ? render(c, null, offered) : closed(c, null);
});

reportPage.get('/f/:code{[A-Za-z0-9-]{1,32}}', async (c) => {
  const facility = await getFacilityByShortCode(c.env.DB, c.req.param('code'));
  if (!facility) return c.notFound();
  const [offered] = await offeredFacilities(c.env, [facility], facility.id);
  return offered ? render(c, offered, []) : closed(c, facility.name);
});
