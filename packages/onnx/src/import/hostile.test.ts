/**
 * Hostile files are data: whatever the bytes, importOnnx returns a graph or throws a CoordattnError
 * with a code and a place — never another exception, never unbounded time or memory. Mutated and
 * truncated bytes of real models (fast-check, fixed seed: FC_SEED, 2,000 cases; FC_RUNS sets
 * them), plus hand-built attacks: not protobuf, huge declared sizes, lying lengths, cycles,
 * dangling and duplicate names, nesting bombs, external data that leaves the model's folder.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { isCoordattnError } from '@coordattn/ir';
import { FC_SEED, fcRuns } from '@coordattn/ir/testing';
import { checkExternalLocation, importOnnx } from './import.js';

const { onnx } = onnxProto;
/** Fuzzed model files: 2,000 unless FC_RUNS sets the runs. */
const FUZZ_RUNS = fcRuns(2000);
const DATA = new URL('../../test-data/', import.meta.url);
const SEEDS = [
  'ca_c32_h14_w12',
  'cbam_c64_h8_w10',
  'eca_c64_h7_w7',
  'triplet_c16_h9_w11',
  'se_c64_h6_w6',
  'op18_reducemean_split',
].map((n) => new Uint8Array(readFileSync(new URL(`${n}.onnx`, DATA))));
/**
 * Per file, wall-clock: the importer bounds its own work (LIMITS, the block-recognition budget)
 * but reports no count of it, so the bound is time, far above what is measured: the worst of the
 * 2,000 fuzzed files and 500 random byte strings is 21 ms on a loaded 2-core machine (load ≈ 3).
 */
const PER_CASE_MS = 5000;

/** Imports and classifies the outcome; any non-coordattn exception fails the test with the bytes' origin. */
function outcome(bytes: Uint8Array): 'ok' | string {
  const t0 = performance.now();
  try {
    importOnnx(bytes, { file: 'fuzz.onnx' });
    return 'ok';
  } catch (e) {
    if (!isCoordattnError(e)) throw e;
    expect(e.message.length).toBeLessThan(2000);
    return e.code;
  } finally {
    expect(performance.now() - t0).toBeLessThan(PER_CASE_MS);
  }
}

const mutation = fc.record({
  seed: fc.nat(SEEDS.length - 1),
  edits: fc.array(
    fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }),
    { minLength: 1, maxLength: 8 },
  ),
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

describe('fuzzed model files', () => {
  it(`mutated and truncated bytes of real models never escape as a non-coordattn error (${FUZZ_RUNS} cases)`, () => {
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(mutation, ({ seed, edits, cut }) => {
        const b = SEEDS[seed].slice();
        for (const e of edits) b[Math.floor(e.at * (b.length - 1))] = e.byte;
        const bytes = cut === undefined ? b : b.subarray(0, Math.floor(cut * b.length));
        const o = outcome(bytes);
        codes.set(o, (codes.get(o) ?? 0) + 1);
      }),
      { seed: FC_SEED, numRuns: FUZZ_RUNS },
    );
    // With enough runs (CI's 2,000) the fuzzer reaches both sides: files that still import and
    // files rejected with a code. A quick FC_RUNS pass may see only one side.
    if (FUZZ_RUNS >= 500) {
      expect(codes.get('ok') ?? 0).toBeGreaterThan(0);
      expect([...codes.keys()].some((k) => k !== 'ok')).toBe(true);
    }
  });
  it('random bytes are rejected with E_ONNX', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 512 }), (b) => {
        expect(['ok', 'E_ONNX', 'E_UNSUPPORTED']).toContain(outcome(b));
      }),
      { seed: FC_SEED, numRuns: fcRuns(500) },
    );
  });
});

// ------------------------------------------------------------------------------------------------
// hand-built attacks

const F = onnx.TensorProto.DataType.FLOAT;
const vi = (name: string, dims: number[]): onnxProto.onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: F, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

function model(graph: onnxProto.onnx.IGraphProto, opset = 13): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'test',
      opsetImport: [{ domain: '', version: opset }],
      graph,
    }),
  ).finish();
}

function expectError(bytes: Uint8Array, code: string, pattern: RegExp): void {
  let err: unknown;
  try {
    importOnnx(bytes, { file: 'bad.onnx' });
  } catch (e) {
    err = e;
  }
  expect(isCoordattnError(err), String(err)).toBe(true);
  if (isCoordattnError(err)) {
    expect(err.code).toBe(code);
    expect(err.message).toMatch(pattern);
  }
}

const relu = (name: string, input: string, output: string): onnxProto.onnx.INodeProto => ({
  name,
  opType: 'Relu',
  input: [input],
  output: [output],
});

describe('hand-built hostile files', () => {
  it('text, empty and truncated files', () => {
    expectError(
      new TextEncoder().encode('hello, this is not an onnx model\n'),
      'E_ONNX',
      /not an ONNX model/,
    );
    expectError(new Uint8Array(0), 'E_ONNX', /not an ONNX model/);
    const good = SEEDS[0];
    expectError(good.subarray(0, Math.floor(good.length / 2)), 'E_ONNX', /not an ONNX model|protobuf/);
  });
  it('huge declared dims with little data are rejected before allocating', () => {
    const g = {
      name: 'g',
      node: [{ name: 'c', opType: 'Conv', input: ['x', 'W'], output: ['y'] }],
      initializer: [
        { name: 'W', dataType: F, dims: [2 ** 31 - 1, 2 ** 31 - 1, 3, 3], rawData: new Uint8Array(16) },
      ],
      input: [vi('x', [1, 3, 8, 8])],
      output: [vi('y', [1, 4, 6, 6])],
    };
    expectError(model(g), 'E_ONNX', /too large/);
  });
  it('raw_data whose length disagrees with the dims', () => {
    const g = {
      name: 'g',
      node: [{ name: 'c', opType: 'Conv', input: ['x', 'W'], output: ['y'] }],
      initializer: [{ name: 'W', dataType: F, dims: [4, 3, 3, 3], rawData: new Uint8Array(12) }],
      input: [vi('x', [1, 3, 8, 8])],
      output: [vi('y', [1, 4, 6, 6])],
    };
    expectError(model(g), 'E_ONNX', /raw_data has 12 bytes; the dims and float32 need 432/);
  });
  it('a cycle, a dangling input and a value produced twice', () => {
    const base = { name: 'g', input: [vi('x', [1, 2])], output: [vi('b', [1, 2])] };
    expectError(model({ ...base, node: [relu('r1', 'b', 'a'), relu('r2', 'a', 'b')] }), 'E_ONNX', /cycle/);
    expectError(
      model({ ...base, node: [relu('r1', 'nowhere', 'b')] }),
      'E_ONNX',
      /'nowhere' is produced by no node/,
    );
    expectError(
      model({ ...base, node: [relu('r1', 'x', 'b'), relu('r2', 'x', 'b')] }),
      'E_ONNX',
      /'b' is produced twice/,
    );
  });
  it('an unsupported op names the op type, the node and what is supported', () => {
    const g = {
      name: 'g',
      node: [{ name: 'my_lstm', opType: 'LSTM', input: ['x'], output: ['y'] }],
      input: [vi('x', [1, 2])],
      output: [vi('y', [1, 2])],
    };
    expectError(
      model(g),
      'E_UNSUPPORTED',
      /ONNX node 'my_lstm' \(LSTM\): op type LSTM is not supported \(expected one of .*Conv/,
    );
  });
  it('an unsupported attribute value names the attribute', () => {
    const g = {
      name: 'g',
      node: [
        {
          name: 'pool',
          opType: 'MaxPool',
          input: ['x'],
          output: ['y'],
          attribute: [
            { name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [2, 2] },
            { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 0, 1, 1] },
          ],
        },
      ],
      input: [vi('x', [1, 2, 8, 8])],
      output: [vi('y', [1, 2, 4, 4])],
    };
    expectError(model(g), 'E_UNSUPPORTED', /'pool' \(MaxPool\): asymmetric pads \[0,0,1,1\]/);
  });
  it('a nesting bomb (graphs in attributes 20,000 deep) is rejected, not a stack overflow', () => {
    // Hand-encoded protobuf, inside out: GraphProto{node: NodeProto{attribute: AttributeProto{g: …}}}.
    const varint = (n: number): number[] => {
      const out: number[] = [];
      while (n > 127) {
        out.push((n & 127) | 128);
        n >>>= 7;
      }
      out.push(n);
      return out;
    };
    // Each level wraps the inner bytes in three length-delimited fields: collect the prefixes
    // inside out (O(depth)), then lay them outermost first.
    const prefixes: number[][] = [];
    let len = 0;
    for (let i = 0; i < 20000; i++) {
      for (const num of [6, 5, 1]) {
        const p = [(num << 3) | 2, ...varint(len)];
        prefixes.push(p);
        len += p.length;
      }
    }
    const top = [(7 << 3) | 2, ...varint(len)];
    const bytes = Uint8Array.from([...top, ...prefixes.reverse().flat(), 8, 8, (8 << 3) | 2, 2, 16, 13]);
    expectError(bytes, 'E_ONNX', /nested too deeply|protobuf|no graph/);
  });
  it('constant folding cannot be made to allocate gigabytes (ConstantOfShape 16384×16384)', () => {
    const I64 = onnx.TensorProto.DataType.INT64;
    const shape = new Uint8Array(new BigInt64Array([16384n, 16384n]).buffer);
    const g = {
      name: 'g',
      node: [
        {
          name: 'shape',
          opType: 'Constant',
          output: ['s'],
          attribute: [
            {
              name: 'value',
              type: onnx.AttributeProto.AttributeType.TENSOR,
              t: { dataType: I64, dims: [2], rawData: shape },
            },
          ],
        },
        { name: 'big', opType: 'ConstantOfShape', input: ['s'], output: ['c'] },
        relu('r', 'x', 'y'),
      ],
      input: [vi('x', [1, 2])],
      output: [vi('y', [1, 2])],
    };
    expectError(model(g), 'E_ONNX', /ONNX node 'big' \(ConstantOfShape\).*(too large|more than)/);
  });
  it('external data may not leave the model folder', () => {
    for (const loc of ['../secret.bin', '/etc/passwd', 'a/../../b', 'C:\\x.bin', '..\\x']) {
      expect(() => checkExternalLocation(loc, 'W')).toThrow(/leaves the model's folder/);
    }
    expect(() => checkExternalLocation('weights/model.bin', 'W')).not.toThrow();
    const g = {
      name: 'g',
      node: [{ name: 'c', opType: 'Conv', input: ['x', 'W'], output: ['y'] }],
      initializer: [
        {
          name: 'W',
          dataType: F,
          dims: [4, 3, 3, 3],
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [{ key: 'location', value: '../../etc/passwd' }],
        },
      ],
      input: [vi('x', [1, 3, 8, 8])],
      output: [vi('y', [1, 4, 6, 6])],
    };
    expectError(model(g), 'E_ONNX', /leaves the model's folder/);
  });
});
