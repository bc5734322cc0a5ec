/**
 * @module The page shell as Hono's jsxRenderer: every page route calls `c.render(body, props)` and
 * gets src/views/layout.tsx around it, in the request's language, as an HTML page in standards mode.
 */
import type { Child } from 'hono/jsx';
import { jsxRenderer } from 'hono/jsx-renderer';
import type { Language } from '../domain/report';
import { translator } from '../i18n';
import { lang, type AppContext } from '../lib/http';
import { Layout } from './layout';

/** What a page tells the shell; everything else comes from the request. */
export interface PageProps {
  /** The title as shown; the site's title when absent. */
  title?: string;
  /** A page in one language whatever the request asks (the poster has both). */
  lang?: Language;
  /** The link to the same page in the other language: `?lang=<other>` when absent, none when false. */
  otherLanguageHref?: string | false;
  /** Reporter pages have a quick exit (the default); readers' pages and the poster do not. */
  quickExit?: boolean;
  scripts?: string[];
  stylesheets?: string[];
}

declare module 'hono' {
  interface ContextRenderer {
    (content: Child, props?: PageProps): Response | Promise<Response>;
  }
}

/** The middleware that gives `c.render` the shell (mounted once, in src/app.tsx). */
export const pageShell = jsxRenderer(
  ({ children, title, lang: fixed, otherLanguageHref, quickExit = true, scripts, stylesheets }, c) => {
    const language = fixed ?? lang(c as AppContext);
    const other = otherLanguageHref ?? `?lang=${language === 'es' ? 'en' : 'es'}`;
    return (
      <Layout
        t={translator(language)}
        lang={language}
        title={title}
        otherLanguageHref={other || undefined}
        quickExitUrl={quickExit ? (c as AppContext).env.QUICK_EXIT_URL : undefined}
        scripts={scripts}
        stylesheets={stylesheets}
      >
        {children}
      </Layout>
    );
  },
  // Lowercase, as the pages have always begun (tests and scripts/lib/html-tags.ts read it).
  { docType: '<!doctype html>' },
);
