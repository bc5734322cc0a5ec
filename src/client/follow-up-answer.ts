/**
 * @module The worker's answer on the follow-up page: sealed to the case mailbox and to exactly the
 * readers the worker chose (as the administrator's signed list names them), sent once; a retry of
 * the same text and files resends the same bytes under the same id.
 */
import { listedRecipients, MAILBOX_SIGNER, sealSignedMessage, toB64, type MailboxKeys, type ReaderList, type Sodium } from '../crypto';
import { rolesFor, type SendTo } from '../domain/report';
import type { MailboxThread, MessageStored } from '../contract/responses';
import { servedAsSigned } from './admin-key';
import type { PendingUpload } from './evidence-upload';
import type { laterFiles } from './follow-up-files';
import { $, ApiProblem, msg, requestJson, showErrors } from './page';

type Proof = (action: string) => Promise<{ mailboxId: string; challenge: string; signature: string }>;

/** What the answer needs of the open case; all undefined or null once it is closed. */
export interface OpenCase {
  thread: () => MailboxThread | undefined;
  mailbox: () => MailboxKeys | undefined;
  readerList: () => ReaderList | null;
  /** Who the worker chose, as they sealed it (src/client/follow-up-sent.ts, chosenSendTo). */
  chosen: () => SendTo | null;
  files: () => ReturnType<typeof laterFiles> | undefined;
  /** Reads the thread again once the answer is stored. */
  reload: () => Promise<void>;
}

/** Wires "Enviar respuesta"; `forget` drops an unsent answer's sealed bytes when the case closes. */
export function caseAnswer(s: Sodium, lang: 'es' | 'en', proof: Proof, open: OpenCase) {
  /** The answer being sent: a retry of the same text resends these same bytes under the same id. */
  let pending: { source: string; id: string; message: unknown; uploads: PendingUpload[] } | undefined;

  /** The case's readers from the signed list, if the server's keys are exactly those; else nothing is sent. */
  function answerReaders(thread: MailboxThread) {
    // A row widened to "both" must not let the worker's answer reach a reader they did not choose.
    const chosen = open.chosen();
    const readerList = open.readerList();
    const recipients = readerList && chosen ? listedRecipients(s, readerList, rolesFor(chosen)) : [];
    if (!readerList || !chosen || !servedAsSigned(thread.sealTo, recipients)) throw new ApiProblem(msg('errors.readers_unverified'), 0, 'readers_unverified');
    return recipients;
  }

  /** Seals the answer to the case mailbox and the case's readers, then sends it once (retries reuse the id). */
  async function sendAnswer() {
    const field = $<HTMLTextAreaElement>('answer');
    const box = $('answer-errors');
    const text = field.value.trim();
    if (!text) {
      showErrors(box, [msg('followup.answer_required')]);
      return;
    }
    const current = open.thread();
    const mailbox = open.mailbox();
    const files = open.files();
    if (!current || !mailbox) return;
    showErrors(box, []);
    const button = $<HTMLButtonElement>('send-answer');
    button.disabled = true;
    $('answer-status').textContent = msg('followup.sending');
    try {
      // The text and the chosen files: a change seals a new answer, a retry resends the same one.
      const source = JSON.stringify([text, files?.ids() ?? []]);
      if (pending?.source !== source) {
        const id = s.to_hex(s.randombytes_buf(16));
        const recipients = [{ keyId: MAILBOX_SIGNER, boxPublicKey: mailbox.box.publicKey }, ...answerReaders(current)];
        const place = { reportId: current.case.id, messageId: id, facilityId: current.case.facilityId, kind: 'answer' as const, author: 'worker' as const };
        // Each file's key goes inside the signed answer; only ids and chunk counts go in clear.
        const { attachments, uploads } = files?.seal(current.case.id) ?? { attachments: [], uploads: [] };
        const envelope = sealSignedMessage(s, { text, lang, attachments }, place, { id: MAILBOX_SIGNER, signPrivateKey: mailbox.sign.privateKey }, recipients);
        const named = uploads.length ? { attachments: uploads.map((u) => ({ id: u.id, chunks: u.chunks.length })) } : {};
        pending = {
          source,
          id,
          uploads,
          message: {
            id,
            envelope: { body: toB64(s, envelope.body), keys: envelope.keys.map((k) => ({ keyId: k.keyId, sealed: toB64(s, k.sealed) })) },
            ...named,
          },
        };
      }
      const { id, message } = pending;
      await files?.upload(pending.uploads);
      await requestJson<MessageStored>(`/api/mailbox/messages?lang=${lang}`, { body: { ...(await proof(`answer:${id}`)), message } });
      pending = undefined;
      field.value = '';
      files?.clear();
      $('answer-status').textContent = msg('followup.answer_sent');
      await open.reload();
      field.focus(); // the disabled button lost focus; the status line above announces the sending
    } catch (error) {
      $('answer-status').textContent = '';
      showErrors(box, [error instanceof ApiProblem ? error.message : msg('followup.network_answer')]);
    } finally {
      button.disabled = false;
    }
  }

  $('send-answer').addEventListener('click', () => void sendAnswer());
  return { forget: () => (pending = undefined) };
}
