/**
 * @module The release hour, brought forward for a browser test: readers see waiting reports and
 * answers now, through the same local-only command a developer uses (`npm run release:now`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function releaseNow(stateDir: string): Promise<void> {
  await run('npx', ['tsx', 'scripts/release-now.ts', '--persist-to', stateDir]);
}
