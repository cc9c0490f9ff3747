#!/usr/bin/env node
/**
 * The README's screenshot of the browser runner: starts `coordattn serve` (built CLI) on a model,
 * opens the page in headless Chromium (Debian's chromium, the flags of the browser tests), waits
 * for `#status[data-state]` to leave "running", and writes a full-page PNG.
 *
 *   npm run build && node tools/screenshot-runner.mjs [--out docs/images/runner.png] [-- serve args]
 *
 * Default model: mobilenetv2 --attention ca --resolution 32 --width 0.35 (about two minutes, most
 * of it SwiftShader compiling shaders). The report page's screenshot comes from its browser test
 * (COORDATTN_UPDATE_SCREENSHOTS=1, packages/web/src/report/report.browser.test.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const out = outAt >= 0 ? argv[outAt + 1] : join(root, 'docs/images/runner.png');
const dash = argv.indexOf('--');
const model =
  dash >= 0
    ? argv.slice(dash + 1)
    : ['mobilenetv2', '--attention', 'ca', '--resolution', '32', '--width', '0.35'];

const server = spawn(join(root, 'node_modules/.bin/coordattn'), ['serve', ...model, '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let text = '';
  server.stdout.on('data', (d) => {
    text += d;
    const m = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(text);
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`coordattn serve exited ${code}: ${text}`)));
});
const profile = mkdtempSync(join(tmpdir(), 'coordattn-shot-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.COORDATTN_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'],
  viewport: { width: 1280, height: 900 },
  deviceScaleFactor: 1,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.waitForSelector('#status[data-state="pass"], #status[data-state="fail"]', { timeout: 600_000 });
  const state = await page.getAttribute('#status', 'data-state');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`${out}: ${url} finished with data-state=${state}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  server.kill('SIGINT');
}
