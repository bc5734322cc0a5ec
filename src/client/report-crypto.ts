/**
 * @module What the report page needs from the shared crypto module, plus a proof-of-work solver
 * that yields to the page so typing stays smooth while it runs.
 */
import { checkWork, type Sodium } from '../crypto';

export { constanciaKeyFromCode, deriveMailbox, encryptAttachment, fromB64, listedRecipients, listedRecovery, newReceiptCode, sealReport, toB64, utf8 } from '../crypto';
export type { SignedReaderList } from '../crypto';
export type { Sodium };

/** Solves the proof of work in slices of a few milliseconds each. */
export function solveWorkInSlices(s: Sodium, challenge: string, reportId: string, bits: number): Promise<number> {
  return new Promise((resolve) => {
    let counter = 0;
    const slice = () => {
      const until = performance.now() + 12;
      while (performance.now() < until) {
        for (let i = 0; i < 64; i++, counter++) {
          if (checkWork(s, challenge, reportId, counter, bits)) return resolve(counter);
        }
      }
      setTimeout(slice, 0);
    };
    slice();
  });
}
