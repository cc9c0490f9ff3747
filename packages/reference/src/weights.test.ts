import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attention, buildBackbone, GraphBuilder, type CoordattnError, type Graph } from '@coordattn/ir';
import { initWeights } from './init.js';
import { tensor, type Tensor } from './tensor.js';
import {
  decodeWeights,
  encodeWeights,
  loadWeights,
  parseManifest,
  saveWeights,
  type Weights,
  type WeightsManifest,
} from './weights.js';

const dir = mkdtempSync(join(tmpdir(), 'coordattn-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function caGraph(c = 32): Graph {
  const b = new GraphBuilder();
  b.output(attention(b, b.input('x', [1, c, 6, 5]), { kind: 'ca', config: { reduction: 8 } }));
  return b.build();
}

function err(fn: () => unknown): CoordattnError {
  try {
    fn();
  } catch (e) {
    return e as CoordattnError;
  }
  throw new Error('expected an error');
}

const f32 = (t: Tensor): number[] => Array.from(t.data, Math.fround);

describe('weights file', () => {
  const g = caGraph();
  const w = initWeights(g, 3, { randomBnStats: true });

  it('round-trips through disk in graph order, rounded to float32', () => {
    const manifest = saveWeights(join(dir, 'ca.json'), w, { graph: g, meta: { note: 'test' } });
    expect(manifest.weightsManifest[0].paths).toEqual(['ca.bin']);
    expect(manifest.weightsManifest[0].weights.map((e) => e.name)).toEqual([...g.params.keys()]);
    expect(readFileSync(join(dir, 'ca.bin')).length).toBe(
      4 * [...w.values()].reduce((s, t) => s + t.data.length, 0),
    );
    const back = loadWeights(join(dir, 'ca.json'), { graph: g });
    expect([...back.keys()]).toEqual([...g.params.keys()]);
    for (const [k, t] of w) {
      expect(back.get(k)!.shape).toEqual(t.shape);
      expect(Array.from(back.get(k)!.data)).toEqual(f32(t));
    }
    expect(JSON.parse(readFileSync(join(dir, 'ca.json'), 'utf8')).meta).toEqual({ note: 'test' });
  });

  it('reads a group split over several shards (TF.js convention)', () => {
    const { manifest, bin } = encodeWeights(w, { graph: g });
    const split: WeightsManifest = {
      ...manifest,
      weightsManifest: [{ ...manifest.weightsManifest[0], paths: ['a.bin', 'b.bin'] }],
    };
    const cut = 4 * 37; // anywhere, even inside a tensor
    const shards: Record<string, Uint8Array> = { 'a.bin': bin.subarray(0, cut), 'b.bin': bin.subarray(cut) };
    const back = decodeWeights(split, (p) => shards[p], { graph: g });
    for (const [k, t] of w) expect(Array.from(back.get(k)!.data)).toEqual(f32(t));
  });

  it('reports missing and unexpected tensors by name (E_IO)', () => {
    const fewer = new Map(w);
    fewer.delete('attention.bn1.running_var');
    fewer.delete('attention.conv_w.bias');
    fewer.set('attention.extra', tensor([2]));
    saveWeights(join(dir, 'bad.json'), fewer);
    const e = err(() => loadWeights(join(dir, 'bad.json'), { graph: g }));
    expect(e.code).toBe('E_IO');
    expect(e.message).toContain('bad.json');
    expect(e.message).toMatch(
      /missing 2 tensor\(s\): attention\.conv_w\.bias, attention\.bn1\.running_var|missing 2 tensor\(s\): attention\.bn1\.running_var, attention\.conv_w\.bias/,
    );
    expect(e.message).toContain('1 tensor(s) the graph does not have: attention.extra');
  });

  it('reports a mis-shaped tensor with its name and both shapes (E_SHAPE)', () => {
    // Same names, but the graph of C = 40 has conv1 [8, 40, 1, 1].
    saveWeights(join(dir, 'c32.json'), w);
    const e = err(() => loadWeights(join(dir, 'c32.json'), { graph: caGraph(40) }));
    expect(e.code).toBe('E_SHAPE');
    expect(e.details.path).toBe('attention.conv1.weight');
    expect(e.message).toMatch(
      /weight 'attention\.conv1\.weight' in .*c32\.json has the wrong shape \(and 4 more: .*\): \[8,32,1,1\] vs \[8,40,1,1\]/,
    );
  });

  it('checks shard sizes, format, version, paths and duplicates', () => {
    const m = saveWeights(join(dir, 'ok.json'), w, { graph: g });
    writeFileSync(join(dir, 'ok.bin'), readFileSync(join(dir, 'ok.bin')).subarray(4));
    expect(err(() => loadWeights(join(dir, 'ok.json'))).message).toMatch(
      /E_IO at .*ok\.json: shard\(s\) ok\.bin hold \d+ bytes but .* need \d+/,
    );
    const read = (): Uint8Array => new Uint8Array(0);
    expect(err(() => parseManifest({ ...m, format: 'tfjs' }, 'm.json')).message).toMatch(
      /^E_IO at m\.json: not a weights manifest/,
    );
    expect(err(() => parseManifest({ ...m, version: 2 }, 'm.json')).message).toMatch(
      /unsupported weights manifest version 2/,
    );
    const withPath = (p: string): unknown => ({
      ...m,
      weightsManifest: [{ ...m.weightsManifest[0], paths: [p] }],
    });
    expect(err(() => decodeWeights(withPath('../x.bin'), read)).message).toMatch(
      /leaves the manifest's folder/,
    );
    expect(err(() => decodeWeights(withPath('/etc/passwd'), read)).message).toMatch(
      /leaves the manifest's folder/,
    );
    const dup = { ...m, weightsManifest: [m.weightsManifest[0], m.weightsManifest[0]] };
    expect(err(() => parseManifest(dup, 'm.json')).message).toMatch(
      /duplicate tensor 'attention\.conv1\.weight'/,
    );
    const f64 = {
      ...m,
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'a', shape: [1], dtype: 'float64' }] }],
    };
    expect(err(() => parseManifest(f64, 'm.json')).message).toMatch(
      /E_IO at m\.json: invalid weights manifest at weightsManifest\.0\.weights\.0\.dtype/,
    );
    writeFileSync(join(dir, 'text.json'), '{ nope');
    expect(err(() => loadWeights(join(dir, 'text.json'))).code).toBe('E_JSON');
    expect(err(() => loadWeights(join(dir, 'absent.json'))).message).toMatch(
      /E_IO at .*absent\.json: cannot read/,
    );
  });
});

describe('initWeights', () => {
  const g = buildBackbone('mobilenetv2', {
    width: 0.5,
    height: 32,
    widthPx: 32,
    classes: 10,
    attention: { kind: 'ca' },
  });

  const stats = (t: Tensor): { mean: number; std: number } => {
    const mean = t.data.reduce((s, v) => s + v, 0) / t.data.length;
    const std = Math.sqrt(t.data.reduce((s, v) => s + (v - mean) ** 2, 0) / t.data.length);
    return { mean, std };
  };

  it('follows the official scheme (Kaiming fan_out, N(0, 0.01), BN 1/0/0/1, zero biases)', () => {
    const w = initWeights(g, 1);
    expect([...w.keys()]).toEqual([...g.params.keys()]);
    // features.18.0: 1×1 conv 160 → 1280 (fan_out 1280): std sqrt(2/1280) ≈ 0.0395.
    const big = stats(w.get('features.18.0.weight')!);
    expect(Math.abs(big.mean)).toBeLessThan(0.002);
    expect(big.std / Math.sqrt(2 / 1280)).toBeCloseTo(1, 1);
    const fc = stats(w.get('classifier.1.weight')!);
    expect(fc.std / 0.01).toBeCloseTo(1, 1);
    expect(new Set(w.get('features.0.1.weight')!.data)).toEqual(new Set([1]));
    expect(new Set(w.get('features.0.1.running_var')!.data)).toEqual(new Set([1]));
    expect(new Set(w.get('features.2.conv.attention.conv1.bias')!.data)).toEqual(new Set([0]));
  });

  it('is deterministic per seed and per parameter id', () => {
    const a = initWeights(g, 5, { randomBnStats: true });
    const b = initWeights(g, 5, { randomBnStats: true });
    const c = initWeights(g, 6, { randomBnStats: true });
    const id = 'features.3.conv.1.0.weight';
    expect(a.get(id)!.data).toEqual(b.get(id)!.data);
    expect(a.get(id)!.data).not.toEqual(c.get(id)!.data);
    // A different graph sharing the parameter id gets the same values for it.
    const other: Weights = initWeights(
      buildBackbone('mobilenetv2', { width: 0.5, height: 32, widthPx: 32, classes: 3 }),
      5,
    );
    expect(other.get(id)!.data).toEqual(a.get(id)!.data);
  });

  it('randomBnStats draws γ, β, mean and var in their documented ranges', () => {
    const w = initWeights(g, 2, { randomBnStats: true });
    const gamma = w.get('features.18.1.weight')!.data;
    const variance = w.get('features.18.1.running_var')!.data;
    expect(Math.min(...gamma)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...gamma)).toBeLessThan(1.5);
    expect(Math.min(...variance)).toBeGreaterThanOrEqual(0.5);
    expect(new Set(gamma).size).toBeGreaterThan(100);
    expect(stats(w.get('features.18.1.running_mean')!).std).toBeCloseTo(0.1, 1);
  });

  it('randomBias draws every bias from U(−0.5, 0.5)', () => {
    const bias = initWeights(g, 2, { randomBias: true }).get('classifier.1.bias')!.data;
    expect(Math.min(...bias)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...bias)).toBeLessThan(0.5);
    expect(new Set(bias).size).toBe(bias.length);
    expect(
      initWeights(g, 2)
        .get('classifier.1.bias')!
        .data.every((v) => v === 0),
    ).toBe(true);
  });

  it('ECA conv1d weights are U(−1/√k, 1/√k)', () => {
    const b = new GraphBuilder();
    b.output(attention(b, b.input('x', [1, 512, 2, 2]), { kind: 'eca', config: { kernel: 9 } }));
    const t = initWeights(b.build(), 1).get('attention.conv.weight')!;
    expect(t.shape).toEqual([1, 1, 9]);
    for (const v of t.data) expect(Math.abs(v)).toBeLessThanOrEqual(1 / 3);
  });
});
