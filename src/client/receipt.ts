/**
 * @module The receipt screen's content: the code and its copy button, when readers get the
 * report, and the constancia, kept in page memory and put on the page only when asked for.
 */
import { constanciaPanel } from './constancia-panel';
import { $, msg } from './page';
import type { ReportAccepted } from '../contract/responses';

/** What the receipt shows of the server's answer (POST /api/reports): when its batch reaches the readers, and the proof of filing. */
export type StoredAnswer = Pick<ReportAccepted, 'release' | 'constancia'>;

let constancia: { text: string; plantName: string | null } | null = null;

/** Wires the copy button and the constancia button once, at page load. */
export function wireReceipt(lang: 'es' | 'en', code: () => string) {
  $('copy-code').addEventListener('click', () => void copyCode(code()));
  constanciaPanel(lang, async () => constancia);
}

/** Fills the receipt for a stored report (to `plantName`, as the form showed it) and returns its section (still hidden). */
export function fillReceipt(code: string, stored: StoredAnswer, plantName: string | null): HTMLElement {
  $<HTMLElement>('receipt-code').textContent = code;
  $<HTMLElement>('receipt-release').textContent = msg(`receipt.read_${stored.release.relative}`, { time: releaseTime(stored.release.hour) });
  constancia = stored.constancia ? { text: stored.constancia, plantName } : null;
  return $<HTMLElement>('receipt');
}

/** "7 de la mañana", "3 de la tarde": the release hour on a 12-hour clock, in words. */
function releaseTime(hour: number): string {
  const part = hour < 12 ? 'morning' : hour < 19 ? 'afternoon' : 'night';
  return msg(`receipt.time_${part}`, { hour: hour % 12 === 0 ? 12 : hour % 12 });
}

/** Copies the receipt code; the button says so, and where not to paste it. */
async function copyCode(code: string) {
  try {
    await navigator.clipboard.writeText(code);
    $('copy-status').textContent = msg('receipt.copied');
  } catch {
    $('copy-status').textContent = msg('receipt.copy_failed');
  }
}
