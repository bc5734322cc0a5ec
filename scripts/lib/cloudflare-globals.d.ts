/** The Workers binding types Node scripts share with src/ (as globals there), without the Workers lib. */
import type * as CF from '@cloudflare/workers-types';

declare global {
  type D1Database = CF.D1Database;
  type KVNamespace = CF.KVNamespace;
  type Fetcher = CF.Fetcher;
  type SendEmail = CF.SendEmail;
  type RateLimit = CF.RateLimit;
  type D1PreparedStatement = CF.D1PreparedStatement;
}
export {};
