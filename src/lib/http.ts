/**
 * @module HTTP plumbing shared by every surface: the app's context type, translated API errors,
 * and the privacy headers.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Language } from '../domain/report';
import type { Env } from '../env';
import { translator } from '../i18n';

export type AppEnv = { Bindings: Env; Variables: { language: string } };
export type AppContext = Context<AppEnv>;

export const lang = (c: AppContext): Language => (c.get('language') === 'en' ? 'en' : 'es');

/** Error codes with a translation under errors.<code> in locales/. */
export type ErrorCode =
  | 'malformed'
  | 'invalid'
  | 'bad_range'
  | 'too_large'
  | 'unknown_facility'
  | 'no_recipients'
  | 'pow_missing'
  | 'pow_invalid'
  | 'pow_expired'
  | 'pow_replayed'
  | 'bad_envelope'
  | 'conflict'
  | 'not_found'
  | 'unavailable'
  | 'signin_failed'
  | 'signin_wait'
  | 'unauthenticated'
  | 'forbidden'
  | 'illegal_transition'
  | 'case_not_found'
  | 'bad_origin'
  | 'attachment_incomplete'
  | 'attachment_limit'
  | 'busy'
  | 'readers_unverified'
  | 'share_out_of_scope';

/** An HTML page in standards mode. */
export async function page(c: Context, element: { toString(): string | Promise<string> }) {
  return c.html(`<!doctype html>${await element.toString()}`);
}

/** A JSON error with a stable code and a message in the request's language. */
export function apiError(c: Context, status: ContentfulStatusCode, code: ErrorCode, fields?: string[]) {
  const t = translator(c.get('language') === 'en' ? 'en' : 'es');
  return c.json({ error: { code, message: t(`errors.${code}`), ...(fields ? { fields } : {}) } }, status);
}

/**
 * Privacy and security headers for every response. The only inline code allowed is the page's
 * one stylesheet, by hash; scripts come from this origin and may instantiate wasm (libsodium).
 */
export function privacyHeaders(stylesheet: string): MiddlewareHandler<AppEnv> {
  let csp: Promise<string> | undefined;
  const policy = async () => [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    `style-src 'self' '${await sha256Source(stylesheet)}'`,
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return async (c, next) => {
    csp ??= policy();
    await next();
    c.res = new Response(c.res.body, c.res); // asset responses have immutable headers
    const h = c.res.headers;
    h.delete('Set-Cookie');
    h.set('Content-Security-Policy', await csp);
    h.set('Referrer-Policy', 'no-referrer');
    h.set('Cache-Control', 'no-store');
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'DENY');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Cross-Origin-Resource-Policy', 'same-origin');
    h.set('Permissions-Policy', 'geolocation=(), microphone=(), camera=(), interest-cohort=()');
  };
}

/** CSP source expression for an inline block: 'sha256-<base64 of its SHA-256>'. */
async function sha256Source(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}
