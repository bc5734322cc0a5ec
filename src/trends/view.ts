/**
 * @module The dashboard as it travels to the console: JSON with every count already suppressed.
 * Types only, shared by the Worker and the console bundle.
 */
import type { SvgNode } from './chart';
import type { Table } from './tables';

export interface DashboardView {
  /** ISO weeks shown, first and last ("2026-W01"). */
  from: string;
  to: string;
  /** The same weeks as people say them ("semana del 14 de septiembre de 2026"). */
  fromLabel: string;
  toLabel: string;
  today: string;
  /** The last day the figures count (yesterday), and the one plain line that says so and why. */
  lastDay: string;
  upTo: string;
  facilityCount: number;
  /** Each spike's plant and week, the week as people say it. */
  spikes: Array<{ facility: string; week: string }>;
  /** Each chart names the table that carries its numbers, and the label of the region it scrolls in. */
  charts: Array<{ id: string; title: string; region: string; svg: SvgNode; table: string }>;
  tables: Table[];
  notes: string[];
}
