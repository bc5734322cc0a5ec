/**
 * @module Leaving an open case with an unsent reply or note: the first press on "Volver a la lista"
 * says so beside that button and turns it into "Salir sin enviar"; the second leaves. Leaving empties
 * both boxes, so a text written for one case never shows up, ready to send, on another.
 */
import { $, msg } from './page';
import { disarmReply } from './console-compose';

let armed = false;

const boxes = () => [
  { box: $<HTMLTextAreaElement>('reply'), what: 'console.draft_reply' },
  { box: $<HTMLTextAreaElement>('note'), what: 'console.draft_note' },
];

function disarm() {
  armed = false;
  $('back').textContent = msg('console.back');
  $('leave-warning').hidden = true;
  $('leave-warning').textContent = '';
}

/** Empties the reply and note boxes and forgets any question asked about them. */
export function clearDrafts() {
  for (const { box } of boxes()) box.value = '';
  disarmReply();
  disarm();
}

/** Leaves the case with `leave`, unless a text is unsent and the reader has not yet been told. */
export function leaveCase(leave: () => void) {
  const unsent = boxes().filter(({ box }) => box.value.trim() !== '');
  if (unsent.length && !armed) {
    armed = true;
    $('back').textContent = msg('console.leave_draft');
    $('leave-warning').textContent = msg('console.leave_draft_hint', { what: unsent.map(({ what }) => msg(what)).join(', ') });
    $('leave-warning').hidden = false;
    return;
  }
  clearDrafts();
  leave();
}

/** Typing again after the warning means the reader stayed: the next press asks again. */
export function wireDrafts() {
  for (const { box } of boxes()) box.addEventListener('input', () => armed && disarm());
}
