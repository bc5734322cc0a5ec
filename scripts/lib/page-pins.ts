/**
 * @module What a served HTML page makes the browser load and run: every <script> and stylesheet
 * <link>, with the hash it is pinned to. Pure string work, shared by `npm run verify` and the tests.
 * The pages come from hono/jsx, which quotes every attribute with double quotes.
 */

export interface PageResource {
  kind: 'script' | 'stylesheet' | 'inline-script' | 'preload';
  /** The src or href as written; none for an inline script. */
  url?: string;
  integrity?: string;
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
};

/** The few entities an attribute value can carry in hono/jsx output. */
function decodeEntities(value: string): string {
  return value.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

export function pageResources(html: string): PageResource[] {
  const found: PageResource[] = [];
  for (const m of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const tag = m[0];
    if (m[1]!.toLowerCase() === 'script') {
      const src = attr(tag, 'src');
      found.push(src === undefined ? { kind: 'inline-script' } : { kind: 'script', url: src, integrity: attr(tag, 'integrity') });
      continue;
    }
    const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
    const href = attr(tag, 'href');
    if (rel.includes('stylesheet')) found.push({ kind: 'stylesheet', url: href, integrity: attr(tag, 'integrity') });
    else if (rel.includes('modulepreload') || rel.includes('preload')) found.push({ kind: 'preload', url: href, integrity: attr(tag, 'integrity') });
  }
  return found;
}

/** Problems with a page's resources against the hashes a trusted build expects; empty when all is pinned as built. */
export function pinProblems(html: string, pageUrl: string, expected: Record<string, { sha384: string }>): string[] {
  const problems: string[] = [];
  const origin = new URL(pageUrl).origin;
  for (const r of pageResources(html)) {
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
