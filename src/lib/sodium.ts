/**
 * @module libsodium for the Worker, loaded on first use.
 *
 * A top-level import would run libsodium's initialisation (which draws random bytes) in global
 * scope, which workerd forbids; so the module is imported inside the first handler that needs it.
 */
import type { Sodium } from '../crypto';

let loading: Promise<Sodium> | undefined;

/** The ready libsodium instance, imported and initialised once per isolate. */
export function loadSodium(): Promise<Sodium> {
  loading ??= import('libsodium-wrappers').then(async (m) => {
    const sodium = (m.default ?? m) as Sodium;
    await sodium.ready;
    return sodium;
  });
  return loading;
}
