/**
 * @module What the running server keeps on disk, and where a receipt code must never appear.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Every file under the server's state directory with its bytes. The server is still running, so
 * a SQLite journal can vanish between listing and reading: such a file held nothing anymore.
 */
export async function stateFiles(dir: string): Promise<{ file: string; content: Buffer }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return stateFiles(path);
      const content = await readFile(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      return content ? [{ file: path, content }] : [];
    }),
  );
  return nested.flat();
}

/** Whether any group of the receipt code shows in the page's path, query or fragment. */
export function codeInUrl(url: string, code: string): boolean {
  const { pathname, search, hash } = new URL(url);
  const visible = decodeURIComponent(pathname + search + hash).toUpperCase();
  return code.split('-').some((group) => visible.includes(group)) || visible.includes(code.replaceAll('-', ''));
}
