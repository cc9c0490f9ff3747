/**
 * The runtime's weights reader (what emitted modules use: no Node built-in, no @coordattn/reference):
 * decodeWeights agrees with @coordattn/reference on files saveWeights wrote and names what is wrong;
 * readWeights takes bytes, file: URLs (Node's fs), http(s) and data: URLs (fetch) and relative
 * strings; loadWeightsFile (Node) reads a manifest and its shards from disk.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordattnError } from '@coordattn/ir';
import { encodeWeights, loadWeights, saveWeights, tensor, type Tensor } from '@coordattn/reference';
import { bytesOf, decodeWeights, readWeights, weightsShards, type WeightsManifest } from './runtime.js';
import { loadWeightsFile } from './weights-file.js';

const DIR = fileURLToPath(new URL(`../../.tmp/weights-${process.pid}/`, import.meta.url));

const tensors = new Map<string, Tensor>([
  ['a.weight', tensor([2, 3], [1.5, -2, 0.1, 3e-8, 1e30, -0])],
  ['a.bias', tensor([2], [Math.PI, -Math.E])],
  ['empty', tensor([0, 4])],
  ['scalar', tensor([], [7.25])],
]);
const { manifest, bin } = encodeWeights(tensors, { binName: 'w.bin' });

function expectTensors(got: Map<string, Float32Array>): void {
  expect([...got.keys()]).toEqual([...tensors.keys()]);
  for (const [name, t] of tensors) expect(got.get(name)).toEqual(Float32Array.from(t.data));
}

/** Serves `bin` at /w.bin (404 elsewhere) on a free local port. */
let server: Server;
let base: string;

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  server = createServer((req, res) => {
    if (req.url === '/m/w.bin') res.end(bin);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m/model.js`;
});

afterAll(() => {
  server.close();
  rmSync(DIR, { recursive: true, force: true });
});

describe('decodeWeights', () => {
  it('decodes the tensors from the bytes, given as Uint8Array, ArrayBuffer, DataView or offset view', () => {
    expectTensors(decodeWeights(manifest, bin, 'w.bin'));
    expectTensors(decodeWeights(manifest, bin.slice().buffer, 'w.bin'));
    expectTensors(decodeWeights(manifest, new DataView(bin.slice().buffer), 'w.bin'));
    const padded = new Uint8Array(bin.length + 8);
    padded.set(bin, 5);
    expectTensors(decodeWeights(manifest, padded.subarray(5, 5 + bin.length), 'w.bin'));
    expect(bytesOf(padded.subarray(5, 9)).byteOffset).toBe(5);
  });

  it('names the tensor when the bytes are too short, the bytes left over, and a foreign manifest', () => {
    const short = (): unknown => decodeWeights(manifest, bin.subarray(0, 24 + 4), 'w.bin');
    expect(short).toThrow(CoordattnError);
    expect(short).toThrow(
      /^E_EVAL: w\.bin: tensor 'a\.bias' \[2\] needs 8 bytes at offset 24, but shard\(s\) w\.bin hold only 28$/,
    );
    const long = new Uint8Array(bin.length + 4);
    long.set(bin);
    expect(() => decodeWeights(manifest, long, 'w.bin')).toThrow(
      /E_EVAL: .*4 bytes after the last tensor 'scalar'/,
    );
    expect(() => decodeWeights({ format: 'something-else' }, bin, 'w.json')).toThrow(
      /^E_EVAL: w\.json: not a coordattn-weights version 1 manifest$/,
    );
    const dup = {
      ...manifest,
      weightsManifest: [
        {
          paths: ['w.bin'],
          weights: [...manifest.weightsManifest[0].weights, { name: 'a.bias', shape: [], dtype: 'float32' }],
        },
      ],
    };
    expect(() => decodeWeights(dup, new Uint8Array(bin.length + 4), 'w.json')).toThrow(
      /duplicate tensor 'a\.bias'/,
    );
  });

  it('reads several groups back to back, in manifest order', () => {
    const two: WeightsManifest = {
      format: 'coordattn-weights',
      version: 1,
      weightsManifest: [
        { paths: ['a.bin'], weights: [{ name: 'x', shape: [2], dtype: 'float32' }] },
        { paths: ['b.bin', 'c.bin'], weights: [{ name: 'y', shape: [1], dtype: 'float32' }] },
      ],
    };
    const got = decodeWeights(two, new Uint8Array(new Float32Array([1, 2, 3]).buffer), 'two');
    expect(got).toEqual(
      new Map([
        ['x', new Float32Array([1, 2])],
        ['y', new Float32Array([3])],
      ]),
    );
    expect(weightsShards(two, 'two')).toEqual(['a.bin', 'b.bin', 'c.bin']);
  });

  it('refuses shard paths that leave the manifest folder', () => {
    const at = (p: string): WeightsManifest => ({
      ...manifest,
      weightsManifest: [{ ...manifest.weightsManifest[0], paths: [p] }],
    });
    for (const p of [
      '../w.bin',
      'a/../../w.bin',
      '/etc/w.bin',
      '\\\\host\\w.bin',
      'https://elsewhere/w.bin',
      'C:w.bin',
    ]) {
      expect(() => weightsShards(at(p), 'm.json'), p).toThrow(
        `shard path '${p}' leaves the manifest's folder`,
      );
    }
    for (const p of ['w.bin', './w.bin', 'sub/w.bin', 'sub/../w.bin'])
      expect(weightsShards(at(p), 'm.json')).toEqual([p]);
  });
});

describe('readWeights', () => {
  it('takes bytes as they are', async () => {
    expectTensors(await readWeights(manifest, bin, base));
  });

  it("reads the manifest's shard beside the base URL over http, an http URL, and a relative string", async () => {
    expectTensors(await readWeights(manifest, undefined, base));
    expectTensors(await readWeights(manifest, new URL('w.bin', base), 'https://unused.example/'));
    expectTensors(await readWeights(manifest, './w.bin', base));
  });

  it('reads a file: URL with Node’s fs (the default beside a module on disk) and a data: URL with fetch', async () => {
    writeFileSync(join(DIR, 'w.bin'), bin);
    const moduleUrl = pathToFileURL(join(DIR, 'model.js')).href;
    expectTensors(await readWeights(manifest, undefined, moduleUrl));
    expectTensors(await readWeights(manifest, pathToFileURL(join(DIR, 'w.bin')), 'https://unused.example/'));
    const data = `data:application/octet-stream;base64,${Buffer.from(bin).toString('base64')}`;
    expectTensors(await readWeights(manifest, data, moduleUrl));
  });

  it('fails with E_IO naming the URL: HTTP 404, a missing file', async () => {
    await expect(readWeights(manifest, 'missing.bin', base)).rejects.toThrow(
      /^E_IO at http:\/\/127\.0\.0\.1:\d+\/m\/missing\.bin: cannot fetch the weights: HTTP 404 Not Found$/,
    );
    const missing = pathToFileURL(join(DIR, 'missing.bin'));
    await expect(readWeights(manifest, missing, base)).rejects.toThrow(
      new RegExp(
        `^E_IO at ${missing.href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read the weights: ENOENT`,
      ),
    );
  });
});

describe('loadWeightsFile', () => {
  it('agrees with @coordattn/reference loadWeights on a file written by saveWeights', () => {
    const path = join(DIR, 'w.json');
    saveWeights(path, tensors);
    const mine = loadWeightsFile(path);
    const theirs = loadWeights(path);
    expect([...mine.keys()]).toEqual([...theirs.keys()]);
    for (const [name, t] of theirs) {
      expect(Array.from(mine.get(name)!)).toEqual(Array.from(t.data));
      expect(mine.get(name)).toEqual(Float32Array.from(tensors.get(name)!.data));
    }
  });

  it('names the tensor when the shard is too short, and reports extra bytes', () => {
    const path = join(DIR, 'cut.json');
    saveWeights(path, tensors);
    const full = readFileSync(join(DIR, 'cut.bin'));
    writeFileSync(join(DIR, 'cut.bin'), full.subarray(0, 24 + 4)); // a.weight fits, a.bias does not
    const short = (): unknown => loadWeightsFile(path);
    expect(short).toThrow(CoordattnError);
    expect(short).toThrow(/E_EVAL: .*cut\.json: tensor 'a\.bias' \[2\] needs 8 bytes at offset 24/);
    writeFileSync(join(DIR, 'cut.bin'), Buffer.concat([full, Buffer.alloc(4)]));
    expect(() => loadWeightsFile(path)).toThrow(/E_EVAL: .*4 bytes after the last tensor 'scalar'/);
    writeFileSync(path, '{"format":"something-else"}');
    expect(() => loadWeightsFile(path)).toThrow(/not a coordattn-weights version 1 manifest/);
    expect(() => loadWeightsFile(join(DIR, 'none.json'))).toThrow(
      /E_EVAL: .*none\.json: cannot read the weights manifest/,
    );
  });
});
