/**
 * @module The Hono app: privacy middleware, language, the surfaces, and error handling that
 * never leaks a stack trace, a request body or a 500 for bad input.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { languageDetector } from 'hono/language';
import { trimTrailingSlash } from 'hono/trailing-slash';
import { LANGUAGES } from './domain/report';
import { BUILD_MANIFEST } from './lib/build-info';
import { openApiDocument } from './openapi/document';
import { translator } from './i18n';
import { apiError, lang, privacyHeaders, type AppEnv } from './lib/http';
import { api } from './routes/api';
import { attachmentsApi } from './routes/attachments-api';
import { consoleApi } from './routes/console-api';
import { constanciaPages } from './routes/constancia-pages';
import { shareApi } from './routes/share-api';
import { mailboxApi } from './routes/mailbox-api';
import { mailboxKeepApi } from './routes/mailbox-keep';
import { mailboxAttachmentsApi } from './routes/mailbox-attachments-api';
import { mailboxReferralApi } from './routes/mailbox-referral';
import { posterPages } from './routes/poster-pages';
import { readerPages } from './routes/reader-pages';
import { reportPage } from './routes/report-page';
import { transparencyPages } from './routes/transparency';
import { trendsApi } from './routes/trends-api';
import { NotFound } from './views/not-found';
import { pageShell } from './views/page-shell';
import { NO_SCRIPT_STYLESHEET, STYLESHEET } from './views/styles';

export const app = new Hono<AppEnv>();

app.use(privacyHeaders([STYLESHEET, NO_SCRIPT_STYLESHEET]));
/** `/f/demo/` or `/seguimiento/` (typed from a poster, or pasted with a slash) redirect to the page instead of a 404. */
app.use(trimTrailingSlash());
app.use(
  languageDetector({
    order: ['querystring', 'header'],
    lookupQueryString: 'lang',
    supportedLanguages: [...LANGUAGES],
    fallbackLanguage: 'es',
    caches: false,
  }),
);
/** `c.render(body, props)` wraps a page in the shell of src/views/page-shell.tsx. */
app.use(pageShell);

/** Liveness, and the trivial route the intake benchmark compares against. */
app.get('/healthz', (c) => c.text('ok'));

/** The HTTP API as OpenAPI 3.1, generated from the schemas the routes validate with (docs/api.md). */
app.get('/api/openapi.json', (c) => c.json(openApiDocument()));

app.route('/api/mailbox', mailboxApi);
app.route('/api/mailbox', mailboxAttachmentsApi);
app.route('/api/mailbox', mailboxKeepApi);
app.route('/api/mailbox', mailboxReferralApi);
app.route('/', constanciaPages);
app.route('/api', attachmentsApi);
app.route('/api', api);
app.route('/console/api/trends', trendsApi);
app.route('/console/api/share', shareApi);
app.route('/console/api', consoleApi);
app.route('/', reportPage);
app.route('/', readerPages);
app.route('/', posterPages);
app.route('/', transparencyPages);

/** Which commit the bundles were built from and each one's hash, to compare with a local build (npm run verify). */
app.get('/.well-known/buzon-build.json', (c) => c.json(BUILD_MANIFEST));

/** Static files (the browser bundles) go through the Worker so they get the same headers. */
app.get('/assets/*', async (c, next) => {
  if (!c.env.ASSETS) return next();
  const res = await c.env.ASSETS.fetch(c.req.raw);
  return res.status === 404 ? next() : res;
});

app.notFound(async (c) => {
  if (c.req.path.startsWith('/api/')) return apiError(c, 404, 'not_found');
  const language = lang(c);
  c.status(404);
  return c.render(<NotFound t={translator(language)} lang={language} />);
});

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    // Hono raises these for unreadable JSON and the like: always the client's fault.
    return apiError(c, error.status >= 500 ? 400 : (error.status as 400), error.status === 413 ? 'too_large' : 'malformed');
  }
  // No request details are logged: only that something failed, and its kind.
  console.error(`unhandled ${error instanceof Error ? error.name : typeof error}`);
  return apiError(c, 503, 'unavailable');
});
