/**
 * Lowering passes, in the order they run. Each is a named rewrite of the lowered graph that can be
 * switched off on its own (`compile(..., { passes: { 'fuse-gate': false } })`, `--no-pass`) and is
 * tested on its own: with or without it the program computes the same function.
 *
 * - eliminate-identity: dropout and identity become aliases of their input; a flatten of a
 *   [N,C,1,1] value read only by linear layers is read through directly.
 * - fold-bn: BatchNorm after a conv2d / linear with no other reader folds into its weights and bias
 *   (computed in float64 at compile time): w' = w·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β.
 * - fuse-reductions: reductions of one input (ops with the `reduce` trait), each optionally
 *   permuted, that meet in a concat become one `multi_reduce` kernel (CA's descriptor, CBAM's and
 *   Triplet's channel pools).
 * - fuse-epilogue: an activation, clip, scale, offset, add, sub, mul or div whose input has no
 *   other reader runs in the producer's epilogue (conv + bias + act + residual add is one kernel; `x·a_w·a_h` is one kernel).
 * - fuse-gate: a kernel that only multiplies its input by gates (`x·a_h·a_w`, SE/ECA/CBAM
 *   re-weighting) and feeds a conv2d as its only reader is folded into the conv's input reads.
 * - channel-minor: rank-4 values with C a multiple of 4 are stored NHWC (SIMD lanes over
 *   channels; conv weights transposed at compile time); readers index each value with its own
 *   strides, graph outputs stay NCHW.
 */
import type { OpName } from '@coordattn/ir';
import type { LGraph } from '../lower/lgraph.js';
import type { AnyMode } from '../runtime/runtime.js';
import { eliminateIdentity } from './eliminate-identity.js';
import { foldBn } from './fold-bn.js';
import { fuseReductions } from './fuse-reductions.js';
import { fuseEpilogue } from './fuse-epilogue.js';
import { fuseGate } from './fuse-gate.js';
import { channelMinor } from './channel-minor.js';
import type { PassName } from './names.js';

export interface Pass {
  readonly name: PassName;
  readonly summary: string;
  /** Rewrites g in place. */
  run(g: LGraph): void;
}

export { PASS_NAMES, type PassName } from './names.js';

export const PASSES: readonly Pass[] = [
  {
    name: 'eliminate-identity',
    summary: 'dropout/identity alias their input; flatten of [N,C,1,1] read in place by linear',
    run: eliminateIdentity,
  },
  {
    name: 'fold-bn',
    summary: 'BatchNorm folded into the preceding conv2d/linear weights and bias',
    run: foldBn,
  },
  {
    name: 'fuse-reductions',
    summary: 'reductions of one input meeting in a concat (CA, CBAM, Triplet pools) in one kernel',
    run: fuseReductions,
  },
  {
    name: 'fuse-epilogue',
    summary: 'activation / clip / scale / offset / add / sub / mul / div run in the producing kernel',
    run: fuseEpilogue,
  },
  {
    name: 'fuse-gate',
    summary: 'gate multiplies folded into the consuming conv2d input reads',
    run: fuseGate,
  },
  {
    name: 'channel-minor',
    summary: 'rank-4 values stored NHWC (SIMD lanes over channels), read through their strides',
    run: channelMinor,
  },
];

export type PassSwitches = Partial<Record<PassName, boolean>>;

/**
 * The passes whose benefit depends on the backend, for a program compiled for `mode` (measured in
 * docs/performance.md): `channel-minor` is on for webasm (its SIMD lanes over channels made
 * MobileNetV2 + CA 24 % faster) and off for cpu (its kernels build 2× slower) and the GL / WebGPU
 * modes (textures: 8 % slower on headlessgl). Without a mode every pass is on. A program compiled
 * for one mode runs correctly on every mode.
 */
export function passDefaults(mode: AnyMode | undefined): PassSwitches {
  if (mode === undefined || mode === 'webasm') return {};
  return { 'channel-minor': false };
}

/** IR ops a pass removes altogether (they keep a template, used when that pass is switched off). */
export const LOWERED_AWAY: Readonly<Partial<Record<OpName, PassName>>> = {
  batch_norm: 'fold-bn',
  dropout: 'eliminate-identity',
  flatten: 'eliminate-identity',
  identity: 'eliminate-identity',
};

/** Runs every enabled pass (all by default) in order; returns the names of those that ran. */
export function applyPasses(g: LGraph, switches: PassSwitches = {}): PassName[] {
  const ran: PassName[] = [];
  for (const p of PASSES) {
    if (switches[p.name] === false) continue;
    p.run(g);
    ran.push(p.name);
  }
  return ran;
}

export { channelMinor, eliminateIdentity, foldBn, fuseEpilogue, fuseGate, fuseReductions };
