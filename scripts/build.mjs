// Build step: extracts libsodium's wasm for workerd and for the pages (a file of its own, named by its
// hash), and bundles the browser entry points.
// Outputs are generated (build/, public/assets/) and git-ignored. The bundles are reproducible:
// the same commit and ADMIN_SIGN_PK give the same bytes on any machine (no time, no absolute path;
// esbuild and libsodium pinned in package-lock.json), and build/buzon-build.json names their hashes
// for the Worker (integrity attributes, /.well-known/buzon-build.json) and for `npm run verify`.
import { build, version as esbuildVersion } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildManifest, digests, sourceCommit } from './lib/build-manifest.mjs';
import { writeLoaderWithoutWasm } from './lib/libsodium-loader.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * workerd will not compile wasm from bytes at run time, so the wasm that libsodium's ESM build
 * embeds is captured once here (by watching WebAssembly.instantiate) and imported as a module.
 */
async function extractWasm(modulePath, outFile) {
  let bytes;
  const original = WebAssembly.instantiate;
  WebAssembly.instantiate = (source, imports) => {
    bytes ??= new Uint8Array(source instanceof ArrayBuffer ? source : source.buffer ?? source);
    return original(source, imports);
  };
  try {
    const factory = (await import(modulePath)).default;
    await factory({});
  } finally {
    WebAssembly.instantiate = original;
  }
  if (!bytes) throw new Error(`no wasm captured from ${modulePath}`);
  await writeFile(outFile, bytes);
  return bytes.length;
}

/**
 * The wrangler environment this build is for: `--env NAME` or CLOUDFLARE_ENV (as wrangler reads it);
 * none for the local demo and the tests.
 */
function targetEnvironment() {
  const at = process.argv.indexOf('--env');
  if (at >= 0 && !process.argv[at + 1]) fail('build: --env needs a name, e.g. --env production');
  return (at >= 0 ? process.argv[at + 1] : process.env.CLOUDFLARE_ENV) || null;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

/**
 * The administrator public key the bundles trust for reader lists (src/client/admin-key.ts). Locally:
 * ADMIN_SIGN_PK from the environment, then wrangler.toml, else the demo key in .dev.vars. For a
 * deployment environment only what was written for it: ADMIN_SIGN_PK from the environment or that
 * environment's [env.NAME.vars] in wrangler.toml, never .dev.vars or a .demo-* file; without one the
 * build stops, since pages built with no key (or the demo's) would refuse, or trust, the wrong lists.
 */
async function adminSignKey(environment) {
  if (environment) {
    const { experimental_readRawConfig } = await import('wrangler');
    const section = experimental_readRawConfig({ config: `${root}wrangler.toml` }).rawConfig.env?.[environment];
    if (!section) fail(`build: wrangler.toml has no [env.${environment}]; nothing to build for it`);
    const configured = section.vars?.ADMIN_SIGN_PK ?? '';
    const given = process.env.ADMIN_SIGN_PK ?? '';
    if (given && configured && given !== configured) {
      fail(`build: ADMIN_SIGN_PK in the environment (${given}) is not the one in [env.${environment}.vars] of wrangler.toml (${configured}); keep one`);
    }
    const key = given || configured;
    if (!/^[A-Za-z0-9_-]{43}$/.test(key)) {
      fail(
        `build: refusing to build for ${environment} without its administrator key. Make it offline with\n` +
          `  npm run keys -- admin-init --out admin.txt\n` +
          `and put the printed ADMIN_SIGN_PK in [env.${environment}.vars] of wrangler.toml (or in the ADMIN_SIGN_PK environment variable).\n` +
          `The local demo key in .dev.vars is never used for a deployment.`,
      );
    }
    return key;
  }
  const pick = (file) => (existsSync(`${root}${file}`) ? /^\s*ADMIN_SIGN_PK\s*=\s*"?([A-Za-z0-9_-]*)"?/m.exec(readFileSync(`${root}${file}`, 'utf8'))?.[1] : undefined);
  const key = process.env.ADMIN_SIGN_PK || pick('wrangler.toml') || pick('.dev.vars') || '';
  if (!/^[A-Za-z0-9_-]{43}$/.test(key)) console.warn('build: no ADMIN_SIGN_PK (npm run keys -- admin-init); the pages will refuse every reader list');
  return key;
}
const environment = targetEnvironment();
const adminKey = await adminSignKey(environment);

await mkdir(`${root}build`, { recursive: true });
// Start empty, so a file an older build left behind is neither served nor listed in the manifest.
await rm(`${root}public/assets`, { recursive: true, force: true });
await mkdir(`${root}public/assets`, { recursive: true });
const SODIUM = `${root}node_modules/libsodium/dist/modules-esm/libsodium.mjs`;
const SODIUM_SUMO = `${root}node_modules/libsodium-sumo/dist/modules-sumo-esm/libsodium-sumo.mjs`;
const wasmBytes = await extractWasm(SODIUM, `${root}build/libsodium.wasm`);
await extractWasm(SODIUM_SUMO, `${root}build/libsodium-sumo.wasm`);
await writeLoaderWithoutWasm(SODIUM, `${root}build/libsodium-loader.mjs`);
await writeLoaderWithoutWasm(SODIUM_SUMO, `${root}build/libsodium-sumo-loader.mjs`);

/**
 * The pages fetch libsodium's wasm as a file of their own (src/client/sodium/): binary, it is about
 * a third smaller than the base64 text the ESM build embeds, and compiles while it downloads. Its
 * name carries its hash, and the bundles that fetch it carry its path and integrity value, pinned
 * with them; the page never names it.
 */
async function wasmAsset(name, file) {
  const bytes = readFileSync(file);
  const { sha256, sha384 } = digests(bytes);
  const served = `${name}-${sha256.slice(0, 16)}.wasm`;
  await writeFile(`${root}public/assets/${served}`, bytes);
  return { url: `/assets/${served}`, integrity: sha384 };
}
const sodiumWasm = await wasmAsset('libsodium', `${root}build/libsodium.wasm`);
const sodiumSumoWasm = await wasmAsset('libsodium-sumo', `${root}build/libsodium-sumo.wasm`);

const options = {
  outdir: `${root}public/assets`,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome80', 'safari14', 'firefox80'],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};
// The scripts a bundle adds on request first: the constancia's QR drawer
// (src/client/constancia-panel.ts) and "Grabar mi voz" (src/client/voice/button.ts). Each is pinned
// by a hash built into the bundles that load it, never by one the served page names.
const lazy = await build({ ...options, entryPoints: { qr: `${root}src/client/qr.ts`, voice: `${root}src/client/voice/recorder.ts` } });
const pin = (name) => JSON.stringify(digests(readFileSync(`${root}public/assets/${name}`)).sha384);
const pages = await build({
  ...options,
  define: {
    __ADMIN_SIGN_PK__: JSON.stringify(adminKey),
    __QR_INTEGRITY__: pin('qr.js'),
    __VOICE_INTEGRITY__: pin('voice.js'),
    __SODIUM_WASM__: JSON.stringify(sodiumWasm),
    __SODIUM_SUMO_WASM__: JSON.stringify(sodiumSumoWasm),
  },
  // libsodium's factories without their embedded wasm, fed the wasm files above.
  alias: { libsodium: `${root}src/client/sodium/standard.ts`, 'libsodium-sumo': `${root}src/client/sodium/sumo.ts` },
  entryPoints: {
    report: `${root}src/client/report.ts`,
    'follow-up': `${root}src/client/follow-up.ts`,
    console: `${root}src/client/console.ts`,
    'no-trace': `${root}src/client/no-trace.ts`,
  },
});
for (const css of ['console.css', 'poster.css', 'poster-letter.css', 'poster-a4.css', 'trends.css']) {
  await copyFile(`${root}src/client/${css}`, `${root}public/assets/${css}`);
}
const version = (pkg) => JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, 'utf8')).version;
const manifest = buildManifest({
  commit: sourceCommit(root),
  adminSignPk: adminKey,
  tools: { esbuild: esbuildVersion, 'libsodium-wrappers': version('libsodium-wrappers'), 'libsodium-wrappers-sumo': version('libsodium-wrappers-sumo') },
  assetsDir: `${root}public/assets`,
});
await writeFile(`${root}build/buzon-build.json`, `${JSON.stringify(manifest, null, 2)}\n`);
const outputs = [lazy, pages].flatMap((r) => Object.entries(r.metafile.outputs)).map(([f, o]) => `${f.replace(root, '')} ${o.bytes} B`);
console.log(`build${environment ? ` for ${environment}` : ''}: libsodium.wasm ${wasmBytes} B (${sodiumWasm.url}, ${sodiumSumoWasm.url}); ${outputs.join('; ')}; manifest for ${manifest.commit}`);
