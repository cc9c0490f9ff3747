/**
 * The template registry and the one function that turns a lowered node into a kernel descriptor:
 * it names the arguments, runs the template, appends the epilogue and checks the index limits.
 */
import { CoordattnError } from '@coordattn/ir';
import { numel } from '@coordattn/reference';
import type { LGraph, LNode, Template } from '../lower/lgraph.js';
import { shapeOfValue } from '../lower/lgraph.js';
import { channelConv1dTemplate, conv2dTemplate, linearTemplate } from './contraction.js';
import { batchNormTemplate, elementwiseTemplate } from './elementwise.js';
import { concatTemplate, permuteTemplate, reshapeTemplate, sliceTemplate } from './movement.js';
import {
  caPoolTemplate,
  channelReduceTemplate,
  directionalMeanTemplate,
  globalPoolTemplate,
  windowPoolTemplate,
} from './pools.js';
import { dims3, epilogueKey, epilogueLines, identifier, outputCoords } from './source.js';
import type { ArgRef, KernelArg, KernelDesc, KernelTemplate, Mutation } from './types.js';

export const TEMPLATES: Readonly<Record<Template, KernelTemplate>> = {
  batch_norm: batchNormTemplate,
  ca_pool: caPoolTemplate,
  channel_conv1d: channelConv1dTemplate,
  channel_reduce: channelReduceTemplate,
  concat: concatTemplate,
  conv2d: conv2dTemplate,
  directional_mean: directionalMeanTemplate,
  elementwise: elementwiseTemplate,
  global_pool: globalPoolTemplate,
  linear: linearTemplate,
  permute: permuteTemplate,
  reshape: reshapeTemplate,
  slice: sliceTemplate,
  window_pool: windowPoolTemplate,
};

/**
 * Largest flat index a kernel may use. Float32 represents every integer up to 2^24 exactly; GL
 * backends compute texture addresses in float, so a larger tensor would be addressed wrongly.
 */
export const MAX_FLAT_INDEX = 2 ** 24;

function checkSize(node: LNode, what: string, shape: readonly number[]): void {
  const n = numel(shape);
  if (n > MAX_FLAT_INDEX) {
    throw new CoordattnError(
      'E_KERNEL',
      `${what} has ${n} elements, more than the 2^24 = ${MAX_FLAT_INDEX} a gpu.js kernel can index exactly`,
      {
        path: node.nodes[0],
        shapes: [`[${shape.join(',')}]`],
        expected: 'a smaller batch or resolution (tiling of such kernels is not implemented)',
      },
    );
  }
}

/** The kernel descriptor of one lowered node of `g`. */
export function buildKernel(g: LGraph, node: LNode, mutation: Mutation = 'none'): KernelDesc {
  const args: KernelArg[] = [];
  const refs = new Map<string, ArgRef>();
  const valueArg = (prefix: string, k: number, id: string): ArgRef => {
    const shape = shapeOfValue(g, id);
    checkSize(node, `input '${id}'`, shape);
    const a = { name: `${prefix}${k}`, shape };
    args.push({ name: a.name, kind: 'value', ref: id, dims: dims3(shape) });
    return a;
  };
  checkSize(node, 'the output', node.shape);
  const inputs = node.inputs.map((id, k) => valueArg('x', k, id));
  const gates = node.prologue.map((id, k) => valueArg('g', k, id));
  let e = 0;
  for (const step of node.epilogue) {
    if (step.kind === 'binary' && !refs.has(step.operand)) {
      refs.set(step.operand, valueArg('e', e++, step.operand));
    }
  }
  const params: KernelArg[] = [];
  const { lines, coords } = outputCoords(node.shape);
  const result = TEMPLATES[node.template]({
    node,
    inputs,
    gates,
    mutation,
    coords,
    param(local, dims) {
      const p = node.params[local];
      if (p === undefined) {
        throw new CoordattnError('E_KERNEL', `${node.template} kernel needs parameter '${local}'`, {
          path: node.nodes[0],
        });
      }
      const name = local.replace(/[^A-Za-z0-9]/g, '_');
      if (!params.some((a) => a.name === name)) params.push({ name, kind: 'param', ref: p.id, dims });
      return name;
    },
  });
  const epi = epilogueLines(node.epilogue, coords, (id) => refs.get(id)!);
  const usesOC = lines.some((l) => l.includes('this.constants.OC'));
  const constants = { ...(usesOC ? { OC: node.shape[1] } : {}), ...result.constants };
  const allArgs = [...args, ...params];
  // The pieces of one split share its anchor: the piece number tells them apart.
  const name = identifier(
    node.template,
    node.anchor + (node.op === 'split' ? `_${node.attrs.piece as number}` : ''),
  );
  const body = [...lines, ...result.body, ...epi, 'return v;'];
  const source = `function ${name}(${allArgs.map((a) => a.name).join(', ')}) {\n${body.map((l) => `  ${l}`).join('\n')}\n}`;
  const epiKey = node.epilogue.map(epilogueKey).join('+');
  const cacheKey = [
    node.template,
    node.op,
    result.key,
    `out${node.shape.join('x')}`,
    ...allArgs.map((a) => `${a.name}${a.dims.join('x')}`),
    epiKey && `epi:${epiKey}`,
    mutation !== 'none' && `mutation:${mutation}`,
  ]
    .filter(Boolean)
    .join(';');
  return {
    name,
    value: node.id,
    cacheKey,
    template: node.template,
    nodes: node.nodes,
    passes: node.passes,
    shape: node.shape,
    output: dims3(node.shape),
    constants,
    args: allArgs,
    source,
    reduction: result.reduction,
  };
}
