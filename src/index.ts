/**
 * @module The Worker's entry: HTTP through the Hono app, mail to the facilities' addresses, and
 * the daily housekeeping.
 */
import { app } from './app';
import { email } from './email/handler';
import type { Env } from './env';
import { scheduled } from './scheduled';

export { AuditChain } from './audit-chain';

export default {
  fetch: app.fetch,
  email,
  scheduled,
} satisfies ExportedHandler<Env>;
