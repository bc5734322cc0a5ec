import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, SEND_TO, WHEN } from '../../src/domain/report';

type Tree = { [k: string]: string | Tree };
const load = (lang: string) => JSON.parse(readFileSync(`locales/${lang}.json`, 'utf8')) as Tree;
const flat = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flat(v, `${prefix}${k}.`)))),
  );
const es = flat(load('es'));
const en = flat(load('en'));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('locales', () => {
  it('should have every Spanish key in English and every English key in Spanish', () => {
    expect(Object.keys(en).filter((k) => !(k in es))).toEqual([]);
    expect(Object.keys(es).filter((k) => !(k in en))).toEqual([]);
  });

  it('should have no empty string and the same placeholders in both languages', () => {
    for (const key of Object.keys(es)) {
      expect(es[key]!.trim(), key).not.toBe('');
      expect(en[key]!.trim(), key).not.toBe('');
      expect(placeholders(en[key]!), key).toEqual(placeholders(es[key]!));
    }
  });

  it('should label every category, time and reader choice with a one-line help', () => {
    for (const code of CATEGORIES) for (const part of ['label', 'help']) expect(es[`categories.${code}.${part}`], code).toBeTruthy();
    for (const code of WHEN) expect(es[`when.${code}`]).toBeTruthy();
    for (const code of SEND_TO) expect(es[`send_to.${code}.label`]).toBeTruthy();
  });

  it('should define every key the code asks for', () => {
    const used = new Set<string>();
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-z_]+(?:\.[a-z_]+)+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/^\s*'((?:form|errors|receipt|intro|nav|meta)\.[a-z_]+)',?$/gm)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((k) => !(k in es))).toEqual([]);
  });
});
