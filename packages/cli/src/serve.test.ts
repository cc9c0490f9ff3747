/**
 * `coordattn serve`: help, flags, and the server it starts (the page itself is tested in
 * packages/web/src/runner/runner.browser.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Io } from './io.js';
import { startServe } from './serve.js';
import { run } from './test-io.js';

function io(): Io & { text: () => string } {
  let err = '';
  return { out: () => undefined, err: (s) => void (err += s), cwd: process.cwd(), text: () => err };
}

describe('coordattn serve', () => {
  test('--help names the page, the peers and the flags', async () => {
    const r = await run(['serve', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--port', '--open', 'webgl2', 'onnxruntime-web', 'data-state', '127.0.0.1']) {
      expect(r.out).toContain(s);
    }
  });

  test('a compiled directory with model flags is a user error (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coordattn-serve-'));
    try {
      const r = await run(['serve', dir, '--attention', 'ca']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/compiled directory has its model and weights; drop the model flags/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad --port is a user error (exit 2)', async () => {
    const r = await run(['serve', 'mobilenetv2', '--port', 'http']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--port/);
  });

  test('serves the model: info, program, reference and ONNX files on 127.0.0.1', async () => {
    const e = io();
    const srv = await startServe('mobilenetv2', { attention: 'ca', resolution: '32', width: '0.35' }, e);
    try {
      expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const info = (await (await fetch(new URL('/model/info.json', srv.url))).json()) as Record<
        string,
        unknown
      >;
      expect(info).toMatchObject({
        name: 'mobilenetv2 --attention ca --width 0.35 --resolution 32',
        reference: true,
        onnx: true,
      });
      for (const p of [
        '/',
        '/runner.js',
        '/model/spec.json',
        '/model/model.onnx',
        '/ort/ort.webgpu.min.mjs',
      ]) {
        const r = await fetch(new URL(p, srv.url));
        expect(r.status, p).toBe(200);
        expect(r.headers.get('cross-origin-embedder-policy'), p).toBe('require-corp');
      }
      expect(e.text()).toMatch(/\d+ kernels/);
    } finally {
      await srv.close();
    }
  });
});
