/**
 * @module What the build (scripts/build.mjs) recorded about the browser bundles: their hashes for
 * the pages' integrity attributes, and the manifest served at /.well-known/buzon-build.json
 * for `npm run verify` (README "Checking a deployment").
 */
import built from '../../build/buzon-build.json';

export interface AssetDigest {
  bytes: number;
  sha256: string;
  sha384: string;
}

export interface BuildManifest {
  format: string;
  commit: string;
  adminSignPk: string;
  tools: Record<string, string>;
  assets: Record<string, AssetDigest>;
}

export const BUILD_MANIFEST: BuildManifest = built;

/**
 * The `integrity` value that pins an asset's bytes. An asset the build did not make is a bug in
 * the page, not something to serve unpinned.
 */
export function integrity(path: string): string {
  const digest = BUILD_MANIFEST.assets[path];
  if (!digest) throw new Error(`${path} is not in build/buzon-build.json (run npm run build)`);
  return digest.sha384;
}
