/**
 * Bodies sent in chunks (no Content-Length) on real wrangler dev: one over the limit gets a
 * translated 413 and leaves the server answering; one within it is read whole.
 */
import { describe, expect, inject, it } from 'vitest';

const base = inject('baseUrl');

/** A body streamed in 16 KiB chunks, so it goes out with Transfer-Encoding: chunked. */
function streamed(bytes: Uint8Array): { body: ReadableStream<Uint8Array>; duplex: 'half' } {
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += 16384)));
    },
  });
  return { body, duplex: 'half' };
}

describe('streamed request bodies', () => {
  it('should refuse an oversized one in words, and keep answering the next request', async () => {
    const big = new TextEncoder().encode(JSON.stringify({ filler: 'x'.repeat(600_000) }));
    const res = await fetch(`${base}/api/reports?lang=es`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...streamed(big) } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string; message: string } }).error.code).toBe('too_large');
    // Left half-read, the body used to stall wrangler dev's proxy: the next request hung for minutes.
    const next = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(20_000) });
    expect(next.status).toBe(200);
  });

  it('should read a streamed body within the limit whole, and judge its content', async () => {
    const small = new TextEncoder().encode(JSON.stringify({ v: 1, unexpected: true }));
    const res = await fetch(`${base}/api/reports?lang=en`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...streamed(small) } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid');
  });
});
