/**
 * @module The Worker of the build `npm run verify` just made, run locally (wrangler dev on workerd,
 * fresh local D1/KV) with the deployment's public settings, plants and their signed reader lists (which
 * it checks with the build's administrator key, as the deployment must), so that each page it renders
 * can be compared with the deployment's: it sees every request at the deployment's own origin and
 * scheme (so a header sent only over https comes out the same).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ListedFacility, PublicSettings } from './deployment-fetch';
import { QUIET_WRANGLER, startDevServer, type DevServer } from './dev-server';

const run = promisify(execFile);
const sql = (v: string | null) => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`);

/** Starts the Worker built in dir; stop() also removes its state. */
export async function startReference(
  dir: string,
  origin: string,
  opts: { adminSignPk: string; facilities: ListedFacility[]; settings: PublicSettings },
): Promise<DevServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'buzon-verify-state-'));
  const env = { ...process.env, ...QUIET_WRANGLER };
  try {
    if (opts.facilities.length) {
      // The plants and their signed lists go in as one more migration of this throwaway copy: one wrangler run instead of two.
      const rows = opts.facilities.map((f) => `(${[f.id, f.name, f.shortCode, opts.settings.emailLocals[f.shortCode] ?? null].map(sql).join(', ')})`);
      const lists = Object.entries(opts.settings.readerLists).map(([id, l]) => `(${[id, l.statement, l.signature].map(sql).join(', ')})`);
      const last =
        readdirSync(join(dir, 'migrations'))
          .filter((f) => f.endsWith('.sql'))
          .sort()
          .at(-1) ?? '0000';
      const next = String(Number(last.slice(0, 4)) + 1).padStart(4, '0');
      writeFileSync(
        join(dir, 'migrations', `${next}_verify_plants.sql`),
        `INSERT INTO facilities (id, name, short_code, email_local) VALUES ${rows.join(',\n')};\n` +
          (lists.length ? `INSERT INTO reader_lists (facility_id, statement, signature) VALUES ${lists.join(',\n')};\n` : ''),
      );
    }
    await run('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', stateDir], { cwd: dir, env });
    const url = new URL(origin);
    const server = await startDevServer({
      stateDir,
      cwd: dir,
      vars: {
        ADMIN_SIGN_PK: opts.adminSignPk,
        PUBLIC_ORIGIN: url.origin,
        // A key of its own: the page shows the deployment's public key as text, which is not compared.
        CONSTANCIA_SIGN_SK: opts.settings.constancia ? randomBytes(32).toString('base64url') : '',
        ...(opts.settings.quickExitUrl !== undefined ? { QUICK_EXIT_URL: opts.settings.quickExitUrl } : {}),
        ...(opts.settings.emailDomain !== undefined ? { EMAIL_DOMAIN: opts.settings.emailDomain } : {}),
      },
      // The host name only: wrangler 4.86 garbles the request URL when given a port (the pages do not depend on it).
      args: ['--local-upstream', url.hostname, '--upstream-protocol', url.protocol.replace(':', '')],
    });
    return {
      ...server,
      stop: async () => {
        await server.stop();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}
