/**
 * Starts one real `wrangler dev` with fresh local D1/KV and the demo seed for the browser tests.
 */
import type { TestProject } from 'vitest/node';
import { prepareState, startDevServer, type DevServer } from '../../scripts/lib/dev-server';

let server: DevServer | undefined;

export default async function setup(project: TestProject) {
  const stateDir = await prepareState();
  server = await startDevServer({ stateDir });
  project.provide('baseUrl', server.url);
  project.provide('stateDir', stateDir);
  return async () => server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    stateDir: string;
  }
}
