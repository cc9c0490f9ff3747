/**
 * Shared settings of the codegen tests: the modes under test, runs per mode, fixed seeds, and a
 * property runner whose failure message names the seed and the command that replays it.
 *
 * - cpu and webasm always run. headlessgl runs when gpu.js finds a GL context (the `gl` package
 *   built, an X display: `xvfb-run -a`). With COORDATTN_REQUIRE_GL=1 (set by .ci/run) a missing
 *   GL context fails the suite instead of skipping the GL cases, and every GL case asserts that it
 *   ran on HeadlessGLKernel.
 * - FC_SEED (default 20261122) fixes every property; FC_RUNS sets the runs of every property in
 *   every mode (default: per mode, chosen for the CI budget). Both are read by
 *   `@coordattn/ir/testing`, the one reader of them.
 */
import fc from 'fast-check';
import { attention, GraphBuilder, type AttentionSpec, type Graph } from '@coordattn/ir';
import { FC_SEED, fcRuns } from '@coordattn/ir/testing';
import { initWeights, type Tensor } from '@coordattn/reference';
import { TEMPLATES } from './kernels/index.js';
import type { KernelTemplate, TemplateContext, TemplateOverrides } from './kernels/types.js';
import type { Template } from './lower/lgraph.js';
import { headlessGLAvailable, type Mode } from './runtime/runtime.js';
import { float32Weights } from './verify.js';

export const REQUIRE_GL = process.env.COORDATTN_REQUIRE_GL === '1';

const gl = headlessGLAvailable();
if (REQUIRE_GL && !gl.ok) {
  throw new Error(`COORDATTN_REQUIRE_GL=1 but headlessgl is unavailable: ${gl.reason}`);
}
/** The modes the suite runs: headlessgl only when a GL context exists (required in CI). */
export const TEST_MODES: readonly Mode[] = gl.ok ? ['cpu', 'webasm', 'headlessgl'] : ['cpu', 'webasm'];
if (!gl.ok) console.warn(`[codegen tests] headlessgl cases skipped: ${gl.reason}`);

const DEFAULT_RUNS: Readonly<Record<Mode, number>> = { cpu: 16, webasm: 10, headlessgl: 5 };

/**
 * Runs of a property in `mode`: its default is the mode's runs scaled by `factor` (for cheap or
 * expensive properties); FC_RUNS, when set, sets it.
 */
export function runsFor(mode: Mode, factor = 1): number {
  return fcRuns(Math.max(1, Math.round(DEFAULT_RUNS[mode] * factor)));
}

/**
 * fc.assert with the project's seed; on failure the error names the seed, the counterexample
 * path and the command that replays it.
 */
export function assertProperty<T>(
  property: fc.IProperty<T>,
  numRuns: number,
  replay: { file: string; test: string },
): void {
  const details = fc.check(property, { seed: FC_SEED, numRuns });
  if (details.failed) {
    throw new Error(
      `${fc.defaultReportMessage(details)}\n` +
        `replay: FC_SEED=${FC_SEED} npx vitest run ${replay.file} -t "${replay.test}"` +
        ` (fast-check path ${details.counterexamplePath ?? '?'})`,
    );
  }
}

/** Float32-exact uniform test inputs: the reference's seeded generator. */
export { uniformTensor as seededTensor } from '@coordattn/reference';

/** Seeded float32 weights with random BN statistics and biases (so folding and biases are exercised). */
export function seededWeights(graph: Graph, seed: number): Map<string, Tensor> {
  return float32Weights(initWeights(graph, seed, { randomBnStats: true, randomBias: true }));
}

/** A graph of one attention block on x [N, C, H, W], optionally followed by a conv2d consumer. */
export function blockGraph(
  shape: readonly number[],
  spec: AttentionSpec,
  consumer?: Record<string, unknown>,
): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', shape);
  let y = attention(b, x, spec, 'attention');
  if (consumer) y = b.op('conv2d', y, consumer as never, { name: 'consumer' });
  b.output(y);
  return b.build();
}

/** Deliberate faults for the mutation check: the property tests must fail on each. */
export const MUTATIONS = ['padding-off-by-one', 'drop-bias'] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** A template run on a node with changed attributes (the fault is in what it is told, not its code). */
function withAttrs<T extends Template>(
  t: T,
  change: (a: TemplateContext<T>['node']['attrs']) => TemplateContext<T>['node']['attrs'],
): KernelTemplate<T> {
  const base = TEMPLATES[t] as KernelTemplate<T>;
  return (ctx) => base({ ...ctx, node: { ...ctx.node, attrs: change(ctx.node.attrs) } });
}

const shift = (p: readonly [number, number]): [number, number] => [p[0] + 1, p[1] + 1];

/**
 * The faulty templates of a mutation, registered in place of the real ones from the test side
 * (compile's `templates` option), as TF.js tests register kernels: production code has no hook.
 */
export function faultyTemplates(m: Mutation): TemplateOverrides {
  if (m === 'drop-bias') {
    return {
      conv2d: withAttrs('conv2d', (a) => ({ ...a, bias: false })),
      linear: withAttrs('linear', (a) => ({ ...a, bias: false })),
      channel_conv1d: withAttrs('channel_conv1d', (a) => ({ ...a, bias: false })),
    };
  }
  const conv1d = TEMPLATES.channel_conv1d;
  return {
    conv2d: withAttrs('conv2d', (a) => ({ ...a, padding: shift(a.padding) })),
    window_pool: withAttrs('window_pool', (a) => ({ ...a, padding: shift(a.padding) })),
    // ECA's "same" padding is (k − 1) / 2 in the kernel's constants.
    channel_conv1d: (ctx) => {
      const r = conv1d(ctx);
      return { ...r, constants: { ...r.constants, HALF: (r.constants.HALF ?? 0) + 1 } };
    },
  };
}
