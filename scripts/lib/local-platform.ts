/**
 * @module Local D1 and KV from Node, through wrangler's platform proxy (the same SQLite and KV
 * files `wrangler dev` uses, under .wrangler/state/v3 unless another path is given).
 */
import { getPlatformProxy } from 'wrangler';
import type { Env } from '../../src/env';

export interface LocalPlatform {
  env: Pick<Env, 'DB' | 'BLOBS' | 'STATE' | 'RELEASE_HOURS'>;
  dispose: () => Promise<void>;
}

/** Opens the local bindings; call dispose() when done. */
export async function openLocalPlatform(persistTo?: string): Promise<LocalPlatform> {
  const proxy = await getPlatformProxy<Env>({
    configPath: 'wrangler.toml',
    persist: persistTo ? { path: `${persistTo}/v3` } : true,
    remoteBindings: false,
  });
  return { env: proxy.env, dispose: proxy.dispose };
}

/** Reads "--name value" from argv. */
export function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
