/**
 * @module The facility poster (printable, with its QR code) and the "leave no trace" help page.
 */
import { Hono } from 'hono';
import { renderSVG } from 'uqr';
import { translator } from '../i18n';
import { lang, type AppEnv } from '../lib/http';
import { getFacilityByShortCode } from '../storage/facilities';
import { NoTrace } from '../views/no-trace';
import { Poster } from '../views/poster';

export const posterPages = new Hono<AppEnv>();

posterPages.get('/f/:code{[A-Za-z0-9-]{1,32}}/cartel', async (c) => {
  const facility = await getFacilityByShortCode(c.env.DB, c.req.param('code'));
  if (!facility) return c.notFound();
  const origin = c.env.PUBLIC_ORIGIN || new URL(c.req.url).origin;
  const link = `${origin}/f/${facility.shortCode}`;
  const qr = `data:image/svg+xml;base64,${btoa(renderSVG(link, { border: 2, ecc: 'M' }))}`;
  const email = facility.emailLocal && c.env.EMAIL_DOMAIN ? `${facility.emailLocal}@${c.env.EMAIL_DOMAIN}` : null;
  const es = translator('es');
  const paper = c.req.query('papel') === 'a4' ? 'a4' : 'letter';
  // Both languages on one sheet, so no language link; a printed page has no quick exit.
  return c.render(
    <>
      <p class="print-note">
        {es('poster.print_note')} <a href={paper === 'a4' ? '?papel=carta' : '?papel=a4'}>{es(paper === 'a4' ? 'poster.paper_letter' : 'poster.paper_a4')}</a>
      </p>
      <Poster es={es} en={translator('en')} facilityName={facility.name} link={link} email={email} mailSendTo={facility.mailSendTo} qr={qr} />
    </>,
    { lang: 'es', title: `${es('poster.title')}: ${facility.name}`, otherLanguageHref: false, quickExit: false, stylesheets: ['/assets/poster.css', `/assets/poster-${paper}.css`] },
  );
});

posterPages.get('/sin-rastro', (c) => {
  const language = lang(c);
  const t = translator(language);
  return c.render(<NoTrace t={t} lang={language} />, { title: t('no_trace.title') });
});
