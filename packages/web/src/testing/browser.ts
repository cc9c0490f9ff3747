/**
 * Headless Chromium for the browser tests (playwright-core driving Debian's `chromium` package; no
 * browser download). Where no Chromium is installed the tests are skipped with a warning, unless
 * COORDATTN_REQUIRE_BROWSER=1 (set by .ci/run), which makes a missing browser a failure.
 *
 * Flags (../shared/notes/toolchain.md §5): SwiftShader for WebGL2, and `--enable-unsafe-webgpu`,
 * without which headless Chromium has `navigator.gpu` but no adapter.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = [
  process.env.COORDATTN_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].filter((p): p is string => p !== undefined && p !== '');

/** The Chromium executable, or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

/** Whether the browser tests run here; warns (or throws under COORDATTN_REQUIRE_BROWSER=1) if not. */
export function browserAvailable(): boolean {
  if (chromiumPath() !== undefined) return true;
  const msg = `no Chromium found (tried ${CANDIDATES.join(', ')}): browser tests skipped; on Debian: apt-get install chromium`;
  if (process.env.COORDATTN_REQUIRE_BROWSER === '1')
    throw new Error(`COORDATTN_REQUIRE_BROWSER=1 but ${msg}`);
  console.warn(msg);
  return false;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console messages and page errors, for assertions and failure messages. */
  readonly log: string[];
  close(): Promise<void>;
}

/** A fresh headless Chromium with its own profile directory; `close()` removes it. */
export async function openBrowser(opts: { offline?: boolean } = {}): Promise<BrowserSession> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error('no Chromium installed (see browserAvailable)');
  const profile = mkdtempSync(join(tmpdir(), 'coordattn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    offline: opts.offline ?? false,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const log: string[] = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    log,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
