/**
 * Runs the benchmarks against fresh `wrangler dev` servers and prints the figures.
 *   npm run bench [-- bytes|phone|voice|intake|concurrency|console|flood|load|trends|mail|startup]
 * Benchmarks, not tests: this machine is shared and noisy, so nothing here asserts a time.
 */
import { prepareState, startDevServer } from '../scripts/lib/dev-server';
import { loadNodeSodium } from '../scripts/lib/node-sodium';
import { consoleBench } from './console';
import { floodCurve } from './flood';
import { mixedLoad } from './load';
import { mailHtmlBench } from './mail-html';
import { concurrentSubmissions, intakeThroughput } from './intake';
import { firstLoads, pageBytes } from './page-bytes';
import { phoneTimings } from './phone-timings';
import { trendsBench } from './trends';
import { voiceBench } from './voice';
import { workerStartup } from './worker-startup';

const s = await loadNodeSodium();
const only = process.argv[2];
const wanted = (name: string) => !only || only === name;

/** Runs a section against its own server with its own state. */
async function withServer(vars: Record<string, string>, section: (url: string, stateDir: string) => Promise<void>) {
  const stateDir = await prepareState();
  const server = await startDevServer({ stateDir, vars });
  try {
    await section(server.url, stateDir);
  } finally {
    await server.stop();
  }
}

console.log(`# Buzón benchmarks, ${new Date().toISOString().slice(0, 10)}, on wrangler dev (workerd, local D1/KV)`);
// The real proof-of-work difficulty (wrangler.toml) wherever a phone or the intake is measured.
await withServer({}, async (url, stateDir) => {
  if (wanted('bytes')) {
    await firstLoads(url);
    await pageBytes(url);
  }
  if (wanted('phone')) {
    await phoneTimings(url, 3, 0);
    await phoneTimings(url, 3, 3000);
  }
  if (wanted('voice')) await voiceBench(url);
  if (wanted('intake')) for (const concurrency of [4, 16]) await intakeThroughput(s, url, 300, concurrency);
  if (wanted('concurrency')) await concurrentSubmissions(s, url, stateDir);
});
// The console needs 1,000 stored reports: a light proof of work fills the server fast.
if (wanted('console')) await withServer({ POW_BITS: '4' }, (url, stateDir) => consoleBench(s, url, stateDir));
// The flood curve: a light base difficulty so 2,000 junk reports go in fast; the ratios are what count.
if (wanted('flood')) await withServer({ POW_BITS: '4' }, (url, stateDir) => floodCurve(s, url, stateDir));
// Mixed load for LOAD_SECONDS (default 120): submissions, mail and console work at once.
if (wanted('load')) await withServer({ POW_BITS: '4' }, (url, stateDir) => mixedLoad(s, url, stateDir));
// Trends: 100,000 reports written straight into a local D1 of their own; no server needed.
if (wanted('trends')) await trendsBench();
// Hostile HTML mail: no server needed.
if (wanted('mail')) mailHtmlBench();
// The Worker's upload and cold start: no server needed (wrangler builds and profiles it).
if (wanted('startup')) workerStartup();
