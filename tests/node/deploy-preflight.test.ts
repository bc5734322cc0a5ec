/**
 * The deploy preflight (scripts/lib/preflight.ts): a production config an operator filled in passes,
 * and each thing `npm run deploy` must refuse is refused alone, with a message that says what to do.
 */
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import {
  constanciaPublicKey,
  preflight,
  TESTS_ADMIN_PK,
  TESTS_CONSTANCIA_PK,
  TESTS_CONSTANCIA_SEED,
  TESTS_POW_SECRET,
  type PreflightFacts,
} from '../../scripts/lib/preflight';

const ADMIN = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c';
const DEMO_ADMIN = 'DEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdemo123';
const DEMO_SEED = Buffer.alloc(32, 7).toString('base64url');

/** What an operator who followed the README has: real ids, their own key and domain, no logs. */
function good(): PreflightFacts {
  return {
    environment: 'production',
    config: {
      workers_dev: false,
      preview_urls: false,
      routes: [{ pattern: 'buzon.sindicato.mx', custom_domain: true }],
      observability: { enabled: false },
      vars: { ADMIN_SIGN_PK: ADMIN, PUBLIC_ORIGIN: 'https://buzon.sindicato.mx', EMAIL_DOMAIN: 'reportes.sindicato.mx', POW_BITS: '15' },
      d1_databases: [{ binding: 'DB', database_id: '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b' }],
      kv_namespaces: [
        { binding: 'BLOBS', id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' },
        { binding: 'STATE', id: 'f9e8d7c6b5a40392817f6e5d4c3b2a19' },
      ],
    },
    demoAdminKeys: [DEMO_ADMIN],
    demoConstanciaSeeds: [DEMO_SEED],
    shell: {},
    git: { dirty: false, pushed: true },
    secrets: { names: ['POW_SECRET', 'CONSTANCIA_SIGN_SK'] },
  };
}

const refusals = (f: PreflightFacts) =>
  preflight(f)
    .filter((x) => x.level === 'refuse')
    .map((x) => x.message);
const withVars = (vars: Record<string, unknown>) => {
  const f = good();
  f.config.vars = { ...f.config.vars, ...vars };
  return f;
};
const withConfig = (change: (c: PreflightFacts['config']) => void) => {
  const f = good();
  change(f.config);
  return f;
};

describe('deploy preflight', () => {
  it("should pass a production config an operator filled in, saying only that the secrets' values are not seen", () => {
    const found = preflight(good());
    expect(found.map((x) => x.level)).toEqual(['unchecked']);
    expect(found[0]!.message).toMatch(/value.* of POW_SECRET and CONSTANCIA_SIGN_SK held by Cloudflare/);
  });

  // Each case: the facts, and words the one refusal must contain (what is wrong and what to do).
  const cases: Array<[string, PreflightFacts, RegExp]> = [
    [
      'the shipped D1 placeholder',
      withConfig((c) => (c.d1_databases![0]!.database_id = 'REPLACE-WITH-D1-DATABASE-ID')),
      /D1 database id .*placeholder.*wrangler d1 create buzon/,
    ],
    ['the local all-zero D1 id', withConfig((c) => (c.d1_databases![0]!.database_id = '00000000-0000-0000-0000-000000000000')), /D1 database id .*placeholder/],
    ['no D1 binding', withConfig((c) => (c.d1_databases = [])), /D1 database id "" is a placeholder/],
    ['the shipped BLOBS placeholder', withConfig((c) => (c.kv_namespaces![0]!.id = 'REPLACE-WITH-BLOBS-KV-ID')), /BLOBS id .*kv namespace create BLOBS/],
    ['the local STATE id', withConfig((c) => (c.kv_namespaces![1]!.id = '00000000000000000000000000000002')), /STATE id .*kv namespace create STATE/],
    ['an empty administrator key', withVars({ ADMIN_SIGN_PK: '' }), /ADMIN_SIGN_PK .* empty: make one offline with npm run keys -- admin-init/],
    ['a malformed administrator key', withVars({ ADMIN_SIGN_PK: 'abc' }), /ADMIN_SIGN_PK .* not a key/],
    ['the demo administrator key', withVars({ ADMIN_SIGN_PK: DEMO_ADMIN }), /local demo administrator key.*admin-init/],
    ["the tests' administrator key", withVars({ ADMIN_SIGN_PK: TESTS_ADMIN_PK }), /tests' administrator key.*admin-init/],
    ['another ADMIN_SIGN_PK in the shell', { ...good(), shell: { ADMIN_SIGN_PK: DEMO_ADMIN } }, /shell's ADMIN_SIGN_PK is not the one/],
    ['a secret written in vars', withVars({ POW_SECRET: 'x' }), /POW_SECRET is written in \[env.production.vars\].*wrangler secret put POW_SECRET/],
    [
      'the tests-only constancia seed in the shell',
      { ...good(), shell: { CONSTANCIA_SIGN_SK: TESTS_CONSTANCIA_SEED } },
      /tests-only seed.*secret put CONSTANCIA_SIGN_SK/,
    ],
    ['the demo constancia seed in the shell', { ...good(), shell: { CONSTANCIA_SIGN_SK: DEMO_SEED } }, /local demo seed/],
    ['an http origin', withVars({ PUBLIC_ORIGIN: 'http://buzon.sindicato.mx' }), /not https/],
    ['the loopback origin of the local demo', withVars({ PUBLIC_ORIGIN: 'https://127.0.0.1:8787' }), /local address/],
    ['localhost', withVars({ PUBLIC_ORIGIN: 'https://localhost' }), /local address/],
    ['an example origin', withVars({ PUBLIC_ORIGIN: 'https://buzon.example.org' }), /PUBLIC_ORIGIN .* example domain/],
    ['an origin with a path', withVars({ PUBLIC_ORIGIN: 'https://buzon.sindicato.mx/app' }), /has a path/],
    ['not a URL', withVars({ PUBLIC_ORIGIN: 'buzon' }), /not a URL/],
    ['example.org mail', withVars({ EMAIL_DOMAIN: 'buzon.example.org' }), /EMAIL_DOMAIN .*example/],
    ['.test mail', withVars({ EMAIL_DOMAIN: 'buzon.test' }), /EMAIL_DOMAIN .*example/],
    ['no mail domain', withVars({ EMAIL_DOMAIN: '' }), /EMAIL_DOMAIN "" is empty/],
    ['workers_dev on', withConfig((c) => (c.workers_dev = true)), /workers_dev = false/],
    ['workers_dev left to its default', withConfig((c) => delete c.workers_dev), /workers_dev = false/],
    ['preview URLs on', withConfig((c) => (c.preview_urls = true)), /preview_urls = false/],
    ['no custom domain', withConfig((c) => (c.routes = [])), /no custom domain/],
    [
      'a custom domain that is not PUBLIC_ORIGIN',
      withConfig((c) => (c.routes = [{ pattern: 'otro.sindicato.mx', custom_domain: true }])),
      /is not the custom domain/,
    ],
    ['observability on', withConfig((c) => (c.observability = { enabled: true })), /observability .* enabled = false/],
    ['Workers Logs on', withConfig((c) => (c.observability = { enabled: false, logs: { enabled: true } })), /observability/],
    ['traces on', withConfig((c) => (c.observability = { traces: { enabled: true } })), /observability/],
    ['logpush on', withConfig((c) => (c.logpush = true)), /logpush/],
    ['a tail consumer', withConfig((c) => (c.tail_consumers = [{ service: 'x' }])), /tail_consumers/],
    [
      'a missing secret',
      { ...good(), secrets: { names: ['POW_SECRET'] } },
      /secret CONSTANCIA_SIGN_SK is not set.*secret put CONSTANCIA_SIGN_SK --env production/,
    ],
  ];
  it.each(cases)('should refuse %s, saying what to do', (_, facts, said) => {
    const r = refusals(facts);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatch(said);
  });

  it('should refuse every shipped placeholder at once, the example domain in the route too', () => {
    const f = withVars({ ADMIN_SIGN_PK: '', PUBLIC_ORIGIN: 'https://buzon.example.org', EMAIL_DOMAIN: 'buzon.example.org' });
    f.config.routes = [{ pattern: 'buzon.example.org', custom_domain: true }];
    f.config.d1_databases![0]!.database_id = 'REPLACE-WITH-D1-DATABASE-ID';
    f.config.kv_namespaces = [
      { binding: 'BLOBS', id: 'REPLACE-WITH-BLOBS-KV-ID' },
      { binding: 'STATE', id: 'REPLACE-WITH-STATE-KV-ID' },
    ];
    expect(refusals(f)).toHaveLength(7);
  });

  it('should only warn about uncommitted or unpushed source, and name the secret checks it could not run', () => {
    const f = { ...good(), git: { dirty: true, pushed: false }, secrets: { skipped: 'not logged in' } };
    const found = preflight(f);
    expect(found.map((x) => x.level)).toEqual(['warn', 'warn', 'unchecked', 'unchecked']);
    expect(found[0]!.message).toMatch(/uncommitted/);
    expect(found[1]!.message).toMatch(/on no remote branch/);
    expect(found[2]!.message).toMatch(/whether Cloudflare holds POW_SECRET and CONSTANCIA_SIGN_SK.*not logged in.*secret list --env production/);
  });

  // Offline, a secrets file (what --secrets-file uploads with the deployment) is checked as fully as the config.
  const offline = (values: Record<string, string>): PreflightFacts => ({
    ...good(),
    secrets: { skipped: '--offline' },
    secretsFile: { path: 'secrets.json', values },
  });
  const fresh = () => Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64url');
  const secretCases: Array<[string, PreflightFacts, RegExp]> = [
    [
      "the tests' constancia seed",
      offline({ POW_SECRET: fresh(), CONSTANCIA_SIGN_SK: TESTS_CONSTANCIA_SEED }),
      /CONSTANCIA_SIGN_SK in the secrets file secrets.json is the tests-only seed/,
    ],
    ["this machine's demo constancia seed", offline({ POW_SECRET: fresh(), CONSTANCIA_SIGN_SK: DEMO_SEED }), /CONSTANCIA_SIGN_SK .* (placeholder|local demo)/],
    ["the tests' proof-of-work key", offline({ POW_SECRET: TESTS_POW_SECRET, CONSTANCIA_SIGN_SK: fresh() }), /POW_SECRET in the secrets file .* tests' value/],
    ['an all-zero placeholder', offline({ POW_SECRET: Buffer.alloc(32).toString('base64url'), CONSTANCIA_SIGN_SK: fresh() }), /POW_SECRET .* placeholder/],
    ['a value too short', offline({ POW_SECRET: 'abc', CONSTANCIA_SIGN_SK: fresh() }), /POW_SECRET .* not 32 bytes/],
    [
      'a name the Worker has no secret for',
      offline({ POW_SECRET: fresh(), CONSTANCIA_SIGN_SK: fresh(), ADMIN_SIGN_PK: ADMIN }),
      /holds ADMIN_SIGN_PK, which is not a secret/,
    ],
    [
      'an unreadable file',
      { ...good(), secrets: { skipped: '--offline' }, secretsFile: { path: 'nope.env', error: 'ENOENT' } },
      /secrets file nope.env could not be read/,
    ],
  ];
  it.each(secretCases)('should refuse, offline, a secrets file with %s', (_, facts, said) => {
    const r = refusals(facts);
    expect(r.length, r.join('\n')).toBeGreaterThanOrEqual(1);
    expect(r.join('\n')).toMatch(said);
  });

  it('should check a demo proof-of-work key offline, and need no secret list when the file holds both secrets', () => {
    const demo = fresh();
    expect(
      refusals({
        ...offline({ POW_SECRET: demo, CONSTANCIA_SIGN_SK: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 5 + 1)).toString('base64url') }),
        demoPowSecrets: [demo],
      }),
    ).toEqual([expect.stringMatching(/POW_SECRET in the secrets file secrets.json is this machine's local demo value/)]);
    const good2 = offline({ POW_SECRET: fresh(), CONSTANCIA_SIGN_SK: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 5 + 1)).toString('base64url') });
    expect(preflight(good2)).toEqual([]);
    // Without the file, offline: both secrets are named as not checked, never passed in silence.
    const bare = preflight({ ...good(), secrets: { skipped: '--offline' } });
    expect(bare.map((x) => x.level)).toEqual(['unchecked', 'unchecked']);
    expect(bare[0]!.message).toMatch(/whether Cloudflare holds POW_SECRET and CONSTANCIA_SIGN_SK: secrets not listed \(--offline\)/);
  });

  it("should know the tests' keys from the seeds in vitest.config.ts", async () => {
    await sodium.ready;
    const config = await import('node:fs').then((fs) => fs.readFileSync('vitest.config.ts', 'utf8'));
    expect(config).toContain(`CONSTANCIA_SIGN_SK: '${TESTS_CONSTANCIA_SEED}'`);
    expect(config).toContain('new Uint8Array(32).fill(0x42)');
    expect(sodium.to_base64(sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(0x42)).publicKey, sodium.base64_variants.URLSAFE_NO_PADDING)).toBe(
      TESTS_ADMIN_PK,
    );
    expect(constanciaPublicKey(TESTS_CONSTANCIA_SEED)).toBe(TESTS_CONSTANCIA_PK);
    const seed = sodium.randombytes_buf(32);
    expect(constanciaPublicKey(sodium.to_base64(seed, sodium.base64_variants.URLSAFE_NO_PADDING))).toBe(
      sodium.to_base64(sodium.crypto_sign_seed_keypair(seed).publicKey, sodium.base64_variants.URLSAFE_NO_PADDING),
    );
  });
});
