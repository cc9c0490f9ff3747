/**
 * IR → ONNX → IR: every backbone with every attention kind, exported and imported back, gives the
 * same graph — node paths, ops and output shapes — and bit-identical weights.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTENTION_KINDS,
  BACKBONE_NAMES,
  buildBackbone,
  type AttentionSpec,
  type Graph,
} from '@coordattn/ir';
import { initWeights } from '@coordattn/reference';
import { exportOnnx } from './export/index.js';
import { importOnnx } from './import/index.js';

/** Ops the exporter writes as nothing the importer can tell apart from their input. */
const VANISHING = new Set(['dropout', 'identity']);

function signature(g: Graph): string[] {
  return g.nodes
    .filter((n) => !VANISHING.has(n.op))
    .map(
      (n) =>
        `${n.path} ${n.op} ${n.outputs.map((s) => `[${s.map((d) => d.toString()).join(',')}]`).join(' ')}`,
    );
}

/**
 * ResNet-101 and -152 repeat ResNet-50's Bottleneck (44M and 60M parameters at any resolution):
 * they add time, not coverage.
 */
const BACKBONES = BACKBONE_NAMES.filter((b) => b !== 'resnet101' && b !== 'resnet152');

describe('IR → ONNX → IR round trip', () => {
  for (const backbone of BACKBONES) {
    for (const kind of ATTENTION_KINDS) {
      it(`${backbone} + ${kind}`, () => {
        const attention = (kind === 'none' ? { kind } : { kind, config: {} }) as AttentionSpec;
        const g = buildBackbone(backbone, { attention, height: 32, widthPx: 40, classes: 10 });
        const w = initWeights(g, 7, { randomBnStats: true, randomBias: true });
        const back = importOnnx(exportOnnx(g, w), { file: `${backbone}-${kind}.onnx` });
        const [a, b] = [signature(back.graph), signature(g)];
        const first = a.findIndex((x, i) => x !== b[i]);
        expect(first === -1 ? undefined : `${a[first]} ≠ ${b[first]}`).toBeUndefined();
        expect(a.length).toBe(b.length);
        expect([...back.weights.keys()].sort()).toEqual([...w.keys()].sort());
        const differing: string[] = [];
        for (const [id, t] of w) {
          const b = back.weights.get(id)!;
          expect(b.shape, id).toEqual(t.shape);
          // Bit patterns of the float32 values, compared in a loop (toEqual on millions of elements is slow).
          const x = new Uint32Array(Float32Array.from(b.data).buffer);
          const y = new Uint32Array(Float32Array.from(t.data).buffer);
          if (x.length !== y.length || x.some((v, i) => v !== y[i])) differing.push(id);
        }
        expect(differing).toEqual([]);
      });
    }
  }
});
