/**
 * @module What `npm run verify` fetches from a deployment: its manifest, the assets, and the
 * pages with their Content-Security-Policy. No redirect is followed: a page that sends the browser
 * elsewhere is not this build's page, and checking where it leads would check another origin.
 */
import type { BuildManifest } from './build-manifest.mjs';
import { MANIFEST_PATH, type Served } from './deployment-diff';

/** The not-found page runs the quick-exit script too: it must answer 404 and be pinned like the others. */
export const NOT_FOUND_PAGE = '/verify/no-such-page';
/** The only asset paths the build makes; a manifest that lists another is named (deployment-diff), never fetched. */
const ASSET_PATH = /^\/assets\/[A-Za-z0-9_.-]+$/;

const get = (origin: string, path: string) => fetch(new URL(path, origin), { redirect: 'manual' });

export async function fetchManifest(origin: string): Promise<Served['manifest']> {
  const res = await get(origin, MANIFEST_PATH);
  if (!res.ok) return { error: `answered ${res.status}` };
  try {
    return (await res.json()) as BuildManifest;
  } catch {
    return { error: 'is not JSON' };
  }
}

/** The assets the local build made or the served manifest lists, and the pages, as served. */
export async function fetchServed(origin: string, manifest: Served['manifest'], localAssets: string[], pages: string[]): Promise<Served> {
  const served: Served = { manifest, assets: new Map(), pages: new Map() };
  const listed = 'error' in manifest ? [] : Object.keys(manifest.assets ?? {}).filter((p) => ASSET_PATH.test(p));
  for (const path of new Set([...localAssets, ...listed])) {
    const res = await get(origin, path);
    served.assets.set(path, res.ok ? new Uint8Array(await res.arrayBuffer()) : res.status);
  }
  for (const path of pages) {
    const res = await get(origin, path);
    const wanted = path === NOT_FOUND_PAGE ? res.status === 404 : res.ok;
    served.pages.set(path, wanted ? { html: await res.text(), csp: res.headers.get('content-security-policy') } : res.status);
  }
  return served;
}
