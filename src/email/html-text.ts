/**
 * @module HTML mail turned into plain text, without ever interpreting it: tags are dropped
 * (scripts and styles with their content), blocks become line breaks, entities are decoded once.
 * The result is only ever shown as text, never as HTML.
 *
 * One forward pass with indexOf, never a backtracking regex over the whole message: mail is
 * untrusted, and thousands of unclosed "<!--" or "<p" must not cost the handler seconds of CPU.
 */
import { decodeHTML, decodeHTMLAttribute } from 'entities';

const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'object', 'iframe', 'svg']);
const LINE_BREAK = new Set(['br', 'p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'dt', 'dd', 'section', 'article', 'header', 'footer', 'hr']);
const TAG_NAME = /^(\/?)([a-zA-Z][a-zA-Z0-9-]*)/;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/** Plain text of an HTML body: what a reader would see, with a link's address after its words. */
export function htmlToText(html: string): string {
  let out = '';
  let at = 0;
  let nextGt = -1; // the first ">" at or after the tag being read; reused while still ahead
  let link: { href: string; start: number } | null = null;
  const text = (s: string) => (out += s.replace(/\s+/g, ' '));

  while (at < html.length) {
    const lt = html.indexOf('<', at);
    if (lt < 0) {
      text(html.slice(at));
      break;
    }
    text(html.slice(at, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      at = end < 0 ? html.length : end + 3;
      continue;
    }
    if (nextGt <= lt) nextGt = html.indexOf('>', lt + 1);
    if (nextGt < 0) break; // an unfinished tag at the end shows nothing
    const inside = html.slice(lt + 1, nextGt);
    const name = TAG_NAME.exec(inside);
    if (!name && inside[0] !== '!' && inside[0] !== '?') {
      text('<'); // a lone "<" is text
      at = lt + 1;
      continue;
    }
    at = nextGt + 1;
    if (!name) continue; // <!doctype …>, <![CDATA[…]]>, <?xml …?>
    const closing = name[1] === '/';
    const tag = name[2]!.toLowerCase();

    if (!closing && DROPPED_WITH_CONTENT.has(tag)) {
      const close = new RegExp(`</${tag}\\s*>`, 'gi');
      close.lastIndex = at;
      const end = close.exec(html);
      at = end ? end.index + end[0].length : html.length;
    } else if (tag === 'li' && !closing) {
      out += '\n- ';
    } else if ((tag === 'td' || tag === 'th') && closing) {
      out += ' | '; // table cells stay apart: "Nombre | Turno"
    } else if (LINE_BREAK.has(tag)) {
      out += '\n';
    } else if (tag === 'a' && !closing) {
      const href = HREF.exec(inside);
      link = href ? { href: (href[1] ?? href[2] ?? href[3] ?? '').trim(), start: out.length } : null;
    } else if (tag === 'a' && closing && link) {
      // Decoded as a browser reads an attribute ("&para=2" stays), then escaped again so the
      // decoding of the whole text below leaves it as it is.
      const href = decodeHTMLAttribute(link.href).replace(/&/g, '&amp;');
      if (href && !href.startsWith('#') && !out.slice(link.start).includes(href)) out += ` (${href})`;
      link = null;
    }
  }

  // Character references decoded once, as a browser would (entities' HTML rules).
  return decodeHTML(out)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim().replace(/^(?:\| ?)+|(?: ?\|)+$/g, '').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
