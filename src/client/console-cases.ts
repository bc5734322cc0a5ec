/**
 * @module The console's case list: entering the console after sign-in (the reader's role fits the
 * page, the facilities fill the filter), loading the list page by page with the filters, and
 * going back to it from a case. Bodies are decrypted here, in page memory, for the rows and the search.
 */
import { $, ApiProblem, el, msg } from './page';
import { caseRow } from './console-list';
import type { CaseList, ConsoleSession, SealedBodies } from '../contract/console-responses';
import { applySearch, forgetWords, rememberWords } from './console-tools';
import { fitTriageForm } from './console-sides';
import { sortableCases } from './console-sort';
import { startTrends } from './trends';
import { api } from './console-session';
import { showCase } from './console-case-view';
import { lang, openPlain, state } from './console-state';

const PAGE_SIZE = 200;
let shown = 0;

/** Shows the signed-in console: fitted to the reader's role, with the first page of cases. */
export async function enterConsole() {
  const reader = state.reader!;
  $('signin').hidden = true;
  $('app').hidden = false;
  $('signed-in-as').textContent = msg('console.signed_in_as', { label: reader.label, role: msg(`console.role_${reader.role}`) });
  fitTriageForm(reader.role);
  sortableCases($<HTMLTableElement>('cases'), lang);
  $('hold').hidden = reader.role !== 'official'; // a legal hold is the authority's to set
  $('filter-held-label').hidden = reader.role !== 'official';
  if (reader.role === 'official') startTrends({ lang, token: () => state.token });
  const session = await api<ConsoleSession>('/session');
  state.today = session.today;
  const select = $<HTMLSelectElement>('filter-facility');
  for (const f of session.facilities) select.append(el('option', f.name, { value: f.id }));
  await loadList(true);
  $('cases-heading').focus(); // the sign-in form that had focus is gone
}

/** Loads a page of cases with the filters; `reset` starts the list again from the first. */
export async function loadList(reset: boolean) {
  if (reset) {
    shown = 0;
    $('cases').querySelector('tbody')!.replaceChildren();
    forgetWords();
  }
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(shown) });
  const status = $<HTMLSelectElement>('filter-status').value;
  const category = $<HTMLSelectElement>('filter-category').value;
  const facility = $<HTMLSelectElement>('filter-facility').value;
  if (status) params.set('status', status);
  if (category) params.set('category', category);
  if (facility) params.set('facility', facility);
  if ($<HTMLInputElement>('filter-overdue').checked) params.set('overdue', '1');
  if ($<HTMLInputElement>('filter-answers').checked) params.set('answers', '1');
  if ($<HTMLInputElement>('filter-held').checked) params.set('held', '1');
  try {
    const { cases, total, withNewAnswers } = await api<CaseList>(`/cases?${params}`);
    const readable = cases.filter((c) => c.sealed).map((c) => c.id);
    const { bodies } = readable.length ? await api<SealedBodies>('/bodies', { ids: readable }) : { bodies: {} };
    const rows = document.createDocumentFragment();
    for (const c of cases) {
      const plain = openPlain(bodies[c.id] ?? null, c.sealed, c);
      rememberWords(c.id, plain, c.tags);
      rows.append(caseRow(c, plain, state.today, () => void showCase(c.id)));
    }
    $('cases').querySelector('tbody')!.append(rows);
    applySearch();
    shown += cases.length;
    const counted = total ? msg('console.count', { shown, total }) : msg('console.none');
    $('list-count').textContent = withNewAnswers ? `${counted} · ${msg('console.new_answers_count', { count: withNewAnswers })}` : counted;
    $('more').hidden = shown >= total;
  } catch (error) {
    $('list-count').textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  }
}

export function showList() {
  $('case-view').hidden = true;
  $('list-view').hidden = false;
  state.openCaseId = undefined;
  $('cases-heading').focus(); // the back button that had focus is gone
  void loadList(true);
}
