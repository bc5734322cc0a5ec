/** The test Worker's bindings: the app's, plus the migrations the setup file applies. */
import type { D1Migration } from 'cloudflare:test';
import type { Env as AppEnv } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends AppEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
export {};
