/** The test Worker's bindings: the app's (generated, worker-configuration.d.ts), plus the migrations the setup file applies. */
import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
export {};
