/**
 * @module A served page against the same page rendered by the Worker of the local build: its markup
 * skeleton (every start and end tag with all its attributes, in order; text reduced to a marker),
 * the forms a browser could submit without the scripts, and every response header but the transport
 * ones (ETag, Last-Modified and Vary included). Pure string work, shared by `npm run verify` and the tests.
 */
import { pageTags } from './html-tags';

/** A response's headers by lower-case name; Set-Cookie keeps one value per cookie. */
export type HeaderSet = Record<string, string[]>;

/**
 * Headers about the connection or the platform's caches, which change nothing a page may do or tell:
 * everything else (Content-Security-Policy, Set-Cookie, Cache-Control, Referrer-Policy,
 * Permissions-Policy, Strict-Transport-Security, Refresh, Link, NEL, Content-Type…) must match.
 * ETag and Last-Modified are not transport: a browser keeps them and sends them back
 * (If-None-Match, If-Modified-Since), so one made for each visitor tracks a phone like a cookie.
 * Nor is Vary, which can key a cache on a cookie or a device's headers.
 */
export const TRANSPORT_HEADERS = new Set([
  'date',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'content-encoding',
  'server',
  'server-timing',
  'cf-ray',
  'cf-cache-status',
  'alt-svc',
  'age',
  'via',
  'accept-ranges',
]);

/**
 * A header's value with what Cloudflare's edge does to any answer it compresses taken out, since it
 * says nothing about the visitor: a strong ETag made weak (`W/`), and Accept-Encoding added to Vary
 * (Vary keeps its other names, lower-case and sorted). Null when nothing is left.
 */
function comparable(name: string, value: string): string | null {
  if (name === 'etag') return value.replace(/^W\//, '');
  if (name !== 'vary') return value;
  const names = [...new Set(value.split(',').map((v) => v.trim().toLowerCase()))].filter((v) => v && v !== 'accept-encoding').sort();
  return names.length ? names.join(', ') : null;
}

export function headerSet(headers: Headers): HeaderSet {
  const set: HeaderSet = {};
  for (const [name, value] of headers) {
    const kept = name === 'set-cookie' || TRANSPORT_HEADERS.has(name) ? null : comparable(name, value);
    if (kept !== null) set[name] = [kept];
  }
  const cookies = headers.getSetCookie();
  if (cookies.length) set['set-cookie'] = cookies;
  return set;
}

const shown = (values: string[] | undefined) => (values ? values.map((v) => JSON.stringify(v)).join(', ') : 'none');

/** Each header the deployment sends differently from the local Worker, by name. */
export function headerDifferences(served: HeaderSet, local: HeaderSet): string[] {
  const names = [...new Set([...Object.keys(served), ...Object.keys(local)])].sort();
  return names
    .filter((name) => JSON.stringify(served[name]) !== JSON.stringify(local[name]))
    .map((name) =>
      // Two ETags are an asset's two answers to two fresh requests (scripts/lib/deployment-fetch.ts).
      name === 'etag' && served[name]?.length === 2
        ? `sends etag ${shown(served[name])} to two fresh requests for the same bytes: a tag for each visitor`
        : `sends ${name} ${shown(served[name])}, the local build sends ${shown(local[name])}`,
    );
}

const TOKEN =
  /<!doctype html>|<\/([a-zA-Z][a-zA-Z0-9-]*)[\t\n\f\r ]*>|<([a-zA-Z][a-zA-Z0-9-]*)((?:[\t\n\f\r ]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)[\t\n\f\r ]*\/?>/gi;
const ATTR = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g;

/** What a chart (src/trends/chart.ts) draws with: shapes, their text and tooltips, no link, image, style, animation or script. */
const DRAWING = new Set(['g', 'line', 'polyline', 'path', 'rect', 'circle', 'text', 'title', 'desc']);
const DRAWING_ATTRS = new Set([
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'cx',
  'cy',
  'r',
  'width',
  'height',
  'd',
  'points',
  'fill',
  'stroke',
  'stroke-width',
  'text-anchor',
  'id',
]);

/**
 * The page as a list of tags: `<name a="…" b="…">` with its attributes sorted by name, `</name>`, and
 * `#text` for the text between them. Text is where the data lives (a plant's name, the figures of the
 * month, the constancia key); attributes carry the code's wiring (script pins, form targets, links,
 * ids the scripts look for) and are compared whole. A chart's drawing is data too: inside <svg>, the
 * shapes above (with only those attributes) become one `#drawing`, and the digits of the <svg>
 * element's own attributes `#`; any other element or attribute there is kept, so it differs. Markup
 * this reader cannot read is left to page-pins.ts, which names it.
 */
export function pageSkeleton(html: string): string[] {
  const tokens: string[] = [];
  let last = 0;
  let svg = 0;
  const push = (token: string) => {
    if (token !== tokens.at(-1) || (token !== '#text' && token !== '#drawing')) tokens.push(token);
  };
  const text = (upTo: number) => {
    if (html.slice(last, upTo).trim()) push(svg ? '#drawing' : '#text');
  };
  for (const m of html.matchAll(TOKEN)) {
    text(m.index);
    last = m.index + m[0].length;
    if (m[1]) {
      const name = m[1].toLowerCase();
      if (name === 'svg') svg = Math.max(0, svg - 1);
      push(svg && DRAWING.has(name) ? '#drawing' : `</${name}>`);
    } else if (m[2]) {
      const name = m[2].toLowerCase();
      const attrs = [...(m[3] ?? '').matchAll(ATTR)].map((a) => ({ name: a[1]!.toLowerCase(), value: a[2] }));
      const drawing = svg > 0 && DRAWING.has(name) && attrs.every((a) => DRAWING_ATTRS.has(a.name));
      const shown = attrs.map((a) => `${a.name}${a.value === undefined ? '' : `="${name === 'svg' ? a.value.replace(/\d+/g, '#') : a.value}"`}`).sort();
      push(drawing ? '#drawing' : `<${[name, ...shown].join(' ')}>`);
      if (name === 'svg' && !m[0].endsWith('/>')) svg++;
    } else push('<!doctype html>');
  }
  text(html.length);
  return tokens;
}

const brief = (token: string | undefined) => (token === undefined ? 'nothing' : token.length > 240 ? `${token.slice(0, 237)}…` : token);

/** Where the served skeleton first parts from the local one, or null when they are the same. */
export function skeletonDifference(served: string, local: string): string | null {
  const a = pageSkeleton(served);
  const b = pageSkeleton(local);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return null;
  return `its markup parts from the local build's at tag ${i + 1} of ${a.length}: served ${brief(a[i])}, the local build has ${brief(b[i])}`;
}

/**
 * How each form on a page would be submitted by the browser itself (without the page's scripts):
 * method and target of every <form>, and any button that overrides them. The scripts send what they
 * sealed with fetch(); a native submission sends the fields as typed.
 */
export function nativeForms(html: string): string[] {
  const found: string[] = [];
  for (const tag of pageTags(html).tags) {
    if (tag.name === 'form') found.push(`<form method="${(tag.attrs.get('method') ?? 'get').toLowerCase()}" action="${tag.attrs.get('action') ?? ''}">`);
    for (const attr of ['formaction', 'formmethod']) if (tag.attrs.has(attr)) found.push(`<${tag.name} ${attr}="${tag.attrs.get(attr)}">`);
  }
  return found;
}

/** A difference in the forms a page could submit natively, or null when they are the same. */
export function formDifference(served: string, local: string): string | null {
  const a = nativeForms(served);
  const b = nativeForms(local);
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  return `has forms ${a.join(' ') || '(none)'}, the local build's page has ${b.join(' ') || '(none)'}: a form the scripts do not send would post its fields as typed`;
}
