/**
 * @module HTTP plumbing shared by every surface: the app's context type, translated API errors,
 * and the privacy headers.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Language } from '../domain/report';
import type { Env } from '../env';
import { translator } from '../i18n';
import { contentSecurityPolicy } from './csp';
import type { ErrorCode } from '../contract/errors';

/**
 * What a page may do with sound: `record` opens the microphone to this origin (the report form's
 * "Grabar mi voz"), `play` lets it play recordings it decrypted or made itself (blob: URLs). Pages
 * that set nothing get neither.
 */
export type MediaUse = { record?: boolean; play?: boolean };

export type AppEnv = { Bindings: Env; Variables: { language: string; media?: MediaUse; nativeForm?: boolean } };
export type AppContext = Context<AppEnv>;

export const lang = (c: AppContext): Language => (c.get('language') === 'en' ? 'en' : 'es');

/** A JSON error with a stable code and a message in the request's language. */
export function apiError(c: Context, status: ContentfulStatusCode, code: ErrorCode, fields?: string[], extra: Record<string, unknown> = {}) {
  const t = translator(c.get('language') === 'en' ? 'en' : 'es');
  return c.json({ error: { code, message: t(`errors.${code}`), ...(fields ? { fields } : {}) }, ...extra }, status);
}

/** Marks the page being rendered as one that records or plays sound (see `MediaUse`). */
export const allowMedia = (c: AppContext, use: MediaUse) => c.set('media', use);

/**
 * HSTS for two years, subdomains included, eligible for the browsers' preload list: once a phone
 * has loaded the site over https (or the domain is preloaded), a network that controls the plant's
 * Wi-Fi cannot serve it a plain-http copy of the form. Sent only over https, where browsers heed it.
 */
export const HSTS = 'max-age=63072000; includeSubDomains; preload';

/**
 * Marks the page being rendered as the one whose form posts natively to this origin (the constancia
 * check, which works without JavaScript). Every other page allows no native form submission at all.
 */
export const allowNativeForm = (c: AppContext) => c.set('nativeForm', true);

/**
 * Privacy and security headers for every response, with the Content-Security-Policy of
 * src/lib/csp.ts. The microphone and media sources stay closed except on the pages that `allowMedia`,
 * and native form submission except on the page that `allowNativeForm`.
 */
export function privacyHeaders(stylesheets: string[]): MiddlewareHandler<AppEnv> {
  const csp = new Map<string, Promise<string>>();
  return async (c, next) => {
    await next();
    const media = c.get('media') ?? {};
    const opts = { play: media.play === true, nativeForm: c.get('nativeForm') === true };
    const key = JSON.stringify(opts);
    if (!csp.has(key)) csp.set(key, contentSecurityPolicy(stylesheets, opts));
    c.res = new Response(c.res.body, c.res); // asset responses have immutable headers
    const h = c.res.headers;
    h.delete('Set-Cookie');
    h.set('Content-Security-Policy', await csp.get(key)!);
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Cache-Control', 'no-store');
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    if (new URL(c.req.url).protocol === 'https:') h.set('Strict-Transport-Security', HSTS);
    else h.delete('Strict-Transport-Security');
    h.set('Permissions-Policy', `geolocation=(), microphone=${media.record === true ? '(self)' : '()'}, camera=(), interest-cohort=()`);
  };
}
