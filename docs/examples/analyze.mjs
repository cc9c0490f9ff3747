// Params and MACs of MobileNetV2 + CA, exactly, and the number fvcore 0.1.6 prints for it.
import { analyze, applyPreset, buildReport, evalCount, evaluate, getPreset } from '@coordattn/cost';
import { buildBackbone } from '@coordattn/ir';

const graph = buildBackbone('mobilenetv2', { attention: { kind: 'ca' }, recipe: 'ca-paper' });
const analysis = analyze(graph);

// Every column, evaluated exactly at the graph's bindings (here all dims are concrete).
const { totals } = evaluate(analysis);
console.log(`params: ${totals.params}`);
console.log(`MACs: ${totals.macs}`); // conv + linear multiply-accumulates (the `paper` preset)

// One counting convention: paper, thop-2019, thop, fvcore, ptflops, ptflops-modules,
// torch-flop-counter or full (docs/costs.md).
const fvcore = applyPreset(analysis, 'fvcore');
console.log(`fvcore: ${evalCount(fvcore.value, {}, 'fvcore total')} (${getPreset('fvcore').unit})`);

// The same through a report (what `coordattn report --format json` prints), grouped by stage.
const report = buildReport(graph, { preset: 'thop-2019', groupBy: 'stage', analysis });
console.log(`thop-2019: ${report.total.value}`);
console.log(`stages: ${report.groups.rows.length}`);
