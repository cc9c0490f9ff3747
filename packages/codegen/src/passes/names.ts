/** The lowering passes' names, in the order they run (their rewrites: ./index.ts). */
export const PASS_NAMES = [
  'eliminate-identity',
  'fold-bn',
  'fuse-reductions',
  'fuse-epilogue',
  'fuse-gate',
  'channel-minor',
] as const;
export type PassName = (typeof PASS_NAMES)[number];
