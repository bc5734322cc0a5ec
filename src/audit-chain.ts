/**
 * @module The audit chain's one writer: a Durable Object that appends readers' actions to the
 * hash-chained audit log in arrival order, one append at a time, so concurrent console actions
 * never race for the next sequence number (which cost retries and, under load, 503s).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './env';
import { loadSodium } from './lib/sodium';
import { appendAudit, type AuditEntry } from './storage/audit';

export class AuditChain extends DurableObject<Env> {
  /** The appends in flight, chained: D1 calls are external I/O, so the object's input gate alone would let them interleave. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Appends entries after every earlier append has committed. */
  async append(entries: AuditEntry[]): Promise<void> {
    const run = this.tail.then(async () => appendAudit(this.env.DB, await loadSodium(), entries));
    this.tail = run.catch(() => undefined);
    await run;
  }
}
