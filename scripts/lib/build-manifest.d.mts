/** Types for build-manifest.mjs (plain JS, since scripts/build.mjs runs under bare node). */
export const MANIFEST_FORMAT: 'buzon-build/1';

export interface AssetDigest {
  bytes: number;
  /** hex */
  sha256: string;
  /** "sha384-<base64>", as in an `integrity` attribute */
  sha384: string;
}

export interface BuildManifest {
  format: typeof MANIFEST_FORMAT;
  commit: string;
  adminSignPk: string;
  tools: Record<string, string>;
  assets: Record<string, AssetDigest>;
}

export function sourceCommit(dir: string, env?: Record<string, string | undefined>): string;
export function digests(bytes: Uint8Array): AssetDigest;
export function hashAssets(assetsDir: string): Record<string, AssetDigest>;
export function buildManifest(opts: { commit: string; adminSignPk: string; tools: Record<string, string>; assetsDir: string }): BuildManifest;
