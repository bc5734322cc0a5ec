/**
 * @module What a served HTML page makes the browser load and run: every <script> and stylesheet
 * <link>, with the hash it is pinned to, and anything else that could run code or load another
 * page (inline handlers, script URLs, frames, redirects). Pure string work, shared by `npm run
 * verify` and the tests. Tags are read as hono/jsx writes them (scripts/lib/html-tags.ts).
 */
import { pageTags, type Tag } from './html-tags';

export interface PageResource {
  kind: 'script' | 'stylesheet' | 'inline-script' | 'preload';
  /** The src or href as written; none for an inline script. */
  url?: string;
  integrity?: string;
}

export function pageResources(html: string): PageResource[] {
  return resourcesOf(pageTags(html).tags);
}

function resourcesOf(tags: Tag[]): PageResource[] {
  const found: PageResource[] = [];
  for (const tag of tags) {
    const integrity = tag.attrs.get('integrity');
    if (tag.name === 'script') {
      const src = tag.attrs.get('src');
      if (src === undefined || tag.content) found.push({ kind: 'inline-script' });
      if (src !== undefined) found.push({ kind: 'script', url: src, integrity });
      continue;
    }
    if (tag.name !== 'link') continue;
    const rel = (tag.attrs.get('rel') ?? '').toLowerCase().split(/[\t\n\f\r ]+/);
    const href = tag.attrs.get('href');
    if (rel.includes('stylesheet')) found.push({ kind: 'stylesheet', url: href, integrity });
    else if (rel.includes('modulepreload') || rel.includes('preload')) found.push({ kind: 'preload', url: href, integrity });
  }
  return found;
}

/** Elements that load or run something other than a pinned script, or send the browser elsewhere; the pages have none. */
const FORBIDDEN = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'fencedframe', 'template']);
/** A link rel the pages use besides the pinned stylesheets (the empty icon, which stops a request for /favicon.ico). */
const HARMLESS_REL = new Set(['icon', 'stylesheet', 'preload', 'modulepreload']);

/** What a page could run or load beyond its pinned <script> and <link> tags: inline handlers, script URLs, frames, redirects. */
function markupProblems(tags: Tag[]): string[] {
  const problems: string[] = [];
  for (const tag of tags) {
    if (FORBIDDEN.has(tag.name)) problems.push(`has a <${tag.name}> element`);
    if (tag.name === 'meta' && tag.attrs.has('http-equiv')) problems.push(`has <meta http-equiv="${tag.attrs.get('http-equiv')}">`);
    if (tag.name === 'link') {
      const rels = (tag.attrs.get('rel') ?? '').toLowerCase().split(/[\t\n\f\r ]+/);
      for (const rel of rels) if (!HARMLESS_REL.has(rel)) problems.push(`has <link rel="${rel}">`);
    }
    if (tag.repeated) problems.push(`gives <${tag.name}> the attribute ${tag.repeated} twice`);
    for (const [name, value] of tag.attrs) {
      if (name.startsWith('on')) problems.push(`has an inline event handler ${name} on <${tag.name}>`);
      // A script address or hash elsewhere is one a bundle could read and load: the bundles carry their own.
      if (tag.name !== 'script' && tag.name !== 'link' && /^sha(?:256|384|512)-|\.m?js(?:[?#]|$)/i.test(value.trim())) problems.push(`names a script or hash in ${name} on <${tag.name}>`);
      // Browsers drop ASCII whitespace and control characters anywhere in a URL's scheme.
      if (/^(?:javascript|vbscript|data:text\/html)/i.test(value.replace(/[\u0000-\u0020]/g, ''))) problems.push(`has a script URL in ${name} on <${tag.name}>`);
    }
  }
  return problems;
}

/** Problems with a page's resources against the hashes a trusted build expects; empty when all is pinned as built. */
export function pinProblems(html: string, pageUrl: string, expected: Record<string, { sha384: string }>): string[] {
  const problems: string[] = [];
  const origin = new URL(pageUrl).origin;
  const { tags, strange } = pageTags(html);
  for (const s of strange) problems.push(`has markup the Worker never writes, ${s}`);
  problems.push(...markupProblems(tags));
  for (const r of resourcesOf(tags)) {
    if (r.kind === 'inline-script') {
      problems.push('runs an inline script');
      continue;
    }
    if (!r.url) {
      problems.push(`has a ${r.kind} without an address`);
      continue;
    }
    const url = new URL(r.url, pageUrl);
    if (url.origin !== origin) {
      problems.push(`loads ${r.kind} ${url.href} from another origin`);
      continue;
    }
    const path = url.pathname + url.search;
    const want = expected[path];
    if (!want) problems.push(`loads ${r.kind} ${path}, which the build did not make`);
    else if (!r.integrity) problems.push(`loads ${r.kind} ${path} without integrity`);
    else if (r.integrity !== want.sha384) problems.push(`pins ${path} to ${r.integrity}, the build gives ${want.sha384}`);
  }
  return problems;
}
