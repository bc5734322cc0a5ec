/**
 * @module Reading a whole stream with a byte cap (mail from the platform, streamed request bodies).
 */
import { concat } from '../crypto';

/**
 * The whole stream, or null once it passes maxBytes. Past the cap, up to drainBytes in all are
 * read and dropped (so the sender can finish sending), then the rest is cancelled.
 */
export async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number, drainBytes = 0): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      while (total <= drainBytes) {
        const rest = await reader.read();
        if (rest.done) return null;
        total += rest.value.byteLength;
      }
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : concat(...chunks);
}
