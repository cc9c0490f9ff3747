/**
 * Differential tests on random valid graphs (NNSmith-style, from @coordattn/reference's
 * randomGraph: primitive ops and attention blocks composed on concrete shapes): every graph is
 * compiled with all passes, and each kernel and the graph outputs are compared with the reference
 * interpreter, in every mode under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeComparison, tensor } from '@coordattn/reference';
import { randomGraph, tensorData } from '@coordattn/reference/arbitraries';
import { compile } from './compile.js';
import { assertProperty, runsFor, seededWeights, TEST_MODES } from './test-util.js';
import { verifyCompiled } from './verify.js';

const graphCase = randomGraph({ maxNodes: 6, maxBatch: 2 }).chain((graph) =>
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

describe.each(TEST_MODES)('random valid graphs compiled on %s', (mode) => {
  it('match the reference interpreter kernel by kernel and end to end', () => {
    let kernels = 0;
    assertProperty(
      fc.property(graphCase, ({ graph, data, seed }) => {
        const weights = seededWeights(graph, seed);
        const inputs = Object.fromEntries(
          graph.inputs.map((i, k) => [
            i.name,
            tensor(
              i.shape.map((d) => d.toInt()!),
              data[k],
            ),
          ]),
        );
        const compiled = compile(graph, weights);
        kernels += compiled.program.kernels.length;
        const r = verifyCompiled(graph, compiled, weights, inputs, mode);
        const bad = [...r.kernels.map((k) => k.comparison), ...r.outputs.map((o) => o.comparison)].filter(
          (c) => !c.pass,
        );
        if (bad.length > 0) {
          throw new Error(
            `${graph.nodes.map((n) => `${n.path}: ${n.op}`).join('; ')}\n${bad.map((c) => describeComparison(c)).join('\n')}`,
          );
        }
      }),
      runsFor(mode, 0.6),
      { file: 'src/random-graphs.test.ts', test: `on ${mode}` },
    );
    expect(kernels).toBeGreaterThan(0);
  });
});
