/**
 * The deploy check's budgets (scripts/lib/budgets.ts, scripts/check-deploy.ts): a figure past its
 * budget fails the check and every figure is printed against its budget; and the page weight counts
 * what a browser downloads before a page can be used, the wasm a bundle fetches included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUDGETS, judge } from '../../scripts/lib/budgets';
import { gzipBytes, pageDownloads, totalGzip } from '../../scripts/lib/page-weight';

describe('the deploy budgets', () => {
  it('should pass when every figure is within its budget, printing each against it', () => {
    const { lines, over } = judge({ 'a raw': 100, 'b gzip': 50 }, { 'a raw': 100, 'b gzip': 60 });
    expect(over).toBe(0);
    expect(lines).toEqual(['budget ok   a raw: 100 B of 100 B (100.0%)', 'budget ok   b gzip: 50 B of 60 B (83.3%)']);
  });

  it('should fail when one figure passes its budget by a byte, and name it', () => {
    const { lines, over } = judge({ 'a raw': 101, 'b gzip': 50 }, { 'a raw': 100, 'b gzip': 60 });
    expect(over).toBe(1);
    expect(lines[0]).toBe('budget OVER a raw: 101 B of 100 B (101.0%)');
  });

  it('should fail when a figure could not be measured rather than pass it unseen', () => {
    const { lines, over } = judge({ 'a raw': Infinity }, { 'a raw': 100, 'b gzip': 60 });
    expect(over).toBe(2);
    expect(lines[1]).toBe('budget OVER b gzip: not measured B of 60 B');
  });

  it("should budget the Worker, the form, the follow-up page and the console's first load", () => {
    expect(Object.keys(BUDGETS)).toEqual([
      'worker index.js raw',
      'worker upload gzip',
      'form first load gzip',
      'follow-up first load gzip',
      'console first load gzip',
    ]);
    // The target for the form (130 KB gzip) is not met yet (README); the budget stays near what is reached.
    expect(BUDGETS['form first load gzip']).toBeLessThanOrEqual(140_000);
    // The Worker's 0.8 MB target is not met either (README): 812,586 B once the 2026-12-08 merges landed.
    expect(BUDGETS['worker index.js raw']).toBeLessThanOrEqual(820_000);
  });
});

describe('the page weight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'buzon-weight-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should count the page, its pinned scripts and stylesheets, and the wasm a script fetches as it starts, once each', () => {
    const wasm = new Uint8Array(5000).map((_, i) => (i * 7919) % 251);
    writeFileSync(join(dir, 'app.js'), 'const w={url:"/assets/lib-abc.wasm",integrity:"sha384-x"};fetch(w.url)');
    writeFileSync(join(dir, 'other.js'), 'const w={url:"/assets/lib-abc.wasm"}');
    writeFileSync(join(dir, 'lazy.js'), 'export {}');
    writeFileSync(join(dir, 'lib-abc.wasm'), wasm);
    writeFileSync(join(dir, 'style.css'), 'p{color:red}');
    const html =
      '<!DOCTYPE html><html><head><link rel="stylesheet" href="/assets/style.css" integrity="sha384-a"/>' +
      '<script type="module" src="/assets/app.js" integrity="sha384-b"></script><script type="module" src="/assets/other.js" integrity="sha384-c"></script></head><body></body></html>';
    const list = pageDownloads('/page', html, dir);
    expect(list.map((d) => d.path)).toEqual(['/page', '/assets/style.css', '/assets/app.js', '/assets/lib-abc.wasm', '/assets/other.js']);
    expect(list.find((d) => d.path.endsWith('.wasm'))).toEqual({ path: '/assets/lib-abc.wasm', raw: 5000, gzip: gzipBytes(wasm) });
    expect(totalGzip(list)).toBe(list.reduce((n, d) => n + d.gzip, 0));
  });
});
