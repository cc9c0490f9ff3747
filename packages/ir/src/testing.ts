/**
 * Test settings shared by the tests of every package, imported as `@coordattn/ir/testing` (not
 * part of the library: `index.ts` does not export it, and it imports nothing, so ir's production
 * dependencies stay as they are — no fast-check here, only numbers).
 *
 * - `FC_SEED`: the seed of every fast-check property. Environment variable FC_SEED, default
 *   20261122 (the value .ci/run sets).
 * - `fcRuns(defaultRuns)`: the runs of one property. Environment variable FC_RUNS, when set,
 *   *sets* the runs of every property (lower for a quick pass, higher for a deep local sweep);
 *   unset, each property runs its own default, chosen for the CI budget.
 *
 * Both are read here and nowhere else, once, when the module loads. A value that is not an
 * integer (FC_SEED) or not a positive integer (FC_RUNS) is an error naming the variable; an empty
 * value counts as unset (as `${FC_SEED:-…}` does in .ci/run).
 */

/** The seed used when FC_SEED is unset. */
export const DEFAULT_FC_SEED = 20261122;

/** The fast-check settings an environment asks for: a seed, and runs when FC_RUNS is set. */
export interface FcSettings {
  readonly seed: number;
  readonly runs: number | undefined;
}

function readInteger(name: string, text: string | undefined, min: number): number | undefined {
  const t = text?.trim();
  if (t === undefined || t === '') return undefined;
  const value = Number(t);
  if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(value) || value < min) {
    const what = min > 0 ? 'a positive integer' : 'an integer';
    throw new Error(`${name} must be ${what}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Reads FC_SEED and FC_RUNS from `env` (validated; see the module comment). */
export function readFcSettings(env: Readonly<Record<string, string | undefined>>): FcSettings {
  return {
    seed: readInteger('FC_SEED', env.FC_SEED, Number.MIN_SAFE_INTEGER) ?? DEFAULT_FC_SEED,
    runs: readInteger('FC_RUNS', env.FC_RUNS, 1),
  };
}

const settings = readFcSettings(process.env);

/** The seed of every fast-check property: FC_SEED, default 20261122. */
export const FC_SEED: number = settings.seed;

/**
 * The runs of a property whose own default is `defaultRuns`: FC_RUNS when set (it sets the runs
 * of every property), else `defaultRuns`.
 */
export function fcRuns(defaultRuns: number): number {
  if (!Number.isSafeInteger(defaultRuns) || defaultRuns < 1) {
    throw new RangeError(`fcRuns: the default runs must be a positive integer, got ${defaultRuns}`);
  }
  return settings.runs ?? defaultRuns;
}

/** `{ seed, numRuns }` for fc.assert / fc.check: FC_SEED and `fcRuns(defaultRuns)`. */
export function fcParams(defaultRuns: number): { seed: number; numRuns: number } {
  return { seed: FC_SEED, numRuns: fcRuns(defaultRuns) };
}

/**
 * The DeepLabV3 options a key of packages/cost/test-data/deeplabv3-counts.json names
 * (`<attention>/os<output stride>/<classes>`, e.g. `ca/os16/21`), for the ir and cost tests.
 */
export function deeplabv3Options(key: string): {
  readonly attention?: { readonly kind: 'se' | 'cbam' | 'ca' };
  readonly outputStride: 8 | 16;
  readonly classes: number;
} {
  const [kind, os, classes] = key.split('/');
  return {
    ...(kind === 'none' ? {} : { attention: { kind: kind as 'se' | 'cbam' | 'ca' } }),
    outputStride: Number(os.slice(2)) as 8 | 16,
    classes: Number(classes),
  };
}
