/**
 * Issue 10's acceptance run: `coordattn serve mobilenetv2 --attention ca --resolution 96` (full
 * width, 306 kernels; the command's own code path, `startServe`, in-process) opened in headless
 * Chromium (SwiftShader for WebGL2 and WebGPU), every backend's verdict and the onnxruntime-web
 * ratios read from the page as a user sees them. About five minutes, most of it SwiftShader compiling
 * shaders, so it runs in CI (CI=true, as .ci/run sets) or with COORDATTN_BROWSER_ACCEPTANCE=1; the
 * runner's browser test (packages/web/src/runner/runner.browser.test.ts) covers a smaller model on
 * every run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { browserAvailable, openBrowser, type BrowserSession } from '../../web/src/testing/browser.js';
import type { Io } from './io.js';
import { startServe, type ServeHandle } from './serve.js';

const wanted = process.env.CI === 'true' || process.env.COORDATTN_BROWSER_ACCEPTANCE === '1';

let srv: ServeHandle | undefined;
let browser: BrowserSession | undefined;

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe.runIf(wanted && browserAvailable())(
  'coordattn serve mobilenetv2 --attention ca --resolution 96',
  () => {
    it('verifies on webgl2, webgpu and webasm in headless Chromium and shows the onnxruntime-web ratios', async () => {
      const io: Io = { out: () => undefined, err: () => undefined, cwd: process.cwd() };
      srv = await startServe('mobilenetv2', { attention: 'ca', resolution: '96' }, io);
      browser = await openBrowser();
      const page = browser.page;
      await page.goto(`${srv.url}?runs=3`);
      await page.waitForSelector('#status[data-state="pass"], #status[data-state="fail"]', {
        timeout: 900_000,
      });
      const rows = await page.$$eval('tr[data-backend], tr[data-peer]', (trs) =>
        trs.map((tr) => {
          // (no DOM lib in this package: the row's fields, structurally)
          const el = tr as unknown as {
            dataset: Record<string, string | undefined>;
            textContent: string | null;
          };
          return {
            key: el.dataset.backend ?? el.dataset.peer ?? '',
            peer: el.dataset.peer !== undefined,
            state: el.dataset.state ?? '',
            ms: Number(el.dataset.ms),
            text: el.textContent ?? '',
          };
        }),
      );
      const detail = `${JSON.stringify(rows, null, 1)}\n${browser.log.slice(-20).join('\n')}`;
      expect(await page.getAttribute('#status', 'data-state'), detail).toBe('pass');
      for (const backend of ['webgl2', 'webgpu', 'webasm']) {
        const r = rows.find((x) => !x.peer && x.key === backend);
        expect(r?.state, `${backend}\n${detail}`).toBe('pass');
        expect(r?.ms, backend).toBeGreaterThan(0);
        // The row shows its ratio to the peers ("N×").
        expect(r?.text, backend).toMatch(/\d×/);
      }
      const wasmPeer = rows.find((x) => x.peer && x.key === 'ort-wasm');
      expect(wasmPeer?.state, detail).toBe('pass');
      expect(wasmPeer?.ms).toBeGreaterThan(0);
    }, 1_000_000);
  },
);
