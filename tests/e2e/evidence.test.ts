/**
 * Evidence on a phone, in real Chromium against real wrangler dev: photos lose their hidden data
 * before encryption, files round-trip byte for byte, an interrupted upload resumes, the progress
 * bar shows on a slow line, and the poster's QR code reads back to the facility's link.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import exifr from 'exifr';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, phoneContext } from '../../scripts/lib/browser';
import { releaseNow } from '../../scripts/lib/dev-server';
import { openLocalPlatform } from '../../scripts/lib/local-platform';

const base = inject('baseUrl');
const stateDir = inject('stateDir');
const PHOTO = 'tests/fixtures/photo-with-gps.jpg';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** A short mono WAV of a tone: big enough (≈600 KB) to need three upload chunks. */
function wav(seconds = 6.8, rate = 44_100): Buffer {
  const samples = Math.floor(seconds * rate);
  const b = Buffer.alloc(44 + samples * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return b;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ actionTimeoutMs: 60_000 });
});
afterAll(async () => browser?.close());

async function fillReport(page: Page, marker: string, files: Array<{ name: string; mimeType: string; buffer: Buffer }>) {
  await page.goto(`${base}/f/demo`);
  await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
  await page.setInputFiles('#files', files);
  await page.waitForFunction((n) => document.querySelectorAll('#attachment-list li').length === n, files.length, { timeout: 60_000 });
  await page.check('#cat-intimidation');
  await page.check('#when-this_week');
  await page.fill('#description', marker);
  await page.check('#send-to-monitor');
}

async function monitorOpens(context: BrowserContext, marker: string): Promise<Page> {
  await releaseNow(stateDir); // readers see a report only once its batch is released
  const [passphrase, , keyId] = (await readFile(join(stateDir, '.demo-monitor.txt'), 'utf8')).trim().split('\n');
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.waitForFunction(() => !(document.getElementById('signin-button') as HTMLButtonElement).disabled);
  await page.fill('#key-id', keyId!.trim());
  await page.fill('#passphrase', passphrase!.trim());
  await page.click('#signin-button');
  await page.waitForSelector('#cases tbody tr');
  await page.locator('#cases tbody tr', { hasText: marker }).locator('button').click();
  await page.waitForSelector('#case-attachments li');
  return page;
}

/** Opens one attachment in the console and saves what the monitor would download, with the name it is saved under. */
async function downloadNamed(page: Page, index: number): Promise<{ name: string; bytes: Buffer }> {
  const item = page.locator('#case-attachments li').nth(index);
  await item.locator('button').click();
  const link = item.locator('a[download]');
  await link.waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
}

/** A phone screenshot's exact size (1179 × 2556 is an iPhone): bands of colour, so it stays small as a PNG. */
function screenshot(width = 1179, height = 2556): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = (y >> 5) % 2 ? 30 : 220;
      png.data[i + 1] = (x >> 6) % 2 ? 90 : 160;
      png.data[i + 2] = 120;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

const LONG_SIDES = [1280, 1920, 2560];
const fromTheSet = (w: number, h: number) => LONG_SIDES.includes(Math.max(w, h)) && Math.min(w, h) % 160 === 0;

describe('evidence attachments', () => {
  it('should strip EXIF and GPS from a photo before it leaves the phone, and round-trip PDF and audio byte for byte', async () => {
    const original = await readFile(PHOTO);
    expect((await exifr.gps(original))?.latitude).toBeCloseTo(20.94, 1); // the fixture really has GPS
    const audio = wav();
    const shot = screenshot();
    expect(PNG.sync.read(shot)).toMatchObject({ width: 1179, height: 2556 });
    const marker = `Evidencia${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const page = await phone.newPage();
    // The names a phone gives files: capture time, phone and app, all of it gone before sending.
    await fillReport(page, marker, [
      { name: 'IMG_20260301_143522.jpg', mimeType: 'image/jpeg', buffer: original },
      { name: 'Screenshot_20260302-091544_WhatsApp.png', mimeType: 'image/png', buffer: shot },
      { name: 'PXL_20260303_101010_reglamento.pdf', mimeType: 'application/pdf', buffer: PDF },
      { name: 'Grabacion_20260304_180000.wav', mimeType: 'audio/wav', buffer: audio },
    ]);
    // The preview is exactly what will be sent: a re-encoded image at a fixed size, under a neutral name.
    const previews = await page.locator('#attachment-list img').evaluateAll((imgs: HTMLImageElement[]) =>
      Promise.all(imgs.map(async (img) => (await img.decode(), { w: img.naturalWidth, h: img.naturalHeight, alt: img.alt }))),
    );
    expect(previews.map(({ w, h }) => [w, h])).toEqual([
      [1280, 960], // 640 × 480, scaled up to the smallest long side
      [960, 1920], // 1179 × 2556: the long side down to 1920, the short side to a multiple of 160
    ]);
    expect(previews.map((p) => p.alt)).toEqual(['Así se enviará: foto-1.jpg', 'Así se enviará: foto-2.png']);
    const names = await page.locator('#attachment-list .name').allTextContents();
    expect(names.map((n) => n.split(' · ')[0])).toEqual(['foto-1.jpg', 'foto-2.png', 'documento-1.pdf', 'audio-1.wav']);
    const listed = (await page.textContent('#attachment-list'))!;
    for (const trace of ['IMG_', '2026', 'Screenshot', 'WhatsApp', 'PXL', 'Grabacion', 'reglamento']) expect(listed).not.toContain(trace);
    expect(listed).toContain('No podemos quitar los datos escondidos');
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 90_000 });

    const laptop = await browser.newContext({ acceptDownloads: true, locale: 'es-MX' });
    const console_ = await monitorOpens(laptop, marker);
    // What the monitor decrypts: neutral names, and dimensions from the fixed set.
    const shown = (await console_.locator('#case-attachments .name').allTextContents()).map((n) => n.split(' · ')[0]);
    expect(shown).toEqual(['foto-1.jpg', 'foto-2.png', 'documento-1.pdf', 'audio-1.wav']);
    const photo = await downloadNamed(console_, 0);
    expect(photo.name).toBe('foto-1.jpg');
    expect(photo.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(await exifr.parse(photo.bytes, { tiff: true, gps: true, exif: true, xmp: true, iptc: true })).toBeUndefined();
    expect(photo.bytes.includes('FX-1000')).toBe(false);
    expect(photo.bytes.includes('Exif')).toBe(false);
    const shotOut = await downloadNamed(console_, 1);
    expect(shotOut.name).toBe('foto-2.png');
    const decoded = PNG.sync.read(shotOut.bytes);
    expect([decoded.width, decoded.height]).toEqual([960, 1920]);
    const seen = await console_.locator('#case-attachments li img').evaluateAll((imgs: HTMLImageElement[]) =>
      Promise.all(imgs.map(async (img) => (await img.decode(), [img.naturalWidth, img.naturalHeight] as const))),
    );
    expect(seen).toEqual([
      [1280, 960],
      [960, 1920],
    ]);
    for (const [w, h] of seen) expect(fromTheSet(w, h)).toBe(true);
    const pdf = await downloadNamed(console_, 2);
    expect(pdf.name).toBe('documento-1.pdf');
    expect(pdf.bytes.equals(PDF)).toBe(true);
    const sound = await downloadNamed(console_, 3);
    expect(sound.name).toBe('audio-1.wav');
    expect(sound.bytes.equals(audio)).toBe(true);
    expect(await console_.textContent('#case-attachments')).not.toMatch(/IMG_|Screenshot|WhatsApp|PXL|Grabacion|2026/);
    await phone.close();
    await laptop.close();

    // The same case from the terminal: readable text by default, and `--out` saves the files decrypted.
    const decrypt = async (...args: string[]) =>
      (await promisify(execFile)('npx', ['tsx', 'scripts/decrypt-reports.ts', '--passphrase-file', join(stateDir, '.demo-monitor.txt'), '--persist-to', stateDir, ...args])).stdout;
    const cases = (await decrypt('--json')).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const mine = cases.find((c) => String(c.report.description).includes(marker));
    expect(mine.thread).toEqual([]);
    const out = await mkdtemp(join(tmpdir(), 'buzon-decrypt-'));
    const text = await decrypt('--report', mine.id, '--out', out);
    expect(text).toContain(`Caso ${mine.id}`);
    expect(text).toContain(`Qué pasó:\n${mine.report.description}`);
    expect(text).toContain('Archivos adjuntos: foto-1.jpg, foto-2.png, documento-1.pdf, audio-1.wav');
    expect(text).not.toContain('{');
    expect((await readdir(join(out, mine.id))).sort()).toEqual(['audio-1.wav', 'documento-1.pdf', 'foto-1.jpg', 'foto-2.png']);
    expect((await readFile(join(out, mine.id, 'documento-1.pdf'))).equals(PDF)).toBe(true);
    expect((await readFile(join(out, mine.id, 'audio-1.wav'))).equals(audio)).toBe(true);
    expect((await readFile(join(out, mine.id, 'foto-1.jpg'))).equals(photo.bytes)).toBe(true);
  });

  it('should resume an interrupted upload without starting over or storing a chunk twice', async () => {
    const marker = `Reanuda${Date.now().toString(36)}`;
    const phone = await phoneContext(browser);
    const page = await phone.newPage();
    const puts: string[] = [];
    let failed = false;
    await page.route('**/attachments/*/chunks/1?*', async (route) => {
      if (!failed) {
        failed = true;
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    page.on('request', (r) => r.method() === 'PUT' && puts.push(new URL(r.url()).pathname));
    await fillReport(page, marker, [{ name: 'junta.wav', mimeType: 'audio/wav', buffer: wav() }]);
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 90_000 });
    expect(failed).toBe(true);
    const count = (n: number) => puts.filter((p) => p.endsWith(`/chunks/${n}`)).length;
    // Chunk 1 is sent again alone; nothing before it is sent after it failed (no starting over).
    expect(count(1)).toBeGreaterThanOrEqual(2);
    expect(puts.slice(puts.findIndex((p) => p.endsWith('/chunks/1'))).some((p) => p.endsWith('/chunks/0'))).toBe(false);

    const reportId = puts[0]!.split('/')[3]!;
    const platform = await openLocalPlatform(stateDir);
    try {
      const { keys } = await platform.env.BLOBS.list({ prefix: `report/${reportId}/att/` });
      expect(keys).toHaveLength(3);
      // Every stored chunk, the last one too, is a whole 256 KiB chunk plus the 17-byte tag: the size tells only the count.
      const sizes = await Promise.all(keys.map(async (k) => (await platform.env.BLOBS.get(k.name, 'arrayBuffer'))!.byteLength));
      expect(sizes).toEqual([262_161, 262_161, 262_161]);
      const row = await platform.env.DB.prepare('SELECT chunks FROM attachments WHERE report_id = ?1').bind(reportId).first<{ chunks: number }>();
      expect(row?.chunks).toBe(3);
    } finally {
      await platform.dispose();
    }
    await phone.close();
  });

  it('should show upload progress on a slow phone connection', async () => {
    const phone = await phoneContext(browser);
    const page = await phone.newPage();
    const cdp = await phone.newCDPSession(page);
    await fillReport(page, `Lento${Date.now().toString(36)}`, [{ name: 'junta.wav', mimeType: 'audio/wav', buffer: wav() }]);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 562.5, downloadThroughput: 188_000, uploadThroughput: 84_000 });
    await page.tap('#send');
    await page.waitForFunction(() => {
      const bar = document.getElementById('upload-progress') as HTMLProgressElement;
      return !bar.hidden && bar.value > 0 && bar.value < 100;
    }, null, { timeout: 90_000 });
    expect(await page.textContent('#upload-label')).toMatch(/Subiendo archivos: \d+%/);
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 150_000 });
    await phone.close();
  });
});

describe('posters and a phone that keeps no trace', () => {
  it('should print a poster whose QR code reads back to the facility link', async () => {
    const page = await browser.newPage({ viewport: { width: 816, height: 1056 }, deviceScaleFactor: 2 });
    await page.goto(`${base}/f/demo/cartel`);
    const link = (await page.locator('.poster-es .poster-link strong').first().textContent())!;
    expect(link).toMatch(/\/f\/demo$/);
    expect(await page.textContent('.poster-es')).toContain('demo@');
    expect(await page.textContent('.poster-en')).toContain('Were you threatened');
    const png = PNG.sync.read(await page.locator('img.qr').screenshot());
    const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(code?.data).toBe(link);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.bar').isVisible()).toBe(false);
    await page.close();
  });

  it('should add no history entry, keep the code out of the URL, and offer a discreet title and the no-trace help', async () => {
    const phone = await phoneContext(browser);
    const page = await phone.newPage();
    await page.goto(`${base}/f/demo`);
    await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    const start = await page.evaluate(() => history.length);
    await page.check('#neutral-title');
    expect(await page.title()).toBe('Clima de hoy');
    await page.uncheck('#neutral-title');
    expect(await page.title()).toContain('Buzón');
    await page.check('#cat-other');
    await page.check('#when-earlier');
    await page.fill('#description', 'sin rastro');
    await page.check('#send-to-monitor');
    await page.tap('#send');
    await page.waitForSelector('#receipt:not([hidden])', { timeout: 60_000 });
    expect(await page.evaluate(() => history.length)).toBe(start);
    expect(page.url()).toBe(`${base}/f/demo`);
    for (const lang of ['es', 'en']) {
      await page.goto(`${base}/sin-rastro?lang=${lang}`);
      expect(await page.locator('ol.tips li').count()).toBe(8);
      expect(await page.locator('#quick-exit').count()).toBe(1);
    }
    await phone.close();
  });
});
