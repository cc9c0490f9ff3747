/**
 * Names the CLI shows in its help before it loads anything heavy: `@coordattn/codegen/names`
 * imports nothing (no gpu.js, no ts-morph), so `coordattn --help` stays fast.
 */
export { PASS_NAMES, type PassName } from './passes/names.js';
