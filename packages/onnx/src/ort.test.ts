/**
 * Differential tests of the ONNX exporter: exported models run in onnxruntime-node (all graph
 * optimisations, one thread) against the float64 reference interpreter on the same seeded input
 * and weights (rounded to float32, as the initializers hold them), under the project's tolerance
 * rule (FLOAT32_TOLERANCE: a whole float32 program vs the reference):
 *
 * - every backbone × attention kind (small width and resolution, H ≠ W);
 * - each attention block alone (small C, H ≠ W, batch 2), in its variants;
 * - a symbolic batch N: one exported model run at batch 1 and 3;
 * - every IR op on fast-check cases from @coordattn/reference/arbitraries, plus ONNX edge cases
 *   (ceil-mode pooling, count_include_pad, optional Clip bounds, Slice past the end);
 * - random valid graphs (NNSmith-style);
 * - the compiled kernels (@coordattn/codegen) of every matrix model on webasm, and of three models on
 *   every other mode (cpu; headlessgl under Xvfb), against onnxruntime.
 *
 * FC_SEED fixes every property (default 20261122); FC_RUNS sets their runs (`@coordattn/ir/testing`).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ATTENTION_KINDS,
  attention,
  BACKBONE_NAMES,
  buildBackbone,
  CoordattnError,
  Dim,
  GraphBuilder,
  OP_NAMES,
  type AttentionKind,
  type AttentionSpec,
  type BackboneName,
  type BackboneOptions,
  type Graph,
  type OpName,
} from '@coordattn/ir';
import { fcParams } from '@coordattn/ir/testing';
import {
  compare,
  describeComparison,
  FLOAT32_TOLERANCE,
  run,
  tensor,
  uniformTensor,
  type Comparison,
  type Tensor,
  type Weights,
} from '@coordattn/reference';
import { opCase, opGraph, randomGraph, tensorData, type OpCase } from '@coordattn/reference/arbitraries';
import { compile, headlessGLAvailable, runCompiled, type Mode } from '@coordattn/codegen';
import { exportOnnx } from './index.js';
import { dampResiduals, runOrt, seededWeights, WeightCache } from './testing/ort.js';

/** ORT's outputs against the reference's, one comparison per graph output. */
async function ortVsReference(
  graph: Graph,
  weights: Weights,
  inputs: Readonly<Record<string, Tensor>>,
): Promise<Comparison[]> {
  const y = await runOrt(exportOnnx(graph, weights), inputs);
  const ref = run(graph, inputs, weights);
  return graph.outputs.map((o) => compare(y[o], ref[o], FLOAT32_TOLERANCE));
}

function expectPass(cs: readonly Comparison[], what: string): void {
  for (const c of cs) expect(c.pass, describeComparison(c, what)).toBe(true);
}

const relErr = (c: Comparison): number => (c.maxAbsRef > 0 ? c.maxAbsError / c.maxAbsRef : c.maxAbsError);

// ---- backbone × attention ---------------------------------------------------------------------

const H = 32;
const W = 40;

/**
 * The smallest widths at which every attention kind builds (below them SE / CBAM squeeze to 0
 * channels and the IR rejects them: MobileNeXt SE and CBAM up to 0.5, EfficientNet-B0 CBAM at
 * 0.25, MobileNetV3-small CBAM up to 0.5), batch 2; the deeper ResNets run batch 1.
 */
const MODEL: Readonly<Record<BackboneName, BackboneOptions>> = {
  mobilenetv2: { width: 0.35, batch: 2 },
  mobilenext: { width: 0.75, batch: 2 },
  'efficientnet-b0': { width: 0.35, batch: 2 },
  resnet18: { batch: 2 },
  resnet34: { batch: 1 },
  resnet50: { batch: 1 },
  resnet101: { batch: 1 },
  resnet152: { batch: 1 },
  'mobilenetv3-large': { width: 0.35, batch: 2 },
  'mobilenetv3-small': { width: 0.75, batch: 2 },
};

/** Seeded weights; ResNets with damped residual branches (see dampResiduals). */
const modelWeights = (backbone: BackboneName, w: Weights): Weights =>
  backbone.startsWith('resnet') ? dampResiduals(w) : w;

/**
 * Per model: export, onnxruntime, the reference and the compiled webasm kernels. ResNet-152 with
 * Triplet takes ~30 s alone on a 2-core machine; the bound leaves room for a loaded one.
 */
const MATRIX_TIMEOUT_MS = 300_000;

/** Combinations the library rejects (with its message); none today. */
const EXPECTED_REJECTED: readonly string[] = [];

const spec = (kind: AttentionKind): AttentionSpec => ({ kind }) as AttentionSpec;

/** One model of the matrix (a CoordattnError when the library rejects the combination). */
const matrixModel = (backbone: BackboneName, kind: AttentionKind): Graph =>
  buildBackbone(backbone, { ...MODEL[backbone], height: H, widthPx: W, classes: 10, attention: spec(kind) });

interface Row {
  readonly model: string;
  readonly nodes: number;
  readonly c: Comparison;
  readonly ms: number;
}

describe('every backbone × attention kind: onnxruntime vs the reference', () => {
  const rows: Row[] = [];
  const cache = new WeightCache();
  afterAll(() => {
    cache.clear();
    const lines = rows.map(
      (r) =>
        `| ${r.model} | ${r.nodes} | ${r.c.maxAbsRef.toExponential(2)} | ${r.c.maxAbsError.toExponential(2)} | ` +
        `${relErr(r.c).toExponential(2)} | ${r.c.worstRatio.toFixed(3)} | ${r.ms.toFixed(0)} |`,
    );
    console.log(
      [
        `| model (${H}×${W}) | IR nodes | max |ref| | max |err| | max |err| / max |ref| | worst ratio | ms |`,
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...lines,
      ].join('\n'),
    );
  });

  for (const backbone of BACKBONE_NAMES) {
    for (const kind of ATTENTION_KINDS) {
      it(
        `${backbone} + ${kind}`,
        async (ctx) => {
          const t0 = performance.now();
          const opts = MODEL[backbone];
          let graph: Graph;
          try {
            graph = matrixModel(backbone, kind);
          } catch (e) {
            // Listed by the test below, which builds every combination itself.
            if (!(e instanceof CoordattnError)) throw e;
            ctx.skip();
            return;
          }
          const weights = modelWeights(backbone, cache.get(graph, 1, backbone));
          const input = uniformTensor([Number(opts.batch), 3, H, W], 2);
          const [c] = await ortVsReference(graph, weights, { input });
          // The same model compiled to kernels (webasm) against onnxruntime's output.
          const out = graph.outputs[0];
          const ortOut = (await runOrt(exportOnnx(graph, weights), { input }))[out];
          const k = compare(
            runCompiled(compile(graph, weights), { input }, 'webasm')[out],
            ortOut,
            FLOAT32_TOLERANCE,
          );
          expectPass([k], `${backbone} + ${kind}: compiled (webasm) vs onnxruntime`);
          rows.push({
            model: `${backbone} + ${kind}`,
            nodes: graph.nodes.length,
            c,
            ms: performance.now() - t0,
          });
          expectPass([c], `${backbone} + ${kind}`);
        },
        MATRIX_TIMEOUT_MS,
      );
    }
  }

  it('the combinations the library rejects are the expected ones', () => {
    const rejected: string[] = [];
    for (const backbone of BACKBONE_NAMES) {
      for (const kind of ATTENTION_KINDS) {
        try {
          matrixModel(backbone, kind);
        } catch (e) {
          if (!(e instanceof CoordattnError)) throw e;
          rejected.push(`${backbone} + ${kind}: ${e.message}`);
        }
      }
    }
    expect(rejected).toEqual(EXPECTED_REJECTED);
  });
});

// ---- attention blocks alone -------------------------------------------------------------------

const BLOCKS: readonly { name: string; spec: AttentionSpec }[] = [
  { name: 'CA', spec: { kind: 'ca', config: { reduction: 4 } } },
  { name: 'CA h', spec: { kind: 'ca', config: { reduction: 4, directions: 'h' } } },
  {
    name: 'CA w relu6',
    spec: { kind: 'ca', config: { reduction: 4, directions: 'w', activation: 'relu6' } },
  },
  { name: 'SE conv', spec: { kind: 'se', config: { reduction: 4 } } },
  {
    name: 'SE linear hard-sigmoid',
    spec: { kind: 'se', config: { reduction: 4, gate: 'hard_sigmoid', form: 'linear' } },
  },
  { name: 'ECA adaptive', spec: { kind: 'eca', config: { kernel: 'adaptive' } } },
  { name: 'ECA k=5', spec: { kind: 'eca', config: { kernel: 5 } } },
  { name: 'CBAM', spec: { kind: 'cbam', config: { reduction: 4 } } },
  { name: 'Triplet', spec: { kind: 'triplet' } },
];

function blockGraph(shape: readonly (number | Dim)[], s: AttentionSpec): Graph {
  const b = new GraphBuilder();
  b.output(attention(b, b.input('x', shape), s, 'attention'));
  return b.build();
}

describe('attention blocks alone (C 24, 7×10, batch 2): onnxruntime vs the reference', () => {
  for (const { name, spec: s } of BLOCKS) {
    it(name, async () => {
      const shape = [2, 24, 7, 10];
      const graph = blockGraph(shape, s);
      const cs = await ortVsReference(graph, seededWeights(graph, 11), { x: uniformTensor(shape, 12, 2) });
      expectPass(cs, name);
    });
  }
});

// ---- symbolic batch ---------------------------------------------------------------------------

describe('a symbolic batch N: one exported model, run at batch 1 and 3', () => {
  const N = Dim.sym('N');
  const cases: readonly { name: string; build: (batch: Dim | number) => Graph }[] = [
    ...BLOCKS.map(({ name, spec: s }) => ({
      name: `block ${name}`,
      build: (n: Dim | number) => blockGraph([n, 16, 5, 6], s),
    })),
    {
      name: 'resnet18 + se (Linear form: flatten, linear, view)',
      build: (batch) =>
        buildBackbone('resnet18', { batch, height: H, widthPx: W, classes: 10, attention: { kind: 'se' } }),
    },
    {
      name: 'mobilenetv3-small + cbam',
      build: (batch) =>
        buildBackbone('mobilenetv3-small', {
          width: 0.75,
          batch,
          height: H,
          widthPx: W,
          classes: 10,
          attention: { kind: 'cbam' },
        }),
    },
  ];
  for (const { name, build } of cases) {
    it(name, async () => {
      const symbolic = build(N);
      const weights = dampResiduals(seededWeights(symbolic, 5));
      const bytes = exportOnnx(symbolic, weights);
      for (const n of [1, 3]) {
        const concrete = build(n);
        const inShape = concrete.inputs[0].shape.map((d) => d.toInt()!);
        const x = { [concrete.inputs[0].name]: uniformTensor(inShape, 6 + n) };
        const y = await runOrt(bytes, x);
        const ref = run(concrete, x, weights);
        for (const o of concrete.outputs) {
          const c = compare(y[o], ref[o], FLOAT32_TOLERANCE);
          expect(c.pass, describeComparison(c, `${name} at batch ${n}`)).toBe(true);
        }
      }
    });
  }
});

// ---- every op -------------------------------------------------------------------------------

/** Ops whose second input is a divisor: drawn positive. */
const POSITIVE_INPUT: Partial<Record<OpName, number>> = { div: 1 };

function caseInputs(c: OpCase): fc.Arbitrary<Float64Array[]> {
  return fc.tuple(
    ...c.inputs.map((shape, i) =>
      POSITIVE_INPUT[c.op] === i
        ? tensorData(shape, { magnitude: 2, positive: true })
        : tensorData(shape, { magnitude: 2 }),
    ),
  );
}

function hasGenerator(op: OpName): boolean {
  try {
    opCase(op);
    return true;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}

async function checkCase(c: OpCase, data: readonly Float64Array[], seed: number): Promise<void> {
  const graph = opGraph(c);
  const inputs = Object.fromEntries(c.inputs.map((shape, i) => [`x${i}`, tensor(shape, data[i])]));
  const cs = await ortVsReference(graph, seededWeights(graph, seed), inputs);
  for (const cmp of cs) {
    if (!cmp.pass) throw new Error(`${JSON.stringify(c)}\n${describeComparison(cmp)}`);
  }
}

/** Cases where ONNX's semantics differ most easily from PyTorch's (and the new ops' bounds). */
const EDGE_CASES: readonly OpCase[] = [
  // ceil mode: the last window starts inside the right padding and is dropped (PyTorch's rule).
  { op: 'max_pool2d', inputs: [[1, 2, 5, 6]], attrs: { kernel: 2, stride: 2, padding: 1, ceilMode: true } },
  { op: 'avg_pool2d', inputs: [[1, 2, 5, 6]], attrs: { kernel: 2, stride: 2, padding: 1, ceilMode: true } },
  // ceil mode adds a window: written as floor mode with one more row of right padding.
  { op: 'max_pool2d', inputs: [[1, 2, 6, 7]], attrs: { kernel: 3, stride: 2, ceilMode: true } },
  {
    op: 'avg_pool2d',
    inputs: [[1, 2, 6, 7]],
    attrs: { kernel: 3, stride: 2, ceilMode: true, countIncludePad: false },
  },
  // ceil mode: a window hangs past the padded input (the divisor is clipped).
  { op: 'avg_pool2d', inputs: [[2, 3, 7, 8]], attrs: { kernel: 3, stride: 2, padding: 1, ceilMode: true } },
  { op: 'avg_pool2d', inputs: [[1, 2, 7, 9]], attrs: { kernel: 3, stride: 2, padding: 1 } },
  {
    op: 'avg_pool2d',
    inputs: [[1, 2, 7, 9]],
    attrs: { kernel: 3, stride: 2, padding: 1, countIncludePad: false },
  },
  {
    op: 'avg_pool2d',
    inputs: [[1, 2, 7, 8]],
    attrs: { kernel: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false },
  },
  { op: 'clip', inputs: [[2, 3, 4, 5]], attrs: { min: -0.5, max: 0.25 } },
  { op: 'clip', inputs: [[2, 3, 4, 5]], attrs: { min: -0.5 } },
  { op: 'clip', inputs: [[2, 3, 4, 5]], attrs: { max: 0.25 } },
  { op: 'offset', inputs: [[2, 3, 4, 5]], attrs: { value: 3 } },
  {
    op: 'sub',
    inputs: [
      [2, 3, 4, 5],
      [1, 3, 1, 5],
    ],
    attrs: {},
  },
  {
    op: 'div',
    inputs: [
      [2, 3, 4, 5],
      [3, 1, 1],
    ],
    attrs: {},
  },
  { op: 'slice', inputs: [[2, 3, 7, 5]], attrs: { axis: 2, start: 1, end: 6, step: 2 } },
  { op: 'slice', inputs: [[2, 3, 7, 5]], attrs: { axis: 3, start: 2, end: 100 } },
  { op: 'slice', inputs: [[2, 6]], attrs: { axis: 1, start: 0, end: 6, step: 4 } },
  { op: 'linear', inputs: [[2, 3, 5]], attrs: { outFeatures: 4 } },
  { op: 'linear', inputs: [[2, 3, 4, 5]], attrs: { outFeatures: 4, bias: false } },
  { op: 'flatten', inputs: [[2, 3, 4, 5]], attrs: { startDim: 2 } },
  { op: 'flatten', inputs: [[2, 3, 4, 5]], attrs: { startDim: 0 } },
  { op: 'batch_norm', inputs: [[2, 3, 4, 5]], attrs: { affine: false } },
  { op: 'batch_norm', inputs: [[4, 6]], attrs: {} },
  { op: 'channel_conv1d', inputs: [[2, 9, 1, 1]], attrs: { kernel: 5, bias: true } },
].filter((c) => (OP_NAMES as readonly string[]).includes(c.op)) as OpCase[];

describe('every IR op on fast-check cases: onnxruntime vs the reference', () => {
  const withCases = OP_NAMES.filter(hasGenerator);
  it('every op has cases here or in the edge cases below', () => {
    const covered = new Set([...withCases, ...EDGE_CASES.map((e) => e.op)]);
    expect(OP_NAMES.filter((op) => !covered.has(op))).toEqual([]);
  });
  for (const op of withCases) {
    it(op, async () => {
      const arb = opCase(op).chain((c) =>
        fc.record({ c: fc.constant(c), data: caseInputs(c), seed: fc.integer({ min: 1, max: 1 << 20 }) }),
      );
      await fc.assert(
        fc.asyncProperty(arb, ({ c, data, seed }) => checkCase(c, data, seed)),
        fcParams(8),
      );
    });
  }
});

describe('ONNX edge cases: onnxruntime vs the reference', () => {
  EDGE_CASES.forEach((c, i) => {
    it(`${c.op} ${JSON.stringify(c.attrs)} on ${JSON.stringify(c.inputs)}`, async () => {
      const data = c.inputs.map((shape, k) =>
        uniformTensor(shape, 100 + i * 4 + k, POSITIVE_INPUT[c.op] === k ? 1 : 2).data.map((v) =>
          POSITIVE_INPUT[c.op] === k ? Math.abs(v) + 0.5 : v,
        ),
      );
      await checkCase(c, data, 200 + i);
    });
  });
});

// ---- random graphs ----------------------------------------------------------------------------

describe('random valid graphs: onnxruntime vs the reference', () => {
  it('match end to end', async () => {
    const arb = randomGraph({ maxNodes: 6, maxBatch: 2 }).chain((graph) =>
      fc.record({
        graph: fc.constant(graph),
        data: fc.tuple(
          ...graph.inputs.map((i) =>
            tensorData(
              i.shape.map((d) => d.toInt()!),
              { magnitude: 2 },
            ),
          ),
        ),
        seed: fc.integer({ min: 1, max: 1 << 20 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ graph, data, seed }) => {
        const inputs = Object.fromEntries(
          graph.inputs.map((i, k) => [
            i.name,
            tensor(
              i.shape.map((d) => d.toInt()!),
              data[k],
            ),
          ]),
        );
        const cs = await ortVsReference(graph, seededWeights(graph, seed), inputs);
        const bad = cs.filter((c) => !c.pass);
        if (bad.length > 0) {
          throw new Error(
            `${graph.nodes.map((n) => `${n.path}: ${n.op}`).join('; ')}\n${bad.map((c) => describeComparison(c)).join('\n')}`,
          );
        }
      }),
      fcParams(25),
    );
  });
});

// ---- compiled kernels vs onnxruntime --------------------------------------------------------------

const gl = headlessGLAvailable();
if (process.env.COORDATTN_REQUIRE_GL === '1' && !gl.ok) {
  throw new Error(`COORDATTN_REQUIRE_GL=1 but headlessgl is unavailable: ${gl.reason}`);
}
/** The matrix above runs the compiled kernels on webasm; three models run on every other mode. */
const OTHER_MODES: readonly Mode[] = gl.ok ? ['cpu', 'headlessgl'] : ['cpu'];

describe.each(OTHER_MODES)('compiled kernels (%s) vs onnxruntime', (mode) => {
  const MODELS: readonly { backbone: BackboneName; opts: BackboneOptions }[] = [
    { backbone: 'mobilenetv2', opts: { width: 0.35, attention: { kind: 'ca' } } },
    { backbone: 'resnet18', opts: { attention: { kind: 'cbam' } } },
    { backbone: 'mobilenetv3-large', opts: { width: 0.35, attention: { kind: 'se' } } },
  ];
  for (const { backbone, opts } of MODELS) {
    it(`${backbone} + ${opts.attention!.kind}`, async () => {
      const graph = buildBackbone(backbone, { ...opts, batch: 2, height: H, widthPx: W, classes: 10 });
      const weights = modelWeights(backbone, seededWeights(graph, 9));
      const input = uniformTensor([2, 3, H, W], 10);
      const out = graph.outputs[0];
      const ort = (await runOrt(exportOnnx(graph, weights), { input }))[out];
      const compiled = runCompiled(compile(graph, weights), { input }, mode)[out];
      const c = compare(compiled, ort, FLOAT32_TOLERANCE);
      console.log(
        describeComparison(c, `${backbone} + ${opts.attention!.kind}: compiled (${mode}) vs onnxruntime`),
      );
      expect(c.pass, describeComparison(c)).toBe(true);
    });
  }
});
