/** The counting presets' names (definitions: ./index.ts); imports nothing, for fast CLI help. */
export const PRESET_NAMES = [
  'paper',
  'thop-2019',
  'thop',
  'fvcore',
  'ptflops',
  'ptflops-modules',
  'torch-flop-counter',
  'full',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
