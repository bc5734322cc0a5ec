/**
 * wrangler does not carry bindings or vars into an environment: each must be written again under
 * [env.production]. A binding added at the top of wrangler.toml and forgotten there would deploy a
 * Worker that fails at its first use (a missing rate limiter is a 500 on every upload).
 */
import { experimental_readRawConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';

type Named = { binding?: string; name?: string; [k: string]: unknown };
type Raw = Record<string, unknown> & { env?: Record<string, Record<string, unknown>> };

const raw = experimental_readRawConfig({ config: 'wrangler.toml' }).rawConfig as unknown as Raw;
const production = raw.env?.production ?? {};
const list = (c: Record<string, unknown>, key: string) => ((c[key] as Named[] | undefined) ?? []).map((b) => ({ ...b }));
/** Each binding by name, with what must match: everything but the resource ids an operator creates. */
const bindings = (c: Record<string, unknown>) => ({
  d1: list(c, 'd1_databases').map(({ binding }) => binding),
  kv: list(c, 'kv_namespaces').map(({ binding }) => binding),
  ratelimits: list(c, 'ratelimits'),
  durableObjects: ((c.durable_objects as { bindings?: Named[] } | undefined)?.bindings ?? []).map((b) => ({ ...b })),
  sendEmail: list(c, 'send_email').map(({ name }) => name),
  vars: Object.keys((c.vars as Record<string, unknown> | undefined) ?? {}).sort(),
});

describe('production configuration', () => {
  it('should declare every binding and var of the local Worker again under [env.production], rate limits alike', () => {
    expect(bindings(production)).toEqual(bindings(raw));
  });
});
