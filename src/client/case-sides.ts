/**
 * @module A case's status, one line per side the worker sent it to, each named by who works it
 * ("Monitor de la empresa: Leído", "Autoridad laboral: En investigación"). The same lines on the
 * worker's follow-up page and in the console (src/domain/case-sides.ts).
 */
import type { Side } from '../domain/case-sides';
import { el, msg } from './page';

export interface ShownSide {
  side: Side;
  status: string;
}

/** "Monitor de la empresa: Leído", as text. */
export const sideLine = (x: ShownSide) => msg('case_side.line', { side: msg(`case_side.${x.side}`), status: msg(`status.${x.status}`) });

/** One list item per side, in the order given (the company's first). */
export const sideItems = (sides: readonly ShownSide[]) => sides.map((x) => el('li', sideLine(x), { 'data-side': x.side }));
