/**
 * @module The readers' console, wired: sign-in and session (console-session.ts), the case list
 * (console-cases.ts), one case (console-case-view.ts), its triage and hold (console-triage.ts), and
 * replies and notes (console-compose.ts), around one state object (console-state.ts). Private keys
 * and the session token live only in this page's memory; decrypted text is only ever set as text.
 */
import sodium from 'libsodium-wrappers-sumo';
import type { Sodium } from '../crypto';
import { $, msg, showErrors } from './page';
import { initShare } from './console-share';
import { wireConsoleTools } from './console-tools';
import { api, signIn, signOut } from './console-session';
import { enterConsole, loadList, showList } from './console-cases';
import { showCase } from './console-case-view';
import { wireTriage } from './console-triage';
import { wireCompose } from './console-compose';
import { state } from './console-state';
import { leaveCase, wireDrafts } from './console-draft';

start().catch(() => showErrors($('signin-errors'), [msg('errors.unavailable')]));

async function start() {
  await sodium.ready;
  state.s = sodium as unknown as Sodium;
  const signinButton = $<HTMLButtonElement>('signin-button');
  signinButton.disabled = false;
  signinButton.textContent = msg('console.signin');
  if (new URLSearchParams(location.search).has('fin')) showErrors($('signin-errors'), [msg('errors.unauthenticated')]);
  $<HTMLFormElement>('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn(enterConsole);
  });
  $('signout').addEventListener('click', () => void signOut());
  $<HTMLFormElement>('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadList(true);
  });
  $('more').addEventListener('click', () => void loadList(false));
  $('back').addEventListener('click', () => leaveCase(showList));
  wireDrafts();
  wireConsoleTools(() => state.token !== '');
  const refresh = (id: string) => showCase(id, false);
  wireTriage(refresh);
  wireCompose(refresh);
  initShare((path, body) => api(path, body));
}
