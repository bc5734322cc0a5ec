/**
 * @module hono's bodyLimit with the error every route gives (413 too_large, translated), and one
 * addition for streamed (chunked) bodies: one over the limit is read to its end (up to
 * DRAIN_BYTES) before the 413 goes out. Left half-read, it stalled wrangler dev's local proxy:
 * the next request hung for minutes.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiError } from './http';
import { readCapped } from './read-capped';

/** How much of an oversized streamed body is read and dropped; beyond it the stream is cancelled. */
const DRAIN_BYTES = 32 * 1024 * 1024;

export function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = (c: Context) => apiError(c, 413, 'too_large');
  const limit = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const body = c.req.raw.body;
    // With a Content-Length (and no streaming) the limit is checked before anything is read.
    if (!body || !c.req.raw.headers.has('transfer-encoding')) return limit(c, next);
    const whole = await readCapped(body, maxSize, DRAIN_BYTES);
    if (!whole) return tooLarge(c);
    c.req.raw = new Request(c.req.raw, { body: whole });
    return next();
  };
}
