/**
 * @module Where admin commands write: local D1 (wrangler's platform proxy) or the remote D1
 * through `wrangler d1 execute --remote`. Statements are plain SQL with ?N parameters.
 */
import { execFileSync } from 'node:child_process';
import { openLocalPlatform } from './local-platform';

export interface Statement {
  sql: string;
  params: Array<string | number | null>;
}

export interface D1Target {
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
  return { ...databaseTarget(platform.env.DB), close: platform.dispose };
}

/** A D1 binding at hand (the local platform proxy) as a target; closing it is the caller's. */
export function databaseTarget(db: D1Database): D1Target {
  return {
    async run(statements) {
      await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.params)));
    },
    async query<T>(sql: string, params: Array<string | number | null> = []) {
      return (await db.prepare(sql).bind(...params).all<T>()).results;
    },
    async close() {},
  };
}
