/**
 * @module Where admin commands write: local D1 (wrangler's platform proxy) or the remote D1
 * through `wrangler d1 execute --remote`. Statements are plain SQL with ?N parameters.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { openLocalPlatform } from './local-platform';

export interface Statement {
  sql: string;
  params: Array<string | number | null>;
}

export interface D1Target {
  /** Which database this is (remote, or a local state directory): the administrator's file keeps its last signed lists under it. */
  name?: string;
  run(statements: Statement[]): Promise<void>;
  query<T>(sql: string, params?: Array<string | number | null>): Promise<T[]>;
  /** A text value of the BLOBS KV namespace (a sealed body too large for D1), or null; absent where KV cannot be read. */
  blob?(key: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Inlines ?N parameters as SQL literals, for wrangler's --command (which takes no parameters). */
export function inline(s: Statement): string {
  return s.sql.replace(/\?(\d+)/g, (_, n: string) => {
    const v = s.params[Number(n) - 1];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    return `'${v.replace(/'/g, "''")}'`;
  });
}

/**
 * Refuses --remote before anything runs when wrangler has no way to reach the account: no
 * CLOUDFLARE_API_TOKEN (or API key and email) and no `wrangler login` on this machine.
 */
export function assertRemoteCredentials() {
  const env = process.env;
  if (env.CLOUDFLARE_API_TOKEN || (env.CLOUDFLARE_API_KEY && env.CLOUDFLARE_EMAIL)) return;
  const homes = [join(homedir(), '.wrangler'), join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), '.wrangler')];
  if (homes.some((home) => existsSync(join(home, 'config', 'default.toml')))) return;
  throw new Error('--remote needs Cloudflare credentials: set CLOUDFLARE_API_TOKEN, or run npx wrangler login first');
}

/** wrangler's own complaint, in one line, instead of its banner and stack. */
function wranglerError(error: unknown): Error {
  const out = `${(error as { stderr?: string }).stderr ?? ''}\n${(error as { stdout?: string }).stdout ?? ''}`;
  const lines = out.split('\n').map((l) => l.trim());
  const flagged = lines.find((l) => /\[ERROR\]/.test(l))?.replace(/^.*\[ERROR\]\s*/, '');
  const line = flagged || lines.find((l) => l && !/^[-─⛅]|wrangler \d/.test(l));
  return new Error(`wrangler d1 execute --remote failed: ${line ?? 'no message (run it by hand to see why)'}`);
}

/** Local D1 (.wrangler/state, or persistTo), or the remote one through wrangler (of `env`, when given). */
export async function openTarget(opts: { remote: boolean; persistTo?: string; env?: string }): Promise<D1Target> {
  if (opts.remote) {
    assertRemoteCredentials();
    const execute = (sql: string) => {
      try {
        return execFileSync('npx', ['wrangler', 'd1', 'execute', 'DB', '--remote', '--json', ...(opts.env ? ['--env', opts.env] : []), '--command', sql], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (error) {
        throw wranglerError(error);
      }
    };
    return {
      name: 'remote',
      async run(statements) {
        execute(statements.map(inline).join(';\n'));
      },
      async query<T>(sql: string, params: Array<string | number | null> = []) {
        const out = JSON.parse(execute(inline({ sql, params }))) as Array<{ results: T[] }>;
        return out[0]?.results ?? [];
      },
      async blob(key: string) {
        try {
          return execFileSync('npx', ['wrangler', 'kv', 'key', 'get', key, '--binding', 'BLOBS', '--remote', ...(opts.env ? ['--env', opts.env] : [])], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          });
        } catch {
          return null;
        }
      },
      async close() {},
    };
  }
  const platform = await openLocalPlatform(opts.persistTo);
  return {
    ...databaseTarget(platform.env.DB, localName(opts.persistTo)),
    blob: (key: string) => platform.env.BLOBS.get(key, 'text'),
    close: platform.dispose,
  };
}

/** The name of a local database: its state directory. */
export const localName = (persistTo?: string) => `local:${resolve(persistTo ?? '.wrangler/state')}`;

/** A D1 binding at hand (the local platform proxy) as a target; closing it is the caller's. */
export function databaseTarget(db: D1Database, name?: string): D1Target {
  return {
    ...(name ? { name } : {}),
    async run(statements) {
      await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.params)));
    },
    async query<T>(sql: string, params: Array<string | number | null> = []) {
      return (
        await db
          .prepare(sql)
          .bind(...params)
          .all<T>()
      ).results;
    },
    async close() {},
  };
}
