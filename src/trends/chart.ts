/**
 * @module Line and bar charts as a plain tree of SVG elements, built on the server from counts that
 * are already suppressed. The public page renders the tree with hono/jsx; the console builds it
 * with DOM calls (createElementNS, textContent), never from markup. A hidden count is drawn as a
 * gap with a grey mark, never as a number. Every chart has a title, a description pointing to its
 * table, and role="img", so a screen reader announces it and moves on to the table. Labels are
 * 12 px and the chart is never scaled down: a phone scrolls it inside its figure instead.
 */
import { SUPPRESSED, type Shown } from './cellkey';

export interface SvgNode {
  tag: string;
  attrs?: Record<string, string | number>;
  text?: string;
  children?: SvgNode[];
}

export interface ChartPoint {
  label: string;
  value: Shown;
}

export interface ChartText {
  id: string;
  title: string;
  /** Where the same numbers are as a table. */
  description: string;
  /** How a hidden count reads in a point's tooltip. */
  suppressedLabel: string;
}

const INK = '#1a1a1a';
const MUTED = '#555';
const GRID = '#d0d0d0';
const LINE = '#0b4f9c';
const HIDDEN = '#767676';

const node = (tag: string, attrs: SvgNode['attrs'] = {}, children: SvgNode[] = [], text?: string): SvgNode => ({ tag, attrs, children, text });

/** A round axis maximum and its ticks for values up to max. */
export function niceScale(max: number, ticks = 4): number[] {
  if (max <= 0) return [0, 5];
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const top = Math.ceil(max / step) * step;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(Math.round(v * 100) / 100);
  return out;
}

function frame(text: ChartText, width: number, height: number, body: SvgNode[]): SvgNode {
  return node(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${width} ${height}`,
      // Drawn at its own size, never shrunk (labels stay at 12 CSS px): on a narrow screen it
      // scrolls inside its figure, a labelled, focusable region.
      width,
      height,
      role: 'img',
      'aria-labelledby': `${text.id}-title ${text.id}-desc`,
      class: 'chart',
      'font-family': 'system-ui, sans-serif',
      'font-size': 12,
    },
    [node('title', { id: `${text.id}-title` }, [], text.title), node('desc', { id: `${text.id}-desc` }, [], text.description), ...body],
  );
}

const tooltip = (point: ChartPoint, text: ChartText) => node('title', {}, [], `${point.label}: ${point.value === SUPPRESSED ? text.suppressedLabel : point.value}`);

/** Counts over time (weeks or months): a line through the shown counts, a gap at hidden ones. */
export function lineChart(points: readonly ChartPoint[], text: ChartText): SvgNode {
  const width = 760;
  const height = 280;
  const left = 48;
  const right = 16;
  const top = 16;
  const bottom = 56;
  const shown = points.map((p) => (p.value === SUPPRESSED ? null : p.value));
  const ticks = niceScale(Math.max(0, ...shown.filter((v): v is number => v !== null)));
  const yMax = ticks[ticks.length - 1]!;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const x = (i: number) => left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const body: SvgNode[] = [];

  for (const t of ticks) {
    body.push(node('line', { x1: left, x2: width - right, y1: y(t), y2: y(t), stroke: GRID, 'stroke-width': 1 }));
    body.push(node('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end', fill: MUTED }, [], String(t)));
  }
  const every = Math.max(1, Math.ceil(points.length / 12));
  points.forEach((p, i) => {
    if (i % every !== 0 && i !== points.length - 1) return;
    body.push(node('text', { x: x(i), y: height - bottom + 18, 'text-anchor': 'middle', fill: MUTED }, [], p.label));
  });

  // One polyline per run of shown counts: a hidden count breaks the line instead of inventing a value.
  let run: string[] = [];
  const flush = () => {
    if (run.length > 1) body.push(node('polyline', { points: run.join(' '), fill: 'none', stroke: LINE, 'stroke-width': 2 }));
    run = [];
  };
  shown.forEach((v, i) => {
    if (v === null) flush();
    else run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  flush();
  points.forEach((p, i) => {
    const v = shown[i];
    if (v === null || v === undefined) {
      const cx = x(i);
      const cy = y(0) - 6;
      body.push(node('path', { d: `M${cx - 4},${cy - 4}L${cx + 4},${cy + 4}M${cx - 4},${cy + 4}L${cx + 4},${cy - 4}`, stroke: HIDDEN, 'stroke-width': 2 }, [tooltip(p, text)]));
    } else {
      body.push(node('circle', { cx: x(i), cy: y(v), r: 3.5, fill: LINE }, [tooltip(p, text)]));
    }
  });
  body.push(node('line', { x1: left, x2: width - right, y1: y(0), y2: y(0), stroke: INK, 'stroke-width': 1 }));
  return frame(text, width, height, body);
}

/** Counts by kind: one horizontal bar each, the count written after it ("<5" for a hidden one). */
export function barChart(bars: readonly ChartPoint[], text: ChartText): SvgNode {
  const width = 760;
  const labelW = 250;
  const rowH = 26;
  const top = 8;
  const height = top * 2 + bars.length * rowH;
  const plotW = width - labelW - 70;
  const shown = bars.map((b) => (b.value === SUPPRESSED ? null : b.value));
  const max = Math.max(1, ...shown.filter((v): v is number => v !== null));
  const body: SvgNode[] = [];
  bars.forEach((b, i) => {
    const yTop = top + i * rowH;
    const v = shown[i];
    body.push(node('text', { x: labelW - 8, y: yTop + rowH / 2 + 4, 'text-anchor': 'end', fill: INK }, [], b.label));
    if (v === null || v === undefined) {
      body.push(node('rect', { x: labelW, y: yTop + 5, width: 6, height: rowH - 10, fill: HIDDEN }, [tooltip(b, text)]));
      body.push(node('text', { x: labelW + 12, y: yTop + rowH / 2 + 4, fill: MUTED }, [], SUPPRESSED));
    } else {
      const w = (v / max) * plotW;
      body.push(node('rect', { x: labelW, y: yTop + 5, width: Math.max(w, v > 0 ? 1 : 0), height: rowH - 10, fill: LINE }, [tooltip(b, text)]));
      body.push(node('text', { x: labelW + w + 6, y: yTop + rowH / 2 + 4, fill: INK }, [], String(v)));
    }
  });
  body.push(node('line', { x1: labelW, x2: labelW, y1: top, y2: height - top, stroke: INK, 'stroke-width': 1 }));
  return frame(text, width, height, body);
}
