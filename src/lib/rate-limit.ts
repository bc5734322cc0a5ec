/**
 * @module Identity-free rate limits on the routes anyone can call: Cloudflare's Rate Limiting
 * binding (wrangler.toml PUBLIC_LIMIT), keyed by route and facility, never by address or user
 * agent (Buzón keeps neither). A flood then costs the flooder its own throughput, not D1's.
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

/** The facility a request names (query or path), reduced to the characters a facility id has. */
export const facilityKey = (route: string, id: string | undefined) => `${route}:${(id ?? '').replace(/[^a-z0-9-]/g, '').slice(0, 64)}`;
