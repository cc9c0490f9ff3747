export * from './errors.js';
export * from './dim/index.js';
export * from './graph/index.js';
export * from './ops/index.js';
export * from './blocks/index.js';
export * from './backbones/index.js';
export * from './spec/index.js';
