/**
 * The PyTorch-exported networks (torchvision MobileNetV2 and MobileNetV3-Small, the CA authors'
 * MobileNetV2 + CA, a small torchvision DeepLabV3 head) compiled to kernels with their own weights and run on every mode: the outputs
 * match PyTorch's within the network tolerance (the runtime checks every kernel's real backend and
 * throws on a silent fallback).
 * headlessgl runs where a GL context exists (`xvfb-run -a`); COORDATTN_REQUIRE_GL=1 (CI) makes a
 * missing context a failure instead of a skip.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, headlessGLAvailable, runCompiled, type Mode } from '@coordattn/codegen';
import {
  compare,
  decodeNpy,
  describeComparison,
  FLOAT32_NETWORK_TOLERANCE,
  type Tensor,
} from '@coordattn/reference';
import { importOnnx } from './import.js';

const gl = headlessGLAvailable();
if (process.env.COORDATTN_REQUIRE_GL === '1' && !gl.ok) {
  throw new Error(`COORDATTN_REQUIRE_GL=1 but headlessgl is unavailable: ${gl.reason}`);
}
if (!gl.ok) console.warn(`[onnx compiled tests] headlessgl skipped: ${gl.reason}`);
const MODES: readonly Mode[] = gl.ok ? ['cpu', 'webasm', 'headlessgl'] : ['cpu', 'webasm'];

const DATA = new URL('../../test-data/', import.meta.url);
const npy = (name: string): Tensor => decodeNpy(readFileSync(new URL(`${name}.npy`, DATA)), `${name}.npy`);
// deeplabv3_head_33x29: torchvision's ASPP and the logits' upsampling (Resize → the resize kernel)
const NETWORKS = ['mobilenet_v2_w035_64', 'mobilenet_v3_small_64', 'mbv2_ca_w035_64', 'deeplabv3_head_33x29'];

describe.each(MODES)('PyTorch-exported networks compiled on %s', (mode) => {
  for (const name of NETWORKS) {
    it(`${name}: output within tolerance of PyTorch's`, () => {
      const { graph, weights } = importOnnx(readFileSync(new URL(`${name}.onnx`, DATA)), { file: name });
      const compiled = compile(graph, weights);
      const y = runCompiled(compiled, { [graph.inputs[0].name]: npy(`${name}.input`) }, mode)[
        graph.outputs[0]
      ];
      const c = compare(y, npy(`${name}.output`), FLOAT32_NETWORK_TOLERANCE);
      expect(c.pass, describeComparison(c, `${name} on ${mode}`)).toBe(true);
    });
  }
});

describe('imported attention blocks get fused kernels (the passes match by op traits, not names)', () => {
  const BLOCKS = [
    'ca_c32_h14_w12',
    'ca_c32_h14_w12_op11',
    'se_c64_h6_w6',
    'eca_c64_h7_w7',
    'cbam_c64_h8_w10',
    'triplet_c16_h9_w11',
  ];
  const ALL_OFF = {
    'eliminate-identity': false,
    'fold-bn': false,
    'fuse-reductions': false,
    'fuse-epilogue': false,
    'fuse-gate': false,
  } as const;
  for (const name of BLOCKS) {
    it(`${name}: fewer kernels with the passes on, the same output on cpu`, () => {
      const { graph, weights } = importOnnx(readFileSync(new URL(`${name}.onnx`, DATA)), { file: name });
      const on = compile(graph, weights);
      const off = compile(graph, weights, { passes: ALL_OFF });
      expect(on.program.kernels.length).toBeLessThan(off.program.kernels.length);
      if (name.startsWith('ca') || name.startsWith('cbam') || name.startsWith('triplet')) {
        expect(on.program.kernels.some((k) => k.template === 'multi_reduce')).toBe(true);
      }
      const y = runCompiled(on, { [graph.inputs[0].name]: npy(`${name}.input`) }, 'cpu')[graph.outputs[0]];
      const c = compare(y, npy(`${name}.output`), FLOAT32_NETWORK_TOLERANCE);
      expect(c.pass, describeComparison(c, name)).toBe(true);
    });
  }
});
