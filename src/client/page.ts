/**
 * @module What every page script shares: finding elements, the translated messages the server
 * rendered, error boxes, and JSON requests that carry no cookie and leave nothing in a cache.
 * Text always goes in as text (textContent), never as HTML.
 */

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const messages = new Map<string, string>();
document.querySelectorAll<HTMLElement>('#messages [data-key]').forEach((el) => messages.set(el.dataset.key!, el.textContent ?? ''));

/** A message rendered by the server from locales/, with {{placeholders}} filled in. */
export function msg(key: string, values: Record<string, string | number> = {}): string {
  return (messages.get(key) ?? key).replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** Makes an element with text content and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string | null, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/**
 * Fills an alert box with a list of problems and moves focus to it; an empty list hides it.
 * A problem with a target (the id of its field) is a link that takes focus to that field.
 */
export function showErrors(box: HTMLElement, list: string[], heading?: string, targets: string[] = []) {
  box.replaceChildren();
  box.hidden = list.length === 0;
  if (!list.length) return;
  if (heading) box.append(el('p', heading));
  const ul = el('ul');
  list.forEach((text, i) => {
    const target = targets[i] ? document.getElementById(targets[i]!) : null;
    if (!target) return ul.append(el('li', text));
    const link = el('a', text, { href: `#${target.id}` });
    link.addEventListener('click', (e) => {
      e.preventDefault();
      const field = target.matches('input, select, textarea') ? target : target.querySelector<HTMLElement>('input, select, textarea');
      (field ?? target).focus();
    });
    const item = el('li');
    item.append(link);
    ul.append(item);
  });
  box.append(ul);
  box.focus();
}

/** An error the server explained, in the page's language. */
export class ApiProblem extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** JSON request to this origin; throws ApiProblem with the server's translated message on a 4xx/5xx. */
export async function requestJson<T>(path: string, init: { method?: string; body?: unknown; rawBody?: string; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(path, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) throw new ApiProblem(data.error?.message ?? msg('errors.unavailable'), res.status, data.error?.code);
  return data as T;
}

/** Leaves the page without adding a history entry. */
export const leaveTo = (url: string) => window.location.replace(url);

/** A day ("2026-11-23") as people write it: "23 de noviembre de 2026", "November 23, 2026". */
export function formatDay(day: string, lang: 'es' | 'en'): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-MX' : 'en-US', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}
