/**
 * Every file the README tells someone to write that holds a secret or a case (a passphrase, the
 * administrator file, a recovery card, reader cards, decrypted cases) is git-ignored by its name, so
 * a `git add .` in the checkout never commits it; and the README says to delete the old passphrase
 * once a handover is done.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');

/** The files the README's commands read secrets from or write them to, placeholders filled in. */
const named = [
  ...new Set(
    [
      ...readme.matchAll(/--(?:passphrase-file|recovery-file|card|admin) ([A-Za-z0-9<>._-]+)/g),
      ...readme.matchAll(/npm run keys -- [^\n`]*?--out ([A-Za-z0-9<>._-]+)/g),
      // decrypt --out names a folder: a file in it is what must never be committed.
      ...[...readme.matchAll(/npm run decrypt -- [^\n`]*?--out ([A-Za-z0-9<>._-]+)/g)].map((m) => [m[0], `${m[1]}/caso.txt`]),
    ]
      .map((m) => m[1]!.replace(/<[^>]+>/g, 'x'))
      .filter((f) => !/^(FILE|DIR|CARD)(\/|$)/.test(f)),
  ),
];

const ignored = (file: string) => {
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', file]);
    return true;
  } catch {
    return false;
  }
};

describe('secret files the README names', () => {
  it('should find the passphrase, administrator, recovery, card and case files', () => {
    expect(new Set(named)).toEqual(
      new Set(['.demo-monitor.txt', 'old.txt', 'admin.txt', 'ana.card.json', 'gto.card.json', 'casos/caso.txt', 'recovery-x.txt', 'recovery-silao.txt']),
    );
  });

  it.each(named)('should git-ignore %s', (file) => {
    expect(ignored(file)).toBe(true);
  });

  it('should tell the administrator to delete the old passphrase file after a handover', () => {
    expect(readme).toMatch(/delete `old\.txt`/);
  });
});
