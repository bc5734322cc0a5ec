/**
 * @module The check after `npm run deploy`: what the deployment serves is fetched and its keys
 * compared with the tests' and this machine's demo ones. Anything short of an answer that shows
 * both keys fails it: a deployment nobody could check is not called checked.
 */
import { constanciaPublicKey, TESTS_ADMIN_PK, TESTS_CONSTANCIA_PK } from './preflight';

export type ServedCheck = { ok: true; constanciaKey: string; adminKey: string } | { ok: false; message: string };

async function getJson(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  const json = (await res.json().catch(() => null)) as unknown;
  if (!json || typeof json !== 'object') throw new Error(`${url} is not JSON`);
  return json as Record<string, unknown>;
}

/** The served constancia and administrator keys, refused when they are the tests' or the demo's, or could not be read. */
export async function checkServedKeys(origin: string, demoSeeds: string[], opts: { adminKey?: string; timeoutMs?: number } = {}): Promise<ServedCheck> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  let constancia: unknown;
  let admin: unknown;
  try {
    constancia = (await getJson(`${origin}/.well-known/buzon-constancia.json`, timeoutMs)).publicKey;
    admin = (await getJson(`${origin}/.well-known/buzon-build.json`, timeoutMs)).adminSignPk;
  } catch (e) {
    const why = (e as Error).cause ? `${(e as Error).message}: ${((e as Error).cause as Error).message}` : (e as Error).message;
    return {
      ok: false,
      message: `could not check what ${origin} serves (${why}): its keys are NOT checked. A new custom domain can take a few minutes; then run npm run deploy -- --check-served`,
    };
  }
  if (typeof constancia !== 'string' || !constancia) return { ok: false, message: `${origin} serves no constancia public key: its keys are NOT checked` };
  if (typeof admin !== 'string' || !admin)
    return { ok: false, message: `${origin} names no administrator key in /.well-known/buzon-build.json: its keys are NOT checked` };
  if (constancia === TESTS_CONSTANCIA_PK || demoSeeds.map(constanciaPublicKey).includes(constancia)) {
    const whose = constancia === TESTS_CONSTANCIA_PK ? 'tests-only' : 'local demo';
    return {
      ok: false,
      message: `${origin} signs constancias with the ${whose} key: set a new CONSTANCIA_SIGN_SK now (README "Production", step 3) and deploy again`,
    };
  }
  if (admin === TESTS_ADMIN_PK) return { ok: false, message: `${origin} trusts the tests' administrator key: set your own ADMIN_SIGN_PK and deploy again` };
  if (opts.adminKey && admin !== opts.adminKey)
    return {
      ok: false,
      message: `${origin} trusts administrator key ${admin}, not the ADMIN_SIGN_PK of this configuration (${opts.adminKey}): build and deploy again`,
    };
  return { ok: true, constanciaKey: constancia, adminKey: admin };
}
