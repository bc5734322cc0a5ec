/**
 * @module Writing on the open case: a reply to the worker (sealed to their mailbox and the case's
 * readers; the first press asks, on the same button and in words right under it, and the second sends), the standard
 * acknowledgement ("Acusar recibo": a signed reply the worker's page shows in its own words), or a
 * note for readers of my role. A retry resends the same sealed message, so it is never doubled.
 */
import { $, ApiProblem, msg } from './page';
import { sealCaseMessage } from './console-trust';
import { api } from './console-session';
import { lang, state } from './console-state';
import { noteReaders } from './console-sides';

/** Shows the case in the page again after sending, leaving focus where it is. */
type Refresh = (caseId: string) => Promise<void>;

/** A reply or note on its way: a double tap sends nothing more, a retry of the same text resends the same id. */
let sending = false;
/** The reply text the reader has been asked to confirm; any change asks again. */
let armedReply: string | undefined;
let pendingMessage: { caseId: string; kind: string; text: string; body: unknown } | undefined;

export function wireCompose(refresh: Refresh) {
  $('send-reply').addEventListener('click', () => void sendMessage('reply', refresh));
  $('reply').addEventListener('input', () => armedReply !== undefined && disarmReply());
  $('keep-writing').addEventListener('click', () => {
    disarmReply();
    $('reply').focus();
  });
  $('add-note').addEventListener('click', () => void sendMessage('note', refresh));
  $('send-ack').addEventListener('click', () => void sendMessage('acknowledgement', refresh));
}

export function disarmReply() {
  armedReply = undefined;
  $('send-reply').textContent = msg('console.send_reply');
  $('reply-confirm').hidden = true;
  $('reply-confirm').textContent = '';
  $('keep-writing').hidden = true;
}

/** Seals a reply or the standard acknowledgement (to the worker's mailbox and the case's readers) or a note (to readers of my role). */
async function sendMessage(action: 'reply' | 'note' | 'acknowledgement', refresh: Refresh) {
  const detail = state.openDetail;
  if (!state.openCaseId || !detail || sending) return;
  const standard = action === 'acknowledgement' ? action : undefined;
  const kind = standard ? 'reply' : (action as 'reply' | 'note');
  const field = $<HTMLTextAreaElement>(kind === 'reply' ? 'reply' : 'note');
  // The acknowledgement's words are the standard ones (the worker's page shows its own translation); the reply box keeps what is typed.
  const text = standard ? msg('console.standard_acknowledgement') : field.value.trim();
  const status = $('message-status');
  if (!text) {
    status.textContent = msg('console.empty_text');
    return;
  }
  const c = detail.case;
  // A reply reaches the worker: the first press asks, on the same button, and the second sends.
  if (kind === 'reply' && !standard && armedReply !== text) {
    armedReply = text;
    $('send-reply').textContent = msg('console.confirm_reply');
    $('reply-confirm').textContent = msg('console.confirm_reply_hint');
    $('reply-confirm').hidden = false;
    $('keep-writing').hidden = false;
    status.textContent = '';
    return;
  }
  if (!pendingMessage || pendingMessage.caseId !== c.id || pendingMessage.kind !== action || pendingMessage.text !== text) {
    try {
      const body = sealCaseMessage(state.s, state.keys!, detail, state.openTrust!, kind, text, lang, standard ? { standard } : {});
      pendingMessage = { caseId: c.id, kind: action, text, body };
    } catch (error) {
      status.textContent = error instanceof ApiProblem ? error.message : msg('errors.unavailable');
      return;
    }
  }
  const buttons = [$<HTMLButtonElement>('send-reply'), $<HTMLButtonElement>('add-note'), $<HTMLButtonElement>('send-ack')];
  sending = true;
  buttons.forEach((b) => (b.disabled = true));
  try {
    await api(`/cases/${c.id}/messages`, pendingMessage.body);
    pendingMessage = undefined;
    if (!standard) field.value = '';
    if (kind === 'reply' && !standard) disarmReply();
    await refresh(c.id);
    status.textContent = msg(standard ? 'console.acknowledgement_sent' : kind === 'reply' ? 'console.reply_sent' : 'console.note_saved', {
      who: noteReaders(state.reader!.role),
    });
  } catch (error) {
    status.textContent = error instanceof ApiProblem ? error.message : msg('errors.network');
  } finally {
    sending = false;
    buttons.forEach((b) => (b.disabled = false));
    (standard ? $('reply') : field).focus(); // a disabled button loses focus; the text box is where the reader goes on
  }
}
