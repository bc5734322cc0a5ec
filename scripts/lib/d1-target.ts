/**
 * @module Where admin commands write: local D1 (wrangler's platform proxy) or the remote D1
 * through `wrangler d1 execute --remote`. Statements are plain SQL with ?N parameters.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
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

export async function openTarget(opts: { remote: boolean; persistTo?: string }): Promise<D1Target> {
  if (opts.remote) {
    const execute = (sql: string) =>
      execFileSync('npx', ['wrangler', 'd1', 'execute', 'DB', '--remote', '--json', '--command', sql], { encoding: 'utf8' });
    return {
      name: 'remote',
      async run(statements) {
        execute(statements.map(inline).join(';\n'));
      },
      async query<T>(sql: string, params: Array<string | number | null> = []) {
        const out = JSON.parse(execute(inline({ sql, params }))) as Array<{ results: T[] }>;
        return out[0]?.results ?? [];
      },
      async close() {},
    };
  }
  const platform = await openLocalPlatform(opts.persistTo);
  return { ...databaseTarget(platform.env.DB, localName(opts.persistTo)), close: platform.dispose };
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
      return (await db.prepare(sql).bind(...params).all<T>()).results;
    },
    async close() {},
  };
}
