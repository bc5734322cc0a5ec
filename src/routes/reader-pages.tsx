/**
 * @module The follow-up page (workers) and the console page (readers): HTML frames whose
 * scripts do the decrypting.
 */
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { TFunction } from 'i18next';
import { translator } from '../i18n';
import { allowMedia, lang, type AppEnv } from '../lib/http';
import { Console } from '../views/console';
import { FollowUp } from '../views/follow-up';

export const readerPages = new Hono<AppEnv>();

/** A page whose script does the work: the frame, its title, its script, and optional stylesheets. */
function scriptedPage(c: Context<AppEnv>, titleKey: string, script: string, body: (t: TFunction, language: string) => Child, opts: { quickExit?: boolean; stylesheets?: string[] } = {}) {
  const language = lang(c);
  const t = translator(language);
  return c.render(body(t, language), { title: t(titleKey), quickExit: opts.quickExit === true, scripts: [script], stylesheets: opts.stylesheets });
}

readerPages.get('/seguimiento', (c) => {
  allowMedia(c, { record: true, play: true }); // "Grabar mi voz" on an answer, and the thread's recordings play here
  return scriptedPage(c, 'followup.title', '/assets/follow-up.js', (t, language) => <FollowUp t={t} lang={language} />, { quickExit: true });
});

readerPages.get('/console', (c) => {
  allowMedia(c, { play: true }); // a decrypted voice recording plays here
  return scriptedPage(c, 'console.title', '/assets/console.js', (t, language) => <Console t={t} lang={language} />, { stylesheets: ['/assets/console.css'] });
});
