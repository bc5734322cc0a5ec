/**
 * @module How long turning hostile HTML mail into text takes (src/email/html-text.ts): thousands
 * of unclosed comments, styles, links and tags, each about as big as a real message. Prints figures.
 *
 *   npx tsx bench/mail-html.ts      (or: npm run bench -- mail)
 */
import { pathToFileURL } from 'node:url';
import { htmlToText } from '../src/email/html-text';

export function mailHtmlBench(repeat = 50_000) {
  console.log(`\n## HTML mail to text, hostile shapes (${repeat.toLocaleString('en')} repetitions each)`);
  const cases: Array<[string, string]> = [
    ['unclosed comments "<!--x"', '<!--x'.repeat(repeat)],
    ['unclosed styles "<style>a"', '<style>a'.repeat(repeat)],
    ['unclosed links \'<a href="x">y\'', '<a href="x">y'.repeat(repeat)],
    ['unfinished tags "<p"', '<p'.repeat(repeat)],
    ['lone "<" in text "a < b "', 'a < b '.repeat(repeat) + '<p>fin</p>'],
    ['an ordinary table row', '<tr><td>Nombre</td><td>Turno &amp; área</td></tr>'.repeat(repeat / 10)],
  ];
  for (const [name, html] of cases) {
    const t0 = performance.now();
    htmlToText(html);
    console.log(`${name}: ${(html.length / 1024).toFixed(0)} KiB in ${(performance.now() - t0).toFixed(1)} ms`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) mailHtmlBench();
