/**
 * @module Local D1 and KV from Node, through Miniflare (the same SQLite and KV files `wrangler dev`
 * uses, under .wrangler/state/v3 unless another path is given), with only the bindings scripts use.
 */
import { existsSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';

/**
 * The bindings the scripts use, as wrangler.toml declares them. Not src/env.ts: the generated Worker
 * types (worker-configuration.d.ts) pull the whole Worker into this Node program.
 */
export interface LocalEnv {
  DB: D1Database;
  BLOBS: KVNamespace;
  STATE: KVNamespace;
  RELEASE_HOURS: string;
}

export interface LocalPlatform {
  env: LocalEnv;
  dispose: () => Promise<void>;
}

/**
 * Opens the local bindings; call dispose() when done. Refuses a state directory that does not exist
 * (a mistyped --persist-to would otherwise start an empty database there).
 */
export async function openLocalPlatform(persistTo?: string): Promise<LocalPlatform> {
  const root = persistTo ? `${persistTo}/v3` : '.wrangler/state/v3';
  if (!existsSync(root)) {
    throw new Error(
      persistTo
        ? `no wrangler state in ${persistTo} (no ${root}): give --persist-to the state directory wrangler dev uses, or run npm run setup first`
        : `no local state in .wrangler/state: run npm run setup first, or give --persist-to the state directory wrangler dev uses`,
    );
  }
  // wrangler's own mapping of wrangler.toml (same ids, so the same files), without the Worker itself:
  // only D1, KV and the variables. The audit Durable Object is left out, as no script calls it, so
  // workerd has no class to warn about.
  process.env.WRANGLER_LOG ??= 'error'; // it would say it read .dev.vars, of which only RELEASE_HOURS is kept
  const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
  const vars = (workerOptions.bindings ?? {}) as Record<string, unknown>;
  const mf = new Miniflare({
    script: 'export default {}',
    modules: true,
    compatibilityDate: workerOptions.compatibilityDate,
    d1Databases: workerOptions.d1Databases,
    kvNamespaces: workerOptions.kvNamespaces,
    bindings: { RELEASE_HOURS: String(vars.RELEASE_HOURS ?? '') },
    defaultPersistRoot: root,
  });
  const env = (await mf.getBindings()) as unknown as LocalEnv;
  return { env: { ...env, DB: patient(env.DB) }, dispose: () => mf.dispose() };
}

/**
 * `wrangler dev` may hold the same SQLite file, and workerd gives up at once on a lock
 * (SQLITE_BUSY, surfaced only as "internal error"): wait and try again, a handful of times.
 * Safe because every statement and batch is atomic: a refused one wrote nothing.
 */
function patient(db: D1Database): D1Database {
  const retry = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (e) {
        if (/no such table/i.test(String(e))) {
          throw new Error(`the local database has no tables here: run npm run setup first, or give --persist-to the state directory wrangler dev uses`, {
            cause: e,
          });
        }
        const locked = /internal error|SQLITE_BUSY|database is locked/i.test(String(e));
        if (!locked || attempt >= 8) throw e;
        await new Promise((r) => setTimeout(r, 100 * 2 ** Math.min(attempt, 4)));
      }
    }
  };
  const wrapped = new WeakMap<object, D1PreparedStatement>();
  const unwrap = (s: D1PreparedStatement) => wrapped.get(s) ?? s;
  const statement = (s: D1PreparedStatement): D1PreparedStatement => {
    const p = new Proxy(s, {
      get(target, key) {
        if (key === 'bind') return (...values: unknown[]) => statement(target.bind(...values));
        if (key === 'all' || key === 'run' || key === 'first' || key === 'raw') {
          return (...args: never[]) => retry(() => (target[key] as (...a: never[]) => Promise<unknown>)(...args));
        }
        return Reflect.get(target, key, target);
      },
    });
    wrapped.set(p, s);
    return p;
  };
  return new Proxy(db, {
    get(target, key) {
      if (key === 'prepare') return (sql: string) => statement(target.prepare(sql));
      // A statement from prepare() is our Proxy; the binding wants its own object back.
      if (key === 'batch') return (list: D1PreparedStatement[]) => retry(() => target.batch(list.map(unwrap)));
      return Reflect.get(target, key, target);
    },
  });
}
