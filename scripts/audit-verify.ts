/**
 * Verifies the audit log's hash chain and names the first broken link; with --head, also checks
 * that the chain still holds each head published for a day (the transparency page shows one a
 * day), and names the earliest day that differs: a chain rewritten consistently passes the first
 * check, never the second.
 *
 *   npm run audit:verify [-- --persist-to DIR | --remote [--env NAME]] [--head <hash>@<YYYY-MM-DD> ...]
 */
import { checkPublishedHeads, verifyAuditChain } from '../src/storage/audit';
import { fail, parseCommandLine, runMain, text } from './lib/cli';
import { openTarget } from './lib/d1-target';
import { loadNodeSodium } from './lib/node-sodium';

const HELP = `Verifies the audit log's hash chain and names the first broken link.

  npm run audit:verify [-- --persist-to DIR | --remote [--env NAME]] [--head <hash>@<YYYY-MM-DD> ...]

  --head HASH@DAY     also check that the chain still holds the head published that day (the
                      transparency page and the digest show one a day); repeat for more days
  --remote            the production D1, through wrangler (needs CLOUDFLARE_API_TOKEN or npx wrangler login)
  --env NAME          with --remote: the wrangler environment whose D1 it is
  --persist-to DIR    a wrangler state other than .wrangler/state (it must exist)
  --help              this text

Exit status: 0 intact, 1 broken or rewritten (or it could not be read), 2 a wrong command line.`;

await runMain('audit:verify', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { head: { type: 'string', multiple: true }, remote: { type: 'boolean' }, env: { type: 'string' }, 'persist-to': { type: 'string' } },
    HELP,
  );
  const heads = ((values.head ?? []) as string[]).map((given) => {
    const m = /^([0-9a-f]{64})@(\d{4}-\d{2}-\d{2})$/.exec(given);
    if (!m) fail('--head takes <64 hex digits>@<YYYY-MM-DD>, as the transparency page shows it');
    return { hash: m[1]!, day: m[2]! };
  });
  const remote = values.remote === true;
  if (text(values, 'env') !== undefined && !remote) fail('--env names the wrangler environment of --remote: give both, or neither');
  if (remote && text(values, 'persist-to') !== undefined) fail('give --remote or --persist-to, not both');
  const s = await loadNodeSodium();
  const target = await openTarget({ remote, env: text(values, 'env'), persistTo: text(values, 'persist-to') });
  try {
    // The checks need only prepare(sql).bind(...).first() / .all(); this adapter serves them from either target.
    const db = {
      prepare: (sql: string) => {
        const run = (params: Array<string | number | null>) => ({
          all: async () => ({ results: await target.query(sql, params) }),
          first: async () => (await target.query(sql, params))[0] ?? null,
        });
        return { ...run([]), bind: (...params: Array<string | number | null>) => run(params) };
      },
    } as unknown as D1Database;
    let code = 0;
    const result = await verifyAuditChain(db, s);
    if (result.ok) console.log(`audit log intact: ${result.entries} entries`);
    else {
      console.error(`audit log BROKEN at entry ${result.brokenAt} of ${result.entries}: ${result.reason}`);
      code = 1;
    }
    if (heads.length) {
      const h = await checkPublishedHeads(db, heads);
      if (h.ok) console.log(`published heads held: ${h.checked}`);
      else {
        console.error(`audit log REWRITTEN: on ${h.day} the published head was ${h.published}, the chain now gives ${h.found}`);
        code = 1;
      }
    }
    return code;
  } finally {
    await target.close();
  }
});
