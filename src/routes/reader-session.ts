/**
 * @module The reader's session for every console API (cases, trends, sharing): the bearer token
 * checked against KV and the key against D1 on each request, and the audit entries of what a
 * signed-in reader does, refusals included.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ErrorCode } from '../contract/errors';
import { mexicoDay, nowSeconds, releaseClock } from '../lib/clock';
import { apiError, type AppEnv } from '../lib/http';
import { endSession, readSession, type ReaderSession } from '../lib/session';
import { loadSodium } from '../lib/sodium';
import { recordAudit } from '../storage/audit';
import { activeReader } from '../storage/readers';

export type ConsoleEnv = AppEnv & { Variables: { reader: ReaderSession; token: string } };
export type ConsoleContext = Context<ConsoleEnv>;

/**
 * The bearer token lives in the console's page memory and is sent only by its own script; a
 * state-changing request must also come from this origin.
 */
export const requireReader: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return apiError(c, 401, 'unauthenticated');
  const s = await loadSodium();
  const session = await readSession(c.env.STATE, s, token, nowSeconds());
  if (!session) return apiError(c, 401, 'unauthenticated');
  // `npm run keys -- retire` writes D1, not KV: a retired key's sessions end here, at once. Scope
  // (facilities, state) is taken from D1 too, so a narrowed registration applies at once.
  const reader = await activeReader(c.env.DB, session);
  if (!reader) {
    await endSession(c.env.STATE, s, token);
    return apiError(c, 401, 'unauthenticated');
  }
  if (c.req.method !== 'GET') {
    const origin = c.req.header('origin');
    if (origin && origin !== new URL(c.req.url).origin) return apiError(c, 403, 'bad_origin');
  }
  c.set('reader', reader);
  c.set('token', token);
  await next();
};

/** Writes one audit entry for the signed-in reader. */
export async function audit(c: Context<ConsoleEnv>, action: string, reportId: string | null, outcome: 'ok' | 'denied', detail: string | null = null) {
  const reader = c.get('reader');
  await recordAudit(c.env, [{ day: mexicoDay(), actor: reader.keyId, role: reader.role, action, reportId, outcome, detail }]);
}

/** Refuses, and records the refusal without any personal data (the code is the detail). */
export async function deny(c: Context<ConsoleEnv>, status: 403 | 404 | 409 | 422, code: ErrorCode, action: string, reportId: string | null) {
  await audit(c, action, reportId, 'denied', code);
  return apiError(c, status, code);
}

/** The last release that has passed: readers see nothing stamped later (src/domain/release.ts). */
export const released = (c: Context<ConsoleEnv>) => releaseClock(c.env.RELEASE_HOURS).last;
