/**
 * @module The reporter pages' shell: language, quick exit (with src/client/no-trace.ts), the inline stylesheet,
 * and scripts and stylesheets pinned by their hash (integrity, from the build manifest).
 */
import type { Child } from 'hono/jsx';
import type { TFunction } from 'i18next';
import type { Language } from '../domain/report';
import { integrity } from '../lib/build-info';
import { NO_SCRIPT_STYLESHEET, STYLESHEET } from './styles';

export interface LayoutProps {
  t: TFunction;
  lang: Language;
  /** Link to the same page in the other language; none on a page that has both (the poster). */
  otherLanguageHref?: string;
  /** Reporter pages have a quick exit; readers' pages do not. */
  quickExitUrl?: string;
  children: Child;
  scripts?: string[];
  stylesheets?: string[];
  title?: string;
}

export function Layout({ t, lang, otherLanguageHref, quickExitUrl, children, scripts = [], stylesheets = [], title }: LayoutProps) {
  const other = lang === 'es' ? 'en' : 'es';
  return (
    <html lang={t('meta.lang')}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="description" content={t('meta.description')} />
        <title>{title ?? t('meta.title')}</title>
        <link rel="icon" href="data:," />
        <style>{STYLESHEET}</style>
        <noscript>
          <style>{NO_SCRIPT_STYLESHEET}</style>
        </noscript>
        {stylesheets.map((href) => (
          <link rel="stylesheet" href={href} integrity={integrity(href)} />
        ))}
        {[...(quickExitUrl ? ['/assets/no-trace.js'] : []), ...scripts].map((src) => (
          <script type="module" src={src} integrity={integrity(src)} />
        ))}
      </head>
      <body>
        {(otherLanguageHref || quickExitUrl) && (
          <nav class="bar">
            {otherLanguageHref && (
              <a class="lang" href={otherLanguageHref} hreflang={other} lang={other} data-confirm={t('nav.language_confirm')}>
                {t('nav.other_language')}
              </a>
            )}
            {quickExitUrl && (
              <a id="quick-exit" class="exit" href={quickExitUrl} rel="noreferrer" aria-label={t('nav.quick_exit_label')}>
                {t('nav.quick_exit')}
              </a>
            )}
          </nav>
        )}
        <main>{children}</main>
      </body>
    </html>
  );
}
