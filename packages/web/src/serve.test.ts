/**
 * The server of `coordattn serve`: the fixed file table, headers, content types, and that nothing
 * outside the table is reachable — tested with raw HTTP requests (node:net), so that no client
 * normalises the paths first.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importOnnx } from '@coordattn/onnx';
import {
  compiledDirEntries,
  contentType,
  fileTable,
  modelEntries,
  prepareModel,
  startServer,
  type RunningServer,
} from './serve.js';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Sends `request` as it is on a new connection and parses the response. */
function raw(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(head[0].split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status, headers, body: all.subarray(split + 4) });
    });
    sock.write(request);
  });
}

const get = (port: number, path: string, host = `127.0.0.1:${port}`, method = 'GET'): Promise<RawResponse> =>
  raw(port, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

let srv: RunningServer;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'coordattn-serve-'));
  // A fake onnxruntime-web dist: two served files, one not in the allow-list, one symlink out.
  const ort = join(tmp, 'ort');
  mkdirSync(ort);
  writeFileSync(join(ort, 'ort.webgpu.min.mjs'), 'export const x = 1;\n');
  writeFileSync(join(ort, 'ort-wasm-simd-threaded.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(ort, 'secret.txt'), 'not served\n');
  writeFileSync(join(tmp, 'outside.txt'), 'outside the served directory\n');
  symlinkSync(join(tmp, 'outside.txt'), join(ort, 'ort-wasm-simd-threaded.jsep.mjs'));
  const onnx = readFileSync(new URL('../../onnx/test-data/ca_c32_h14_w12.onnx', import.meta.url));
  const r = importOnnx(new Uint8Array(onnx), { file: 'ca.onnx', dims: { N: 1 } });
  const model = prepareModel('ca block', r.graph, r.weights, { seed: 3 });
  srv = await startServer(fileTable(modelEntries(model), { ortDist: ort }));
});

afterAll(async () => {
  await srv.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('coordattn serve: the server', () => {
  test('listens on 127.0.0.1 only, on a free port', () => {
    const addr = srv.server.address();
    expect(typeof addr === 'object' && addr !== null ? addr.address : addr).toBe('127.0.0.1');
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/`);
  });

  test('serves its table with cross-origin isolation headers and content types', async () => {
    const page = await get(srv.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body.toString()).toContain('<output id="status" data-state="running">');
    const info = await get(srv.port, '/model/info.json?cache=no');
    expect(info.status).toBe(200);
    expect(info.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(info.body.toString())).toMatchObject({
      name: 'ca block',
      reference: true,
      onnx: true,
      seed: 3,
    });
    for (const p of [
      '/model/program.json',
      '/model/params.json',
      '/model/spec.json',
      '/model/weights.json',
    ]) {
      expect((await get(srv.port, p)).status, p).toBe(200);
    }
    const onnx = await get(srv.port, '/model/model.onnx');
    expect(onnx.status).toBe(200);
    expect(onnx.headers['content-type']).toBe('application/octet-stream');
    const wasm = await get(srv.port, '/ort/ort-wasm-simd-threaded.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect([...wasm.body]).toEqual([0, 97, 115, 109]);
    const mjs = await get(srv.port, '/ort/ort.webgpu.min.mjs');
    expect(mjs.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(contentType('a.js')).toBe('text/javascript; charset=utf-8');
    const head = await get(srv.port, '/model/info.json', undefined, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  test('any path outside the table is a 404: traversal plain, encoded, double-encoded, backslashes, absolute', async () => {
    const p = srv.port;
    const paths = [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/%2E%2E/package.json',
      '/%2e%2e%2fpackage.json',
      '/..%2fpackage.json',
      '/%252e%252e/package.json',
      '/%252e%252e%252fpackage.json',
      '/ort/../model/info.json',
      '/ort/..%2f..%2fpackage.json',
      '/ort/%2e%2e/secret.txt',
      '/ort/secret.txt',
      '/ort/',
      '/ort',
      '/model/',
      '/model/../model/info.json',
      '/model/./info.json',
      '//model/info.json',
      '/model//info.json',
      '/model/info.json/',
      '/model/info.json%00',
      '/model%2finfo.json',
      '/MODEL/INFO.JSON',
      '\\..\\package.json',
      '/..\\package.json',
      '/ort\\..\\..\\package.json',
      '/etc/passwd',
      '//etc/passwd',
      `/${tmp}/outside.txt`,
      'C:/Windows/win.ini',
      `http://127.0.0.1:${p}/etc/passwd`,
      `http://127.0.0.1:${p}/../package.json`,
      '*',
      '/runner.js/..',
      '/index.html/../model/info.json',
    ];
    for (const path of paths) {
      const r = await get(p, path);
      if (path.startsWith('/') || path.startsWith('http:')) {
        expect(r.status, path).toBe(404);
        expect(r.headers['cross-origin-embedder-policy'], path).toBe('require-corp');
      } else {
        // Not origin-form: Node's HTTP parser answers 400 before the server sees the request.
        expect([400, 404], path).toContain(r.status);
      }
      expect(r.body.toString(), path).not.toMatch(/"name": "@coordattn|outside the served|root:/);
    }
  });

  test('a symlink out of a served directory is a 404', async () => {
    // ort-wasm-simd-threaded.jsep.mjs is in the allow-list by name, but links outside ort/.
    const r = await get(srv.port, '/ort/ort-wasm-simd-threaded.jsep.mjs');
    expect(r.status).toBe(404);
    expect(r.body.toString()).not.toContain('outside');
  });

  test('a compiled directory: its files, a symlinked program out of the directory is a 404', async () => {
    const dir = join(tmp, 'compiled');
    mkdirSync(dir);
    const program = {
      format: 'coordattn-program',
      version: 2,
      inputs: [],
      outputs: [],
      kernels: [],
      passes: [],
    };
    writeFileSync(join(tmp, 'elsewhere.json'), JSON.stringify(program));
    writeFileSync(
      join(dir, 'weights.json'),
      JSON.stringify({
        format: 'coordattn-weights',
        version: 1,
        weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
      }),
    );
    writeFileSync(join(dir, 'weights.bin'), new Uint8Array(0));
    writeFileSync(join(dir, 'program.json'), JSON.stringify(program));
    const table = fileTable(compiledDirEntries(dir, 'compiled'));
    const s = await startServer(table);
    try {
      expect((await get(s.port, '/model/program.json')).status).toBe(200);
      expect(
        JSON.parse((await get(s.port, '/model/params.json')).body.toString()).weightsManifest[0].paths,
      ).toEqual(['params.bin']);
      expect((await get(s.port, '/model/weights.json')).status).toBe(404);
      expect((await get(s.port, '/model/spec.json')).status).toBe(404);
      rmSync(join(dir, 'program.json'));
      symlinkSync(join(tmp, 'elsewhere.json'), join(dir, 'program.json'));
      expect((await get(s.port, '/model/program.json')).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  test('only GET and HEAD, and only for its own Host (DNS rebinding)', async () => {
    const post = await get(srv.port, '/', undefined, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await get(srv.port, '/', `localhost:${srv.port}`)).status).toBe(200);
    expect((await get(srv.port, '/', 'evil.example')).status).toBe(421);
    expect((await get(srv.port, '/', `evil.example:${srv.port}`)).status).toBe(421);
  });

  test('a taken --port is a user error (E_IO), not a crash', async () => {
    await expect(startServer(new Map(), { port: srv.port })).rejects.toMatchObject({ code: 'E_IO' });
  });
});
