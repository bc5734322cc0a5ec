/**
 * @module What `npm run verify` fetches, from a deployment and from the local build's Worker alike:
 * the manifest, the assets, and the pages with every response header. No redirect is followed: a
 * page that sends the browser elsewhere is not this build's page, and checking where it leads would
 * check another origin.
 */
import type { BuildManifest } from './build-manifest.mjs';
import { MANIFEST_PATH, type Served } from './deployment-diff';
import { headerSet, type HeaderSet } from './page-skeleton';

/** The not-found page runs the quick-exit script too: it must answer 404 and be pinned like the others. */
export const NOT_FOUND_PAGE = '/verify/no-such-page';
/** The only asset paths the build makes; a manifest that lists another is named (deployment-diff), never fetched. */
const ASSET_PATH = /^\/assets\/[A-Za-z0-9_.-]+$/;
/** A page that answers a form: "POST <path>", sent with these fields (an empty constancia: nothing is checked or kept). */
const POST_BODY = 'constancia=';

/** The pages of one language besides the plants' own: the form, follow-up, console, no-trace help, public figures, constancia check (and its answer), not-found. */
const PAGES = ['/', '/seguimiento', '/console', '/sin-rastro', '/transparencia', '/constancia', 'POST /constancia', NOT_FOUND_PAGE];

/** A plant as the form at / lists it. */
export interface ListedFacility {
  id: string;
  name: string;
  shortCode: string;
}

/** Every page a deployment renders: each in Spanish and English, and each listed plant's form (both languages) and poster (both papers). */
export function pagePaths(facilities: ListedFacility[]): string[] {
  const paths = PAGES.flatMap((p) => [p, `${p}${p.includes('?') ? '&' : '?'}lang=en`]);
  for (const { shortCode } of facilities) {
    const f = `/f/${encodeURIComponent(shortCode)}`;
    paths.push(f, `${f}?lang=en`, `${f}/cartel`, `${f}/cartel?papel=a4`);
  }
  return paths;
}

async function get(origin: string, page: string): Promise<Response> {
  const post = page.startsWith('POST ');
  const url = new URL(post ? page.slice(5) : page, origin);
  const init: RequestInit = post
    ? { redirect: 'manual', method: 'POST', body: POST_BODY, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
    : { redirect: 'manual' };
  // A dropped connection says nothing about the deployment: try again; any answer at all is the answer.
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

export async function fetchManifest(origin: string): Promise<Served['manifest']> {
  const res = await get(origin, MANIFEST_PATH);
  if (!res.ok) return { error: `answered ${res.status}` };
  try {
    return (await res.json()) as BuildManifest;
  } catch {
    return { error: 'is not JSON' };
  }
}

/**
 * An asset's headers. Its ETag is the platform's own (on Cloudflare a hash of the bytes, in wrangler
 * dev one of the file's path and time), so it is not compared with the local run's but with itself:
 * asked again as a new visitor, the same asset must carry the same tag. Kept only when the two
 * differ (both values: a tag made for each visitor).
 */
async function assetHeaders(origin: string, path: string, headers: Headers): Promise<HeaderSet> {
  const set = headerSet(headers);
  const first = set.etag?.[0];
  delete set.etag;
  if (first === undefined) return set;
  const again = headerSet((await get(origin, path)).headers).etag?.[0];
  if (again !== first) set.etag = [first, again ?? '(none)'];
  return set;
}

/** The assets the local build made or the served manifest lists, and the pages, as served, each with its headers. */
export async function fetchServed(origin: string, manifest: Served['manifest'], localAssets: string[], pages: string[]): Promise<Served> {
  const served: Served = { manifest, assets: new Map(), pages: new Map(), headers: new Map() };
  const listed = 'error' in manifest ? [] : Object.keys(manifest.assets ?? {}).filter((p) => ASSET_PATH.test(p));
  for (const path of new Set([...localAssets, ...listed])) {
    const res = await get(origin, path);
    served.assets.set(path, res.ok ? new Uint8Array(await res.arrayBuffer()) : res.status);
    served.headers.set(path, await assetHeaders(origin, path, res.headers));
  }
  for (const path of pages) {
    const res = await get(origin, path);
    const wanted = path.startsWith(NOT_FOUND_PAGE) ? res.status === 404 : res.ok;
    served.pages.set(path, wanted ? { html: await res.text() } : res.status);
    served.headers.set(path, headerSet(res.headers));
  }
  return served;
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
const decode = (s: string) => s.replace(/&(?:quot|#39|lt|gt|amp);/g, (e) => ENTITIES[e]!);

/** The plants the form at / offers (their option carries the short code of their own form and poster). */
export function listedFacilities(formHtml: string): ListedFacility[] {
  return [...formHtml.matchAll(/<option value="([^"]+)" data-code="([^"]+)"[^>]*>([^<]*)<\/option>/g)].map((m) => ({
    id: decode(m[1]!),
    shortCode: decode(m[2]!),
    name: decode(m[3]!),
  }));
}

/** The settings a deployment's pages show, which the local Worker must be given to render the same pages. */
export interface PublicSettings {
  quickExitUrl?: string;
  emailDomain?: string;
  /** A plant's intake address local part, by short code. */
  emailLocals: Record<string, string>;
  /** Whether the deployment signs constancias (its public key is published). */
  constancia: boolean;
  /**
   * Each plant's reader list as the administrator signed it, by plant id, from the public recipients
   * API: the form offers a plant, and its choices, only under a list that verifies with the build's key.
   */
  readerLists: Record<string, { statement: string; signature: string }>;
}

/** Reads those settings from pages already fetched, whether the constancia key is published, and each plant's signed reader list. */
export async function publicSettings(origin: string, served: Served, facilities: ListedFacility[]): Promise<PublicSettings> {
  const settings: PublicSettings = { emailLocals: {}, constancia: false, readerLists: {} };
  for (const { id } of facilities) {
    const res = await get(origin, `/api/facilities/${encodeURIComponent(id)}/recipients`);
    const readers = res.ok ? ((await res.json().catch(() => null)) as { readers?: unknown } | null)?.readers : null;
    const list = readers as { statement?: unknown; signature?: unknown } | null | undefined;
    if (typeof list?.statement === 'string' && typeof list.signature === 'string')
      settings.readerLists[id] = { statement: list.statement, signature: list.signature };
  }
  const form = served.pages.get('/');
  const exit = typeof form === 'object' ? /<a id="quick-exit" class="exit" href="([^"]*)"/.exec(form.html) : null;
  if (exit) settings.quickExitUrl = decode(exit[1]!);
  for (const { shortCode } of facilities) {
    const page = served.pages.get(`/f/${encodeURIComponent(shortCode)}`);
    const email = typeof page === 'object' ? /<form id="report"[^>]* data-email="([^"@]+)@([^"]+)"/.exec(page.html) : null;
    if (!email) continue;
    settings.emailLocals[shortCode] = decode(email[1]!);
    settings.emailDomain ??= decode(email[2]!);
  }
  settings.constancia = (await get(origin, '/.well-known/buzon-constancia.json')).ok;
  return settings;
}
