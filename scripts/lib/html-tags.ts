/**
 * @module The tags of a served page, read only in the narrow form hono/jsx writes them: a name,
 * then attributes separated by HTML whitespace, each bare or double-quoted, with no entity but the
 * five hono escapes. Whatever else a page holds (a single quote or an unquoted value, a comment, a
 * stray "<", a slash between attributes) is reported as `strange`, not guessed at: a browser and a
 * loose reader can disagree about such markup (which attribute is the real src?), and a deployment
 * that serves it is not serving this build's pages. Pure string work, shared by verify and the tests.
 */

export interface Tag {
  name: string;
  /** Attribute values by lower-case name, entities decoded; the first of a repeated name, as browsers do. */
  attrs: Map<string, string>;
  /** The text up to its end tag, for <script> only. */
  content?: string;
  /** An attribute name given twice. */
  repeated?: string;
}

export interface PageTags {
  tags: Tag[];
  /** Markup outside the form above, by offset, shortened. */
  strange: string[];
}

const WS = '[\\t\\n\\f\\r ]';
const NAME = '[a-zA-Z_:][-a-zA-Z0-9_:.]*';
const TAG = new RegExp(`^<([a-zA-Z][a-zA-Z0-9-]*)((?:${WS}+${NAME}(?:="[^"]*")?)*)${WS}*/?>`);
const ATTR = new RegExp(`${WS}+(${NAME})(?:="([^"]*)")?`, 'g');
const CLOSE = new RegExp(`^</[a-zA-Z][a-zA-Z0-9-]*${WS}*>`);
const DOCTYPE = /^<!doctype html>/i;
/**
 * Elements whose text a browser may read raw, up to the first "</name" (in HTML, not inside
 * <svg>; <noscript> when scripts run). This reader reads their text as tags. The two readings
 * agree on what runs if that "</name" begins a tag here too; when it falls inside one (an
 * attribute value holding "</title>", say) the page is strange.
 */
const RAW_TEXT = new Set(['script', 'style', 'noscript', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes']);
const ENTITIES: Record<string, string> = { '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };

function decode(value: string): string | null {
  if (/&(?!(?:quot|#39|lt|gt|amp);)/.test(value)) return null;
  return value.replace(/&(?:quot|#39|lt|gt|amp);/g, (e) => ENTITIES[e]!);
}

export function pageTags(html: string): PageTags {
  const tags: Tag[] = [];
  const strange: string[] = [];
  const odd = (at: number) => strange.push(`at ${at}: ${JSON.stringify(html.slice(at, at + 60))}`);
  const lower = html.toLowerCase();
  /** Where a browser ends the raw text of an element opened earlier. */
  const rawEnds = new Set<number>();
  let at = html.indexOf('<');
  while (at !== -1) {
    const rest = html.slice(at);
    let next = at + 1;
    const open = TAG.exec(rest);
    rawEnds.delete(at);
    if (DOCTYPE.test(rest)) next = at + 15;
    else if (CLOSE.test(rest)) next = at + CLOSE.exec(rest)![0].length;
    else if (!open) odd(at);
    else {
      const tag: Tag = { name: open[1]!.toLowerCase(), attrs: new Map() };
      for (const m of open[2]!.matchAll(ATTR)) {
        const name = m[1]!.toLowerCase();
        const value = decode(m[2] ?? '');
        if (value === null) odd(at);
        if (tag.attrs.has(name)) tag.repeated ??= name;
        else tag.attrs.set(name, value ?? '');
      }
      next = at + open[0].length;
      if (RAW_TEXT.has(tag.name)) {
        const end = lower.indexOf(`</${tag.name}`, next);
        if (end !== -1) rawEnds.add(end);
        if (tag.name === 'script') tag.content = html.slice(next, end === -1 ? html.length : end);
      }
      tags.push(tag);
    }
    for (const end of rawEnds) if (end > at && end < next) odd(at);
    at = html.indexOf('<', next);
  }
  return { tags, strange };
}
