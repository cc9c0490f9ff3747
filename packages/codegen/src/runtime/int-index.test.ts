/**
 * Integer index math in compiled models (docs/gpujs-patch.md): with the gpu.js patch, no kernel of
 * a real model at batch 2 converts a float to an integer, so no index goes through float math.
 * Batch 2 makes the kernels split n and c out of this.thread.z (`Math.floor(z / OC)`, source.ts
 * outputCoords) and grouped convs take their first input channel as `Math.floor(c / OG) * CG`
 * (contraction.ts): both are integer expressions to the patch. Kernels of templates that compute
 * coordinates in float are listed in EXCEPTIONS with the reason.
 */
import { describe, expect, it } from 'vitest';
import { buildBackbone, GraphBuilder, type AttentionSpec, type Graph } from '@coordattn/ir';
import { compile, float32Params } from '../compile.js';
import { blockGraph, seededTensor, seededWeights } from '../test-util.js';
import { countFloatToInt, gpujsPatchStatus, kernelWasmBytes, wasmBodies } from './gpujs-patch.js';
import { Runtime } from './runtime.js';

const DISABLED = process.env.COORDATTN_GPUJS_PATCH === '0';

/** Templates whose indices are genuinely float, by the reason. */
const EXCEPTIONS: Readonly<Record<string, string>> = {
  resize:
    'bilinear: the source row and column are float, sy = max((y + 0.5)·H/Ho − 0.5, 0), and the rows read are Math.min(Math.floor(sy), H − 1) and the next one',
};

interface KernelConversions {
  readonly name: string;
  readonly template: string;
  readonly source: string;
  /** Float → int conversions in the kernel's wasm (all function bodies). */
  readonly conversions: number;
}

/** Compiles `graph`, runs it once on webasm (gpu.js builds every kernel) and counts each kernel's conversions. */
function conversions(graph: Graph): KernelConversions[] {
  const weights = seededWeights(graph, 3);
  const compiled = compile(graph, weights);
  const rt = new Runtime(compiled.program, float32Params(compiled.params), { mode: 'webasm' });
  try {
    const inputs = Object.fromEntries(
      compiled.program.inputs.map((i) => [i.name, Float32Array.from(seededTensor(i.shape, 4).data)]),
    );
    const out = rt.run(inputs);
    for (const o of compiled.program.outputs) expect(out[o.ref].every(Number.isFinite), o.ref).toBe(true);
    // the gpu.js kernels the runtime built (private: this test reads their wasm)
    const kernels = (rt as unknown as { kernels: readonly unknown[] }).kernels;
    return compiled.program.kernels.map((k, i) => {
      const bytes = kernelWasmBytes(kernels[i]);
      expect(bytes, k.name).toBeDefined();
      const n = wasmBodies(bytes!).reduce((s, b) => s + countFloatToInt(b.code), 0);
      return { name: k.name, template: k.template, source: k.source, conversions: n };
    });
  } finally {
    rt.destroy();
  }
}

/** Kernels outside EXCEPTIONS whose wasm converts a float to an integer, with their source. */
function offenders(ks: readonly KernelConversions[]): string {
  return ks
    .filter((k) => k.conversions > 0 && !(k.template in EXCEPTIONS))
    .map((k) => `${k.name} (${k.template}): ${k.conversions} conversion(s)\n${k.source}`)
    .join('\n\n');
}

/** `const n = Math.floor(z / this.constants.OC);` (source.ts outputCoords, whatever the constant's name). */
const BATCH_SPLIT = /const n = Math\.floor\(z \/ this\.constants\.\w+\);/;

const mobilenetv2 = (attention: AttentionSpec): Graph =>
  buildBackbone('mobilenetv2', { width: 0.35, height: 32, widthPx: 32, batch: 2, classes: 10, attention });

describe.skipIf(DISABLED)('integer index math in compiled models (gpu.js patch)', () => {
  it('the patch is applied', () => {
    expect(gpujsPatchStatus().applied).toBe(true);
  });

  for (const kind of ['ca', 'se'] as const) {
    it(`MobileNetV2 0.35 + ${kind.toUpperCase()}, 32×32, batch 2: no kernel converts a float to an integer`, () => {
      const ks = conversions(mobilenetv2({ kind }));
      // the batch split (n out of z by a division) is there, and every kernel that has it is integer
      expect(ks.filter((k) => BATCH_SPLIT.test(k.source)).length).toBeGreaterThan(10);
      expect(offenders(ks)).toBe('');
    });
  }

  it('attention blocks with a grouped conv consumer and a bilinear resize, batch 2: only resize converts', () => {
    const ks: KernelConversions[] = [];
    const specs: AttentionSpec[] = [
      { kind: 'eca', config: { kernel: 'adaptive' } },
      { kind: 'cbam', config: { reduction: 4 } },
      { kind: 'triplet' },
      { kind: 'ca', config: { reduction: 4, directions: 'h' } },
    ];
    for (const spec of specs) {
      // groups 2: 12 input and 8 output channels per group, `const cb = Math.floor(c / 8) * 12`
      const consumer = { outChannels: 16, kernel: 3, padding: 1, stride: 1, groups: 2, bias: true };
      ks.push(...conversions(blockGraph([2, 24, 7, 10], spec, consumer)));
    }
    const b = new GraphBuilder();
    const x = b.input('x', [2, 8, 5, 7]);
    b.output(b.op('resize', x, { size: [9, 13] }, { name: 'up' }));
    ks.push(...conversions(b.build()));

    expect(ks.some((k) => /const cb = Math\.floor\(.* \/ 8\) \* 12;/.test(k.source))).toBe(true);
    expect(offenders(ks)).toBe('');
    // the exception is real: the resize kernel's indices are float
    const resize = ks.filter((k) => k.template === 'resize');
    expect(resize.length).toBeGreaterThan(0);
    expect(resize.every((k) => k.conversions > 0)).toBe(true);
  });
});
