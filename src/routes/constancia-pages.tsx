/**
 * @module Checking a constancia (proof of filing): the public page, its JSON twin for the CLI's
 * online mode, and the published public key. Nothing is stored, logged or set in a cookie.
 */
import { Hono } from 'hono';
import { fromB64, verifyConstancia, type Sodium } from '../crypto';
import { translator } from '../i18n';
import { constanciaPublicKey } from '../lib/constancia';
import { allowNativeForm, lang, type AppContext, type AppEnv } from '../lib/http';
import { loadSodium } from '../lib/sodium';
import { rateLimited } from '../lib/rate-limit';
import { limitBody } from '../lib/body-limit';
import { getFacility } from '../storage/facilities';
import type { ConstanciaChecked, ConstanciaPublicKey } from '../contract/responses';
import { ConstanciaPage, type ConstanciaResult } from '../views/constancia';

export const constanciaPages = new Hono<AppEnv>();

/** Longest text the page or the API reads; a constancia is under 250 characters. */
const MAX_TEXT = 1000;

/** Checks a pasted text against this deployment's key, and names the plant if it is one of ours. */
async function check(c: AppContext, s: Sodium, text: string): Promise<ConstanciaResult> {
  if (!text.trim()) return { kind: 'empty' };
  const publicKey = constanciaPublicKey(s, c.env);
  if (!publicKey) return { kind: 'unavailable' };
  const st = text.length <= MAX_TEXT ? verifyConstancia(s, text, fromB64(s, publicKey)) : null;
  if (!st) return { kind: 'invalid' };
  const facility = await getFacility(c.env.DB, st.facility);
  return { kind: 'valid', facility: st.facility, facilityName: facility?.name ?? null, day: st.day };
}

async function render(c: AppContext, result?: ConstanciaResult) {
  const language = lang(c);
  const t = translator(language);
  const s = await loadSodium();
  // The page's form posts without JavaScript; its policy allows that one target and no other.
  allowNativeForm(c);
  return c.render(<ConstanciaPage t={t} lang={language} result={result} publicKey={constanciaPublicKey(s, c.env)} />, { title: t('verify.title') });
}

constanciaPages.get('/constancia', (c) => render(c));

/** The form's POST: the answer is the same page with the result on top. */
constanciaPages.post('/constancia', rateLimited(() => 'constancia'), limitBody(4 * 1024), async (c) => {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const text = typeof form.constancia === 'string' ? form.constancia : '';
  const s = await loadSodium();
  return render(c, await check(c, s, text));
});

/** The same check as JSON, for `npm run constancia:verify -- --online`. */
constanciaPages.post('/api/constancia/verify', rateLimited(() => 'constancia'), limitBody(4 * 1024), async (c) => {
  const body = (await c.req.json().catch(() => null)) as { constancia?: unknown } | null;
  const s = await loadSodium();
  const result = await check(c, s, typeof body?.constancia === 'string' ? body.constancia : '');
  if (result.kind === 'valid') return c.json({ valid: true, facility: result.facility, facilityName: result.facilityName, day: result.day } satisfies ConstanciaChecked);
  return c.json({ valid: false, reason: result.kind } satisfies ConstanciaChecked, result.kind === 'unavailable' ? 503 : result.kind === 'empty' ? 400 : 200);
});

/** The public key that signs constancias, for anyone who checks one offline. */
constanciaPages.get('/.well-known/buzon-constancia.json', async (c) => {
  const s = await loadSodium();
  const publicKey = constanciaPublicKey(s, c.env);
  if (!publicKey) return c.json({ error: 'no constancia key configured' }, 404);
  return c.json({
    v: 1,
    format: 'BZC1',
    algorithm: 'Ed25519',
    publicKey,
    signed: 'buzon.constancia.v1\\n ‖ facility ‖ \\n ‖ day ‖ \\n ‖ commitment (32 bytes)',
    spec: 'docs/crypto.md, section "Constancia"',
  } satisfies ConstanciaPublicKey);
});
