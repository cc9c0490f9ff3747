/**
 * Names the CLI shows in its help before it loads the analyzer: `@coordattn/cost/names` imports
 * nothing, so `coordattn --help` stays fast.
 */
export { PRESET_NAMES, type PresetName } from './presets/names.js';
