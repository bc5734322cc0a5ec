/**
 * @module Signing in and out of the console, and every call to its API. The passphrase becomes
 * keys here (Argon2id) and the keys sign the sign-in challenge; the private keys are zeroed on
 * sign-out and when the server says the session has ended (401).
 */
import { deriveRecipientKeys, fromB64, signinMessage, signProof, toB64 } from '../crypto';
import { $, ApiProblem, leaveTo, msg, requestJson, showErrors } from './page';
import { forgetWords } from './console-tools';
import { lang, state } from './console-state';
import type { SignedIn, SigninChallenge } from '../contract/console-responses';

/**
 * A console API call. A session that has ended (key retired, 8 h idle, 12 h since sign-in) wipes
 * the keys from page memory and returns to the sign-in form, which says why; the call then never
 * settles, since the page it would go on in is gone.
 */
export async function api<T>(path: string, body?: unknown): Promise<T> {
  try {
    return await requestJson<T>(`/console/api${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, { body, token: state.token });
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401 && path !== '/signout') {
      forgetKeys();
      leaveTo(`/console?lang=${lang}&fin=1`);
      // The page is being replaced by the sign-in form, which says why: nothing here goes on, and no caller is left with an error nobody catches.
      return new Promise<never>(() => undefined);
    }
    throw error;
  }
}

function forgetKeys() {
  if (state.keys) {
    state.s.memzero(state.keys.box.privateKey);
    state.s.memzero(state.keys.sign.privateKey);
  }
  state.keys = undefined;
  state.token = '';
  forgetWords(true);
}

/**
 * Signs in with the typed key name and passphrase, then `enter`s the console; whatever fails on
 * the way (sign-in or the first list) is said under the sign-in form.
 */
export async function signIn(enter: () => Promise<void>) {
  const box = $('signin-errors');
  const signinButton = $<HTMLButtonElement>('signin-button');
  // A pasted name may carry spaces or capitals; anything else that is not a name gets the one answer for a failed sign-in.
  const keyId = $<HTMLInputElement>('key-id').value.replace(/\s+/g, '').toLowerCase();
  const passField = $<HTMLInputElement>('passphrase');
  const s = state.s;
  showErrors(box, []);
  if (!/^[0-9a-f]{16}$/.test(keyId)) {
    showErrors(box, [msg('console.wrong_passphrase')]);
    return;
  }
  signinButton.disabled = true;
  $('signin-status').textContent = msg('console.signing_in');
  try {
    const { challenge, kdf } = await requestJson<SigninChallenge>(
      `/console/api/signin/challenge?lang=${lang}`,
      { body: { keyId } },
    );
    const derived = deriveRecipientKeys(s, passField.value, { salt: fromB64(s, kdf.salt), opsLimit: kdf.ops, memLimit: kdf.mem });
    if (derived.keyId !== keyId) {
      showErrors(box, [msg('console.wrong_passphrase')]);
      return;
    }
    const signature = signProof(s, signinMessage(location.origin, challenge), derived.sign.privateKey);
    const res = await requestJson<SignedIn>(`/console/api/signin?lang=${lang}`, {
      body: { keyId, challenge, signature: toB64(s, signature) },
    });
    state.keys = derived;
    state.token = res.token;
    state.reader = res.reader;
    passField.value = '';
    await enter();
  } catch (error) {
    showErrors(box, [error instanceof ApiProblem ? error.message : msg('errors.network')]);
  } finally {
    signinButton.disabled = false;
    $('signin-status').textContent = '';
  }
}

export async function signOut() {
  try {
    await api('/signout', {});
  } finally {
    forgetKeys();
    leaveTo(`/console?lang=${lang}`);
  }
}
