/**
 * Three test projects: the Worker inside workerd (real D1/KV), Node-side crypto and locale
 * checks, and end-to-end runs of real Chromium against real `wrangler dev`.
 */
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { fileURLToPath } from 'node:url';
import sodium from 'libsodium-wrappers';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig(async () => {
  const migrations = await readD1Migrations(here('./migrations'));
  await sodium.ready;
  // The worker tests' administrator: a fixed seed, so tests/worker/helpers.ts signs reader lists with its private half.
  const testAdmin = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(0x42));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  POW_SECRET: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
                  // The constancia signing seed: bytes 20…3f, a test value (tests/worker/constancia.test.ts).
                  CONSTANCIA_SIGN_SK: 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8',
                  POW_BITS: '4',
                  EMAIL_DOMAIN: 'buzon.test',
                  PUBLIC_ORIGIN: 'https://buzon.test',
                  ADMIN_SIGN_PK: sodium.to_base64(testAdmin.publicKey, sodium.base64_variants.URLSAFE_NO_PADDING),
                },
                // The Rate Limiting binding works here, but one limiter serves every test file and the suite signs
                // in far more often than readers do; tests/worker/console-revocation.test.ts checks the 429
                // with a limiter of its own, so this shared one never runs out mid-suite.
                ratelimits: {
                  SIGNIN_LIMIT: { simple: { limit: 100_000, period: 60 } },
                  PUBLIC_LIMIT: { simple: { limit: 100_000, period: 60 } },
                  CHUNK_LIMIT: { simple: { limit: 100_000, period: 60 } },
                },
              },
            }),
          ],
          resolve: { alias: [{ find: /^libsodium$/, replacement: here('./src/lib/libsodium-workerd.ts') }] },
          test: {
            name: 'worker',
            include: ['tests/worker/**/*.test.{ts,tsx}'],
            setupFiles: ['./tests/worker/apply-migrations.ts', './tests/fast-check-seed.ts'],
            // Some tests post hundreds of requests; the shared 2-core CI machine also runs Chromium meanwhile.
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
        {
          test: {
            name: 'node',
            include: ['tests/node/**/*.test.ts'],
            environment: 'node',
            setupFiles: ['./tests/fast-check-seed.ts'],
            testTimeout: 30_000,
          },
        },
        {
          test: {
            name: 'e2e',
            include: ['tests/e2e/**/*.test.ts'],
            // After the Worker and Node projects, not beside them: on a 2-core machine Chromium,
            // wrangler dev and the Worker pool together made first page loads time out.
            sequence: { groupOrder: 1 },
            environment: 'node',
            globalSetup: ['./tests/e2e/global-setup.ts'],
            testTimeout: 300_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
