/**
 * @module The reader's own tools on the console: searching the loaded cases' decrypted words, their
 * tags and the notes of the cases opened in this session (the server holds only ciphertext, so the
 * search runs here, in page memory), printing one case, and a
 * question before a reload or a closed tab throws the session and an unsent text away. The keys and
 * the session token stay in page memory only, so a reload signs out: that is the design, and this
 * asks first instead of weakening it.
 */
import { $, msg } from './page';
import type { Plain } from './console-list';

/** Lower case without accents, so "despedida" finds "Despedída" and "accion" finds "acción". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Each loaded case's searchable words, by case id: what the worker wrote and its tags. Never sent anywhere. */
const words = new Map<string, string>();
/** The notes of the cases opened in this session, by case id: kept when the list reloads, forgotten at sign-out. */
const notesOf = new Map<string, string>();

/** Remembers a decrypted report's words and its tags for the search (a case that does not open has only its tags). */
export function rememberWords(id: string, plain: Plain | null, tags: readonly string[] = []) {
  const fields = plain ? [plain.description, plain.where, plain.who, plain.subject, plain.text] : [];
  words.set(id, fold([...fields.filter((f): f is string => typeof f === 'string'), ...tags].join('\n')));
}

/** Remembers the internal notes of a case as decrypted when it was opened, for the search. */
export function rememberNotes(id: string, notes: readonly string[]) {
  notesOf.set(id, fold(notes.join('\n')));
}

/** Forgets the loaded cases' words; `everything` (at sign-out) forgets the opened cases' notes too. */
export function forgetWords(everything = false) {
  words.clear();
  if (everything) notesOf.clear();
}

/** Hides the loaded rows whose words do not hold every typed word, and says how many are left. */
export function applySearch() {
  const typed = fold($<HTMLInputElement>('case-search').value).split(/\s+/).filter(Boolean);
  const rows = [...$('cases').querySelectorAll<HTMLTableRowElement>('tbody tr')];
  let matching = 0;
  for (const row of rows) {
    const id = row.dataset.id ?? '';
    const text = `${words.get(id) ?? ''}\n${notesOf.get(id) ?? ''}`;
    const hit = typed.every((w) => text.includes(w));
    row.hidden = !hit;
    if (hit) matching++;
  }
  $('search-count').textContent = typed.length ? msg('console.search_count', { count: matching, loaded: rows.length }) : '';
}

/** Wires the search box, the print button, and the question before leaving while signed in. */
export function wireConsoleTools(signedIn: () => boolean) {
  $<HTMLInputElement>('case-search').addEventListener('input', applySearch);
  $('print-case').addEventListener('click', () => window.print());
  window.addEventListener('beforeunload', (e) => {
    if (!signedIn()) return;
    e.preventDefault();
    e.returnValue = ''; // older Chromium asks only with this set
  });
}
