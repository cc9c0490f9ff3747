// Run compiled kernels on gpu.js's cpu mode and compare them with the float64 reference
// interpreter, as `coordattn verify` does (modes: cpu, webasm, headlessgl under xvfb-run).
import { compile, runCompiled } from '@coordattn/codegen';
import { buildBackbone } from '@coordattn/ir';
import {
  compare,
  describeComparison,
  FLOAT32_NETWORK_TOLERANCE,
  initWeights,
  run,
  uniformTensor,
} from '@coordattn/reference';

// A small MobileNetV2 + CA (width 0.35, 32 × 48, 10 classes) keeps the cpu mode quick.
const graph = buildBackbone('mobilenetv2', {
  width: 0.35,
  height: 32,
  widthPx: 48,
  classes: 10,
  attention: { kind: 'ca' },
});
const weights = initWeights(graph, 7, { randomBnStats: true, randomBias: true });
const input = uniformTensor([1, 3, 32, 48], 8); // uniform in [-1, 1], float32 values

const compiled = compile(graph, weights);
const [output] = graph.outputs;
const y = runCompiled(compiled, { input }, 'cpu')[output]; // float32 kernels
const ref = run(graph, { input }, weights)[output]; // float64 reference, same weights

const c = compare(y, ref, FLOAT32_NETWORK_TOLERANCE); // |y − ref| ≤ atol + rtol·|ref| elementwise
console.log(`output: [${y.shape.join(', ')}]`);
console.log(`max |y - ref|: ${c.maxAbsError.toExponential(2)} (max |ref| ${c.maxAbsRef.toFixed(3)})`);
console.log(describeComparison(c, 'cpu kernels vs float64 reference'));
console.log(c.pass ? 'PASS' : 'FAIL');
if (!c.pass) process.exitCode = 1;
