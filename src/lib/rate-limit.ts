/**
 * @module Identity-free rate limits on the routes anyone can call: Cloudflare's Rate Limiting
 * binding (wrangler.toml PUBLIC_LIMIT), keyed by route only: never by address or user agent
 * (Buzón keeps neither), and never by plant, since a per-plant counter is one the company could
 * fill to within one request and then read: a 429 would tell it a worker of that plant was there.
 */
import type { MiddlewareHandler } from 'hono';
import { apiError, type AppEnv } from './http';

/** Answers 429 (translated) once the route's key has used its share of the minute. */
export function rateLimited(keyOf: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { success } = await c.env.PUBLIC_LIMIT.limit({ key: keyOf(c) });
    if (!success) return apiError(c, 429, 'busy');
    await next();
  };
}
