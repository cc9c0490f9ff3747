/** Shared test settings: fast-check seed and run count from FC_SEED / FC_RUNS. */
export const FC_SEED = Number(process.env.FC_SEED ?? 20261122);
export const FC_RUNS = Number(process.env.FC_RUNS ?? 500);
export const fcParams = { seed: FC_SEED, numRuns: Math.max(FC_RUNS, 1) } as const;
