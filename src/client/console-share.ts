/**
 * @module "Dar acceso": a reader who can open a case seals its content keys, in this page, to
 * another reader of the case (src/crypto/share.ts) and sends only the sealed keys. Who can receive
 * them comes from the administrator's signed list (never the server's rows alone): an active
 * reader of a role the worker chose, with the list's key. Notes go only to readers of their
 * author's role. The server checks the same again and audits it (src/routes/share-api.ts).
 */
import { fromB64, resealKey, toB64, type ListedReader, type RecipientKeys, type Sodium } from '../crypto';
import { rolesFor } from '../domain/report';
import type { CaseTrust } from './console-trust';
import type { Shared } from '../contract/console-responses';
import { openedWith } from './console-state';
import { $, ApiProblem, el, msg } from './page';

export interface ShareableCase {
  case: { id: string; sealed: string | null };
  messages: Array<{ id: string; kind: string; authorRole: string; sealed: string | null }>;
  /** The keys each reader holds for the case, by key id, as the server says (GET /console/api/cases/:id). */
  keyHolders?: Record<string, string[]>;
}
type Call = (path: string, body: unknown) => Promise<unknown>;

interface Open {
  s: Sodium;
  keys: RecipientKeys;
  detail: ShareableCase;
  candidates: ListedReader[];
}
let open: Open | undefined;
let busy = false;

/** Wires the button once, after the page loads; `call` is the console's authenticated API call. */
export function initShare(call: Call) {
  $('share-button').addEventListener('click', () => void share(call));
}

/**
 * The readers I may give this case to: listed, active, of a role the worker chose, not me, and
 * missing a key I could give them (a reader who already holds the report's and every message's
 * key I hold has nothing to receive). Without `detail`, every such reader.
 */
export function shareCandidates(trust: CaseTrust, myKeyId: string, detail?: ShareableCase): ListedReader[] {
  const roles = rolesFor(trust.sendTo);
  const listed = (trust.list?.readers ?? []).filter((r) => r.recipient && r.keyId !== myKeyId && roles.includes(r.role));
  if (!detail) return listed;
  return listed.filter((r) => {
    const held = new Set(detail.keyHolders?.[r.keyId] ?? []);
    return givable(detail, r.role).some((id) => !held.has(id));
  });
}

/** The ids of the keys I would give a reader of `role`: the report's, and each message's I hold (notes of their role only). */
const givable = (detail: ShareableCase, role: string) => [
  ...(detail.case.sealed ? [detail.case.id] : []),
  ...detail.messages.filter((m) => m.sealed && (m.kind !== 'note' || m.authorRole === role)).map((m) => m.id),
];

/** Fills the section for the case on screen; hidden when I cannot open the report myself. */
export function renderShare(s: Sodium, keys: RecipientKeys, trust: CaseTrust, detail: ShareableCase, caseChanged: boolean) {
  const section = $('share');
  if (caseChanged) $('share-status').textContent = '';
  const candidates = detail.case.sealed ? shareCandidates(trust, keys.keyId, detail) : [];
  open = { s, keys, detail, candidates };
  section.hidden = !detail.case.sealed;
  const select = $<HTMLSelectElement>('share-to');
  const before = select.value;
  select.replaceChildren(...candidates.map((r) => el('option', `${r.label} · ${msg(`console.role_${r.role}`)}`, { value: r.keyId })));
  if (candidates.some((r) => r.keyId === before)) select.value = before;
  $<HTMLButtonElement>('share-button').disabled = candidates.length === 0;
  // Nobody to give it to: no empty list and dead button, only the sentence that says why.
  for (const id of ['share-to-label', 'share-button']) $(id).hidden = candidates.length === 0;
  if (!candidates.length && detail.case.sealed) $('share-status').textContent = msg('console.share_none');
}

/** Every content key I hold for this case, sealed to one reader (notes only to my role's readers if theirs). */
export function sealedFor(s: Sodium, keys: RecipientKeys, detail: ShareableCase, to: ListedReader) {
  const boxPk = fromB64(s, to.boxPk);
  const mine = [
    { messageId: detail.case.id, sealed: detail.case.sealed },
    ...detail.messages.filter((m) => m.kind !== 'note' || m.authorRole === to.role).map((m) => ({ messageId: m.id, sealed: m.sealed })),
  ];
  const out: Array<{ messageId: string; sealed: string }> = [];
  for (const k of mine) {
    // The copy that opened it here (a reader may hold garbage shared first beside the real key), else my own.
    const sealed = openedWith.get(k.messageId) ?? k.sealed;
    if (!sealed) continue;
    try {
      out.push({ messageId: k.messageId, sealed: toB64(s, resealKey(s, fromB64(s, sealed), keys.box, boxPk)) });
    } catch {
      // A key that does not open for me is not mine to give; the report's own is checked below.
    }
  }
  return out;
}

async function share(call: Call) {
  if (!open || busy) return;
  const status = $('share-status');
  const to = open.candidates.find((r) => r.keyId === $<HTMLSelectElement>('share-to').value);
  if (!to) return;
  const sealed = sealedFor(open.s, open.keys, open.detail, to);
  if (!sealed.some((k) => k.messageId === open!.detail.case.id)) {
    status.textContent = msg('console.cannot_open');
    return;
  }
  busy = true;
  const button = $<HTMLButtonElement>('share-button');
  button.disabled = true;
  status.textContent = msg('console.share_working');
  try {
    const result = (await call(`/share/cases/${open.detail.case.id}`, { to: to.keyId, keys: sealed })) as Shared;
    // Fewer added than given: the reader already held keys (maybe garbage from someone else); ours went beside them.
    status.textContent =
      result.added < result.given
        ? msg('console.share_alongside', { label: to.label, added: result.added, given: result.given })
        : msg('console.share_done', { label: to.label });
  } catch (error) {
    status.textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  } finally {
    busy = false;
    button.disabled = false;
  }
}
