/**
 * @module The worker's proof for every mailbox API (the thread, answers, later files): a mailbox
 * challenge signed with the case mailbox key the receipt code derives. A wrong code and a case
 * that does not exist cost the same work, so the answer tells nothing about which it was.
 */
import { fromB64, mailboxMessage, verifyProof, type Sodium } from '../crypto';
import { verifyChallenge } from '../lib/challenge';
import { mexicoDay, nowSeconds, releaseClock } from '../lib/clock';
import type { AppEnv } from '../lib/http';
import { caseByMailbox, type MailboxCase } from '../storage/mailbox-cases';
import { spendNonce } from '../storage/spent-challenges';

/** Mailbox tokens carry no work and pay for nothing else (src/lib/challenge.ts). */
export const MAILBOX = { purpose: 'mailbox', facility: '*' } as const;

/** A fixed Ed25519 key no one holds: checking against it costs what checking a real one does. */
const DECOY_SIGN_PK = new Uint8Array(32).fill(7);

/** The case behind a signed request, or null: same queries and one signature check either way. */
export async function provenCase(
  env: AppEnv['Bindings'],
  s: Sodium,
  p: { mailboxId: string; challenge: string; signature: string },
  action: string,
): Promise<MailboxCase | null> {
  const check = verifyChallenge(s, env.POW_SECRET, p.challenge, nowSeconds(), MAILBOX);
  const row = await caseByMailbox(env.DB, p.mailboxId, releaseClock(env.RELEASE_HOURS).last);
  const signed = verifyProof(s, fromB64(s, p.signature), mailboxMessage(p.challenge, p.mailboxId, action), row ? fromB64(s, row.signPk) : DECOY_SIGN_PK);
  return check.ok && signed && row ? row : null;
}

/**
 * Spends the challenge of a proof already checked by provenCase, for the actions that change a
 * case (erasing it, answering): false when it was spent before, so a captured proof is good once.
 */
export async function spendProof(env: AppEnv['Bindings'], s: Sodium, challenge: string): Promise<boolean> {
  const spend = challengeToSpend(env, s, challenge);
  return spend !== null && spendNonce(env.DB, spend.nonce, spend.expiresDay);
}

/** A proven request's challenge, to spend it (an action that must not run twice): its nonce and the day it expires. */
export function challengeToSpend(env: AppEnv['Bindings'], s: Sodium, challenge: string): { nonce: string; expiresDay: string } | null {
  const check = verifyChallenge(s, env.POW_SECRET, challenge, nowSeconds(), MAILBOX);
  return check.ok ? { nonce: check.claims.nonce, expiresDay: mexicoDay(new Date(check.claims.expires * 1000)) } : null;
}
