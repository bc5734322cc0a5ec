/**
 * @module The Worker's bindings and settings (wrangler.toml, .dev.vars, secrets).
 */
export interface Env {
  DB: D1Database;
  /** Ciphertext blobs: report bodies, messages, attachments. */
  BLOBS: KVNamespace;
  /** Short-lived state: sign-in challenges and sessions (monitor console). */
  STATE: KVNamespace;
  /** Rate Limiting binding: sign-in requests per minute, for everyone together (keyed by route, never by address). */
  SIGNIN_LIMIT: RateLimit;
  /** Requests per minute on each public route, per facility (src/lib/rate-limit.ts). */
  PUBLIC_LIMIT: RateLimit;
  ASSETS?: Fetcher;
  /** 32 random bytes, base64url: the key that signs proof-of-work challenges. */
  POW_SECRET: string;
  /**
   * The administrator's Ed25519 public key, base64url: who signs the reader lists (src/crypto/reader-list.ts).
   * A deployment setting, also built into the browser bundles; the mail intake checks lists with it.
   */
  ADMIN_SIGN_PK?: string;
  /**
   * 32 random bytes, base64url: the seed of the Ed25519 key that signs constancias (proofs of
   * filing, src/crypto/constancia.ts). Its public key is served at /.well-known/buzon-constancia.json.
   * Without it no constancia is issued.
   */
  CONSTANCIA_SIGN_SK?: string;
  /** Leading zero bits the proof of work needs. */
  POW_BITS: string;
  /** Release hours of the Mexico City day, e.g. "7,15" (src/domain/release.ts). */
  RELEASE_HOURS?: string;
  /** Days a closed case is kept, and days without activity that close a case (src/domain/retention.ts). */
  RETENTION_CLOSED_DAYS?: string;
  RETENTION_IDLE_DAYS?: string;
  /** Where the quick-exit control goes. */
  QUICK_EXIT_URL: string;
  /** Domain of the facilities' intake addresses, e.g. reportes.example.org. */
  EMAIL_DOMAIN: string;
  /** Origin of the public site (scheme, host, port), for links in mail, e.g. https://buzon.example.org. */
  PUBLIC_ORIGIN: string;
  /** The audit chain's single writer (src/audit-chain.ts). */
  AUDIT: { idFromName(name: string): unknown; get(id: never): { append(entries: object[]): Promise<void> } };
  /** Outgoing mail (send_email binding): the monitors' daily digest. */
  MAILER: SendEmail;
}
