// Compile MobileNetV2 + CA to gpu.js kernels (kernels as plain data) and write them as a
// standalone ES module (model.js + .d.ts), as `coordattn compile` does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, kernelsReport, writeCompiledModule } from '@coordattn/codegen';
import { buildBackbone } from '@coordattn/ir';
import { initWeights } from '@coordattn/reference';

const graph = buildBackbone('mobilenetv2', { attention: { kind: 'ca' }, recipe: 'ca-paper' });
const weights = initWeights(graph, 1); // seeded; or loadWeights('model.json', { graph })
const compiled = compile(graph, weights); // every pass on; { passes: { 'fuse-gate': false } } switches one off

const { kernels, passes } = compiled.program;
console.log(`kernels: ${kernels.length}`);
console.log(`passes: ${passes.join(', ')}`);
// CA's two directional pools run as one kernel per block (the fuse-reductions pass).
console.log(`multi_reduce kernels: ${kernels.filter((k) => k.template === 'multi_reduce').length}`);
console.log(kernelsReport(compiled).split('\n').slice(0, 6).join('\n'));

// The standalone model module with its runtime, program.json, the weights and kernels.md.
const dir = mkdtempSync(join(tmpdir(), 'mbv2-ca-'));
const written = writeCompiledModule(dir, compiled, { title: 'mobilenetv2 + ca' });
console.log(`wrote ${written.files.length} files to ${dir}`);
