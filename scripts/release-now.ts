/**
 * Lets readers see every waiting report and answer at once, on this machine only: for trying the
 * console right after sending a demo report, and for the browser tests. A deployment has no such
 * door; there a batch reaches readers at its release hour (src/domain/release.ts).
 *
 *   npm run release:now [-- --persist-to DIR]
 */
import { mexicoDay, releaseClock } from '../src/lib/clock';
import { appendAudit } from '../src/storage/audit';
import { releaseWorkerActions } from '../src/storage/held-actions';
import { purgeErasedBlobs } from '../src/storage/retention';
import { releaseWaitingStatements } from '../src/storage/release';
import { loadNodeSodium } from './lib/node-sodium';
import { fail, parseCommandLine, runMain, text } from './lib/cli';
import { openLocalPlatform } from './lib/local-platform';

const HELP = `Releases every waiting report and answer to the readers now, on this machine's local state only.

  npm run release:now [-- --persist-to DIR]

  --persist-to DIR    a wrangler state other than .wrangler/state (it must exist)
  --help              this text

A deployment has no such door: there reports reach readers at the release hours (RELEASE_HOURS).`;

await runMain('release:now', async () => {
  const { values } = parseCommandLine(process.argv.slice(2), { 'persist-to': { type: 'string' }, remote: { type: 'boolean' } }, HELP);
  if (values.remote) fail('release:now works on local state only: a deployment releases at its release hours');
  const platform = await openLocalPlatform(text(values, 'persist-to'));
  try {
    const db = platform.env.DB;
    const upTo = releaseClock(platform.env.RELEASE_HOURS).last;
    const waiting = 'SELECT (SELECT count(*) FROM reports WHERE release_at > ?1) + (SELECT count(*) FROM messages WHERE release_at > ?1) AS n';
    const { n } = (await db.prepare(waiting).bind(upTo).first<{ n: number }>())!;
    // wrangler dev holds the same SQLite file; under load it can be busy for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        await db.batch(releaseWaitingStatements(db, upTo));
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
    }
    // Like the half-hourly job at a release: workers' erasures, widenings and keeps reach readers now, and erased cases' KV keys go.
    const { erased, widened } = await releaseWorkerActions(db, upTo, mexicoDay());
    await appendAudit(db, await loadNodeSodium(), widened);
    await purgeErasedBlobs(db, platform.env.BLOBS, 1000);
    console.log(
      `released now: ${n} waiting report(s) and answer(s), ${widened.length} case(s) their workers sent to the authority, ${erased} case(s) their workers erased`,
    );
  } finally {
    await platform.dispose();
  }
});
