/**
 * The scheduled job, triggered locally the way wrangler documents it: `wrangler dev --test-scheduled`
 * (which `npm start` and `npm run dev` pass) and `curl /__scheduled?cron=…`. The banner's other
 * address, /cdn-cgi/handler/scheduled, answers 500 with this wrangler (4.86) whenever the Worker
 * has static assets: the asset router hands the ScheduledController to the Worker over RPC, which
 * cannot copy it ("DataCloneError"). README "Try it" says which address to use.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';
import { mexicoDay } from '../../src/lib/clock';
/** src/scheduled.ts DAILY_CRON (that module imports cloudflare:email, which Node cannot load). */
const DAILY_CRON = '0 12 * * *';
import { forgetSnapshots, trendsSnapshotKey } from '../../src/trends/snapshot';

const stateDir = inject('stateDir');

/** The flags `npm run dev` gives wrangler dev, but its address (the test picks a free port). */
function devFlags(): string[] {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.dev!;
  const words = script
    .slice(script.indexOf('wrangler dev') + 'wrangler dev'.length)
    .trim()
    .split(/\s+/);
  return words.filter((w, i) => !['--ip', '--port'].includes(w) && !['--ip', '--port'].includes(words[i - 1]!));
}

let server: DevServer;
beforeAll(async () => {
  server = await startDevServer({ stateDir, args: devFlags() });
});
afterAll(async () => server?.stop());

describe('the scheduled job on this machine', () => {
  it("should run the daily job at /__scheduled with the daily cron, as wrangler documents, and compute the day's figures", async () => {
    expect(devFlags()).toContain('--test-scheduled');
    const platform = await openLocalPlatform(stateDir);
    try {
      await forgetSnapshots(platform.env.STATE, mexicoDay());
      expect(await platform.env.STATE.get(`${trendsSnapshotKey(mexicoDay())}/id`)).toBeNull();
    } finally {
      await platform.dispose();
    }
    const res = await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent(DAILY_CRON)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Ran scheduled event');
    const after = await openLocalPlatform(stateDir);
    try {
      expect(await after.env.STATE.get(`${trendsSnapshotKey(mexicoDay())}/id`)).not.toBeNull();
    } finally {
      await after.dispose();
    }
  });

  it('should run the half-hourly job too', async () => {
    const res = await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent('*/30 * * * *')}`);
    expect(res.status).toBe(200);
  });
});
