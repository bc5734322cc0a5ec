/**
 * @module HTML mail turned into plain text, without ever interpreting it: tags are dropped
 * (scripts and styles with their content), blocks become line breaks, entities are decoded once.
 * The result is only ever shown as text, never as HTML.
 */
import { decodeHTML, decodeHTMLAttribute } from 'entities';

const DROPPED_WITH_CONTENT = /<(script|style|head|title|template|noscript|object|iframe|svg)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const LINE_BREAK = /<br\b[^>]*>|<\/?(p|div|h[1-6]|tr|table|blockquote|pre|ul|ol|dl|dt|dd|section|article|header|footer|hr)\b[^>]*>/gi;

/** Decodes named and numeric character references once, as a browser would (entities' HTML rules). */
export const decodeEntities = (text: string) => decodeHTML(text);

/** Plain text of an HTML body: what a reader would see, with a link's address after its words. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(DROPPED_WITH_CONTENT, '')
    .replace(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, d, s, b, inner: string) => {
      // Decoded as a browser reads an attribute ("&para=2" stays), then escaped again so the
      // decoding of the whole text below leaves it as it is.
      const href = decodeHTMLAttribute((d ?? s ?? b ?? '').trim()).replace(/&/g, '&amp;');
      return href && !href.startsWith('#') && !inner.includes(href) ? `${inner} (${href})` : inner;
    })
    .replace(/\s+/g, ' ')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/t[dh]\s*>/gi, ' | ') // table cells stay apart: "Nombre | Turno"
    .replace(LINE_BREAK, '\n')
    .replace(/<\/?[a-z][^>]*>|<![^>]*>/gi, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim().replace(/^(?:\| ?)+|(?: ?\|)+$/g, '').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
