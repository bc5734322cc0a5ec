/**
 * @module Compares what a deployment serves with a local build of the same source and with what that
 * build's Worker, run locally, serves for the same requests: the manifest, the bytes and headers of
 * each asset, and for each page its status, every header but the transport ones, its markup skeleton,
 * the forms it could submit natively (scripts/lib/page-skeleton.ts), its integrity pins and any markup
 * that could run code besides the pinned scripts (scripts/lib/page-pins.ts). Pure: fetching is the caller's job.
 */
import { createHash } from 'node:crypto';
import type { BuildManifest } from './build-manifest.mjs';
import { pinProblems } from './page-pins';
import { formDifference, headerDifferences, skeletonDifference, type HeaderSet } from './page-skeleton';

export const MANIFEST_PATH = '/.well-known/buzon-build.json';

export interface Difference {
  /** The served path that differs (an asset, a page, or the manifest). */
  file: string;
  reason: string;
}

export interface Served {
  /** The manifest as served, or why it could not be read. */
  manifest: BuildManifest | { error: string };
  /** Each fetched asset path: its bytes, or the HTTP status when it was not served. */
  assets: Map<string, Uint8Array | number>;
  /** Each fetched page (path with query, or "POST <path>"): its HTML, or the HTTP status when it was not the expected one. */
  pages: Map<string, ServedPage | number>;
  /** The response headers of each fetched asset and page. */
  headers: Map<string, HeaderSet>;
}

export interface ServedPage {
  html: string;
}

const short = (hex: string) => hex.slice(0, 16);

function manifestDifferences(local: BuildManifest, served: BuildManifest): string[] {
  const reasons: string[] = [];
  for (const key of ['format', 'commit', 'adminSignPk'] as const) {
    if (served[key] !== local[key]) reasons.push(`${key} is ${JSON.stringify(served[key])}, the local build has ${JSON.stringify(local[key])}`);
  }
  if (JSON.stringify(served.tools) !== JSON.stringify(local.tools)) reasons.push(`tools are ${JSON.stringify(served.tools)}, the local build used ${JSON.stringify(local.tools)}`);
  const paths = new Set([...Object.keys(local.assets), ...Object.keys(served.assets ?? {})]);
  for (const path of [...paths].sort()) {
    const mine = local.assets[path];
    const theirs = served.assets?.[path];
    if (!theirs) reasons.push(`does not list ${path}`);
    else if (!mine) reasons.push(`lists ${path}, which the local build does not make`);
    else if (theirs.sha256 !== mine.sha256 || theirs.sha384 !== mine.sha384 || theirs.bytes !== mine.bytes) reasons.push(`lists ${path} as sha256 ${short(theirs.sha256)}…, the local build gives ${short(mine.sha256)}…`);
  }
  return reasons;
}

/**
 * `local` is the build's manifest; `reference` is what the build's Worker, run locally with the
 * deployment's public settings and plants, answered to the same requests.
 */
export function deploymentDifferences(local: BuildManifest, served: Served, origin: string, reference: Served): Difference[] {
  const found: Difference[] = [];
  if ('error' in served.manifest) found.push({ file: MANIFEST_PATH, reason: served.manifest.error });
  else for (const reason of manifestDifferences(local, served.manifest)) found.push({ file: MANIFEST_PATH, reason });

  for (const [path, got] of [...served.assets].sort(([a], [b]) => a.localeCompare(b))) {
    const mine = local.assets[path];
    if (typeof got === 'number') {
      found.push({ file: path, reason: mine ? `answered ${got}` : `listed by the deployment, answered ${got}` });
      continue;
    }
    const sha256 = createHash('sha256').update(got).digest('hex');
    if (!mine) found.push({ file: path, reason: `served (sha256 ${short(sha256)}…), but the local build does not make it` });
    else if (sha256 !== mine.sha256) found.push({ file: path, reason: `served bytes have sha256 ${short(sha256)}… (${got.length} B), the local build gives ${short(mine.sha256)}… (${mine.bytes} B)` });
  }

  for (const [path, got] of served.pages) {
    const mine = reference.pages.get(path);
    if (typeof got === 'number') {
      found.push({ file: path, reason: `answered ${got}` });
      continue;
    }
    if (mine === undefined || typeof mine === 'number') {
      found.push({ file: path, reason: `is served, but the local build's Worker answered ${mine ?? 'nothing'}` });
      continue;
    }
    const pageUrl = new URL(path.replace(/^POST /, ''), origin).href;
    for (const reason of pinProblems(got.html, pageUrl, local.assets)) found.push({ file: path, reason });
    for (const reason of [formDifference(got.html, mine.html), skeletonDifference(got.html, mine.html)]) if (reason) found.push({ file: path, reason });
  }
  // Headers of every page and asset: a Refresh, a cookie, a cache or a policy the source does not send.
  for (const [path, got] of served.headers) {
    const mine = reference.headers.get(path);
    if (mine) for (const reason of headerDifferences(got, mine)) found.push({ file: path, reason });
  }
  return found;
}
