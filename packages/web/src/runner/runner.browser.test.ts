/**
 * The kernel runner page in headless Chromium (SwiftShader for WebGL2 and WebGPU): the server of
 * `coordattn serve` in-process, the page opened, its verdict read from the same elements a user
 * sees. MobileNetV2 + CA at 32×32, width 0.35 (209 kernels; building every shader twice on
 * SwiftShader is most of the ~1.5 min), then an .onnx and an .npy chosen through the drop zone's
 * file input. Needs the built page (`npm run build` in packages/web; Nx's test target depends on
 * build).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXPECTED_BACKEND } from '@coordattn/codegen/core';
import { buildBackbone } from '@coordattn/ir';
import { initWeights } from '@coordattn/reference';
import {
  fileTable,
  modelEntries,
  ortWebDist,
  prepareModel,
  runnerBundle,
  startServer,
  type RunningServer,
} from '../serve.js';
import { browserAvailable, openBrowser, type BrowserSession } from '../testing/browser.js';
import { PAGE_BACKENDS, PEERS } from './rows.js';

const ONNX = new URL('../../../onnx/test-data/ca_c32_h14_w12.onnx', import.meta.url);
const NPY = new URL('../../../onnx/test-data/ca_c32_h14_w12.input.npy', import.meta.url);
const DONE = '#status[data-state="pass"], #status[data-state="fail"]';

interface Row {
  readonly key: string;
  readonly state: string;
  readonly ran: string;
  readonly ms: string;
  readonly note: string;
}

async function rows(b: BrowserSession, attr: 'backend' | 'peer'): Promise<Row[]> {
  return b.page.$$eval(
    `tr[data-${attr}]`,
    (trs, a) =>
      trs.map((tr) => {
        const el = tr as HTMLTableRowElement;
        return {
          key: el.dataset[a] ?? '',
          state: el.dataset.state ?? '',
          ran: el.dataset.ran ?? '',
          ms: el.dataset.ms ?? '',
          note: el.querySelector('td.note')?.textContent ?? '',
        };
      }),
    attr,
  );
}

describe.skipIf(!browserAvailable())('coordattn serve: the runner page in headless Chromium', () => {
  let srv: RunningServer;
  let b: BrowserSession;

  beforeAll(async () => {
    if (!existsSync(runnerBundle()))
      throw new Error(`${runnerBundle()} is missing: npm run build in packages/web`);
    const graph = buildBackbone('mobilenetv2', {
      attention: { kind: 'ca' },
      height: 32,
      widthPx: 32,
      width: 0.35,
    });
    const weights = initWeights(graph, 0, { randomBnStats: true, randomBias: true });
    const model = prepareModel('mobilenetv2 --attention ca --resolution 32 --width 0.35', graph, weights);
    const ortDist = ortWebDist(import.meta.url);
    srv = await startServer(fileTable(modelEntries(model), ortDist !== undefined ? { ortDist } : {}));
    b = await openBrowser();
  });

  afterAll(async () => {
    await b?.close();
    await srv?.close();
  });

  test('verifies MobileNetV2 + CA on webgl2, webgpu, webasm and cpu, races onnxruntime-web', async () => {
    // Two timed runs, no per-kernel timing calls: the test checks the verdicts, not the speed.
    await b.page.goto(`${srv.url}?runs=2&kernelRuns=0`);
    await b.page.waitForSelector(DONE, { timeout: 280_000 });
    const status = (await b.page.locator('#status').textContent()) ?? '';
    const backends = await rows(b, 'backend');
    const detail = JSON.stringify(backends, null, 1) + b.log.slice(-20).join('\n');
    expect(await b.page.locator('#status').getAttribute('data-state'), `${status}\n${detail}`).toBe('pass');
    expect(backends.map((r) => r.key)).toEqual([...PAGE_BACKENDS]);
    for (const r of backends) {
      expect(r.state, `${r.key}: ${r.note}`).toBe('pass');
      // The kernel class that really ran is the requested backend's (no silent fallback).
      expect(r.ran, r.key).toBe(EXPECTED_BACKEND[r.key as keyof typeof EXPECTED_BACKEND]);
      expect(Number(r.ms), r.key).toBeGreaterThan(0);
    }
    // Per-kernel tables: one per backend, every kernel row passed.
    expect(await b.page.locator('#kernels details').count()).toBe(4);
    expect(await b.page.locator('#kernels tr[data-state="fail"]').count()).toBe(0);
    expect(await b.page.locator('#kernels tr[data-state="pass"]').count()).toBeGreaterThan(4 * 150);
    expect(await b.page.locator('#env').getAttribute('data-gpujs-patch')).toBe('applied');
    expect(await b.page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The peers' rows exist and ended (pass, or a failure shown as the peer's).
    const peers = await rows(b, 'peer');
    expect(peers.map((r) => r.key)).toEqual([...PEERS]);
    for (const r of peers) expect(['pass', 'fail', 'skipped'], `${r.key}: ${r.note}`).toContain(r.state);
    expect(peers.find((r) => r.key === 'ort-wasm')?.state).toBe('pass');
  });

  test('an .onnx chosen in the drop zone is imported, compiled and verified in the page; then an .npy input', async () => {
    await b.page.setInputFiles('#file', ONNX.pathname);
    await b.page.waitForFunction(
      () => document.querySelector('#model')?.textContent?.includes('ca_c32_h14_w12'),
      null,
      {
        timeout: 60_000,
      },
    );
    await b.page.waitForSelector(DONE, { timeout: 120_000 });
    const status = (await b.page.locator('#status').textContent()) ?? '';
    expect(await b.page.locator('#status').getAttribute('data-state'), status).toBe('pass');
    for (const r of await rows(b, 'backend')) expect(r.state, `${r.key}: ${r.note}`).toBe('pass');
    expect((await rows(b, 'peer')).find((r) => r.key === 'ort-wasm')?.state).toBe('pass');

    await b.page.setInputFiles('#file', NPY.pathname);
    await b.page.waitForFunction(
      () => document.querySelector('#model')?.textContent?.includes('.npy'),
      null,
      {
        timeout: 60_000,
      },
    );
    await b.page.waitForSelector(DONE, { timeout: 120_000 });
    expect(await b.page.locator('#status').getAttribute('data-state')).toBe('pass');
    for (const r of await rows(b, 'backend')) expect(r.state, `${r.key}: ${r.note}`).toBe('pass');
  });
});
