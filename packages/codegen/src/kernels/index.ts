/**
 * The template registry and the one function that turns a lowered node into a kernel descriptor:
 * it names the arguments, runs the template, appends the epilogue and checks the index limits.
 */
import { CoordattnError } from '@coordattn/ir';
import { numel } from '@coordattn/reference';
import { GATE_READERS, type LGraph, type LNode, type Template } from '../lower/lgraph.js';
import { layoutOfValue, reads, shapeOfValue } from '../lower/lgraph.js';
import { channelConv1dTemplate, conv2dTemplate, linearTemplate } from './contraction.js';
import { batchNormTemplate, elementwiseTemplate } from './elementwise.js';
import { concatTemplate, permuteTemplate, reshapeTemplate, sliceTemplate } from './movement.js';
import {
  channelReduceTemplate,
  directionalMeanTemplate,
  globalPoolTemplate,
  multiReduceTemplate,
  windowPoolTemplate,
} from './pools.js';
import { resizeTemplate } from './resize.js';
import { dims3, epilogueKey, epilogueLines, identifier, outputCoords, readAt } from './source.js';
import type { KernelWeight } from '../runtime/runtime.js';
import type { ArgRef, KernelArg, KernelDesc, KernelTemplate, SumTerm, TemplateOverrides } from './types.js';

export const TEMPLATES: { readonly [T in Template]: KernelTemplate<T> } = {
  batch_norm: batchNormTemplate,
  channel_conv1d: channelConv1dTemplate,
  channel_reduce: channelReduceTemplate,
  concat: concatTemplate,
  conv2d: conv2dTemplate,
  directional_mean: directionalMeanTemplate,
  elementwise: elementwiseTemplate,
  global_pool: globalPoolTemplate,
  linear: linearTemplate,
  multi_reduce: multiReduceTemplate,
  permute: permuteTemplate,
  reshape: reshapeTemplate,
  resize: resizeTemplate,
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

/** Templates whose output at (h, w) reads every input at (h, w) only (or broadcast there). */
const SPATIALLY_POINTWISE = new Set<Template>(['elementwise', 'batch_norm', 'conv2d']);

/**
 * The shape view a kernel is generated over. A spatially pointwise kernel (elementwise, BN, a
 * 1×1 stride-1 unpadded conv) whose W is not a multiple of 4 sees [N, C, H, W] values as
 * [N, C, 1, H·W] — the same row-major bytes — so its x axis runs over H·W and gpu.js's 4-lane
 * SIMD covers whole rows (14 × 14 and 7 × 7 maps otherwise leave 2 or 3 scalar cells per row).
 * Every value it reads must be full size or broadcast in both H and W; else no view.
 */
function spatialView(g: LGraph, node: LNode): ((shape: readonly number[]) => number[]) | null {
  if (node.shape.length !== 4 || !SPATIALLY_POINTWISE.has(node.template)) return null;
  // The view reinterprets NCHW bytes: not for channel-minor outputs or inputs.
  if (node.layout === 'nhwc' || reads(node).some((id) => layoutOfValue(g, id) === 'nhwc')) return null;
  if (node.template === 'conv2d') {
    const a = node.attrs;
    const one = (p: readonly number[], v: number) => p[0] === v && p[1] === v;
    if (!one(a.kernel, 1) || !one(a.stride, 1) || !one(a.padding, 0)) return null;
  }
  const [N, , H, W] = node.shape;
  // W % 4 = 0 at batch 1: the plain grid already fills the SIMD lanes. At batch > 1 the view's
  // [H·W, C, N] grid also spares the kernel splitting n and c out of z with a division.
  if ((W % 4 === 0 && N === 1) || H === 1) return null;
  const ok = reads(node).every((id) => {
    const s = shapeOfValue(g, id);
    const h = s.length >= 2 ? s[s.length - 2] : 1;
    const w = s.length >= 1 ? s[s.length - 1] : 1;
    return (h === H && w === W) || (h === 1 && w === 1);
  });
  if (!ok) return null;
  return (s) =>
    s.length >= 2 && s[s.length - 2] === H && s[s.length - 1] === W ? [...s.slice(0, -2), 1, H * W] : [...s];
}

/**
 * Templates that address their output only through the logical coordinates they are given
 * (never `this.thread.*` directly), so their thread grid may be any layout of the output's cells.
 */
const TRAILING_ONE_VIEW = new Set<Template>(['multi_reduce']);

/**
 * A [.., L, 1] output (CA's pooled [N, C, H+W, 1]) generated over [.., 1, L]: the same cells in the
 * same row-major order, with gpu.js's x axis (its SIMD lanes) over L instead of over a size-1 axis.
 */
function trailingOneView(node: LNode): number[] {
  const s = node.shape;
  const r = s.length;
  if (!TRAILING_ONE_VIEW.has(node.template) || r < 2 || s[r - 1] !== 1 || s[r - 2] === 1) return s;
  return [...s.slice(0, -2), 1, s[r - 2]];
}

/**
 * Kernel names unique by construction within one program: a name already given (two value ids
 * that read alike once made identifiers, `a.b` and `a_b`, `relu@1` and `relu_1`) gets the first
 * free `_2`, `_3`, … suffix, deterministically in program order.
 */
export class KernelNamer {
  private readonly used = new Set<string>();

  take(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }
}

export interface BuildOptions {
  /** Most terms one kernel of a chain adds up (default MAX_TERMS). */
  readonly maxTerms?: number;
  /** Names given so far in the program (kernel names are unique per namer). */
  readonly names?: KernelNamer;
  /** Templates used instead of the built-in ones. */
  readonly templates?: TemplateOverrides;
}

/** Most terms one kernel adds up; longer sums are split into chained kernels (kernel-performance notes: ≤ 64–96 inputs). */
export const MAX_TERMS = 96;

/** The statements of a run of terms: consecutive terms with the same guard share one `if (guard) { … }`. */
function sumLines(terms: readonly SumTerm[]): string[] {
  const out: string[] = [];
  let open: string | null = null;
  for (const t of terms) {
    if (t.guard !== open) {
      if (open !== null) out.push('}');
      if (t.guard !== null) out.push(`if (${t.guard}) {`);
      open = t.guard;
    }
    out.push(open === null ? t.line : `  ${t.line}`);
  }
  if (open !== null) out.push('}');
  return out;
}

/**
 * The kernel descriptors of one lowered node of `g`: one kernel, or a chain when its template's sum
 * is longer than `maxTerms` (the leading kernels are `partial`, see KernelDesc).
 */
export function buildKernels(g: LGraph, logical: LNode, opts: BuildOptions = {}): KernelDesc[] {
  const { maxTerms = MAX_TERMS, names = new KernelNamer(), templates = {} } = opts;
  const args: KernelArg[] = [];
  const refs = new Map<string, ArgRef>();
  const spatial = spatialView(g, logical);
  const view = spatial ?? ((shape: readonly number[]): number[] => [...shape]);
  const node: LNode = spatial ? { ...logical, shape: spatial(logical.shape) } : logical;
  const valueArg = (prefix: string, k: number, id: string): ArgRef => {
    const shape = shapeOfValue(g, id);
    checkSize(node, `input '${id}'`, shape);
    const layout = layoutOfValue(g, id);
    const a: ArgRef = { name: `${prefix}${k}`, shape: view(shape), ...(layout ? { layout } : {}) };
    args.push({ name: a.name, ref: id, dims: dims3(shape), ...(layout ? { layout } : {}) });
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
  const weights: KernelWeight[] = [];
  const paramOf = (local: string) => {
    const p = node.params[local];
    if (p === undefined) {
      throw new CoordattnError('E_KERNEL', `${node.template} kernel needs parameter '${local}'`, {
        path: node.nodes[0],
      });
    }
    return p;
  };
  // The thread grid: the output shape, or with a trailing size-1 axis swapped with the one before
  // it (TRAILING_ONE_VIEW) so that x runs over a real axis; coords stay the logical ones.
  const grid = node.layout === 'nhwc' ? node.shape : trailingOneView(node);
  const viewed = grid !== node.shape || spatial !== null;
  const { lines, coords: gridCoords, dims: gridDims, split } = outputCoords(grid, viewed, node.layout);
  const coords =
    grid === node.shape ? gridCoords : [...gridCoords.slice(0, -2), gridCoords.at(-1)!, gridCoords.at(-2)!];
  if (gates.length > 0 && !GATE_READERS.has(node.template)) {
    throw new CoordattnError('E_KERNEL', `a ${node.template} kernel cannot multiply gates into its reads`, {
      path: node.nodes[0],
      expected: `gates only on ${[...GATE_READERS].join(', ')} kernels`,
    });
  }
  // TEMPLATES[node.template] is the template of node's own kind (TS cannot correlate the union).
  const template = (templates[node.template] ?? TEMPLATES[node.template]) as KernelTemplate;
  const result = template({
    node,
    inputs,
    gates,
    coords,
    read0: (at) => [inputs[0], ...gates].map((a) => readAt(a, at, split)).join(' * '),
    weight(local) {
      const p = paramOf(local);
      const name = `w_${local.replace(/[^A-Za-z0-9]/g, '_')}`;
      if (!weights.some((w) => w.name === name)) weights.push({ name, ref: p.id, length: numel(p.shape) });
      return `this.constants.${name}`;
    },
  });
  const epi = epilogueLines(node.epilogue, coords, (id) => refs.get(id)!, split);
  // The pieces of one split share its anchor: the piece number tells them apart.
  const baseName = identifier(
    node.template,
    node.anchor + (node.template === 'slice' && node.attrs.piece !== null ? `_${node.attrs.piece}` : ''),
  );
  const epiKey = node.epilogue.map(epilogueKey).join('+');
  const keyOf = (kargs: readonly KernelArg[], part: string): string =>
    [
      node.template,
      node.op,
      result.key,
      part,
      `out${node.shape.join('x')}`,
      ...kargs.map((a) => `${a.name}${a.dims.join('x')}`),
      ...weights.map((w) => `${w.name}${w.length}`),
      // storage layouts: the output's, then every channel-minor argument's
      node.layout && `out:${node.layout}`,
      ...kargs.filter((a) => a.layout).map((a) => `${a.name}:${a.layout}`),
      epiKey && `epi:${epiKey}`,
    ]
      .filter(Boolean)
      .join(';');
  const describe = (
    name: string,
    value: string,
    kargs: readonly KernelArg[],
    body: readonly string[],
    part: string,
    partial: boolean,
    reduction: number,
  ): KernelDesc => {
    const uses = (c: string): boolean => [...lines, ...body].some((l) => l.includes(`this.constants.${c}`));
    const constants = {
      ...(uses('OC') ? { OC: grid[1] } : {}),
      ...(uses('OH') ? { OH: grid[2] } : {}),
      ...result.constants,
    };
    const source = `function ${name}(${kargs.map((a) => a.name).join(', ')}) {\n${[...lines, ...body].map((l) => `  ${l}`).join('\n')}\n}`;
    return {
      name,
      value,
      cacheKey: keyOf(kargs, part),
      template: node.template,
      nodes: node.nodes,
      passes: node.passes,
      shape: logical.shape,
      output: gridDims,
      constants,
      weights,
      args: kargs,
      ...(node.layout ? { layout: node.layout } : {}),
      source,
      reduction,
      ...(partial ? { partial: true } : {}),
    };
  };
  const sum = result.sum;
  if (sum === undefined) {
    return [
      describe(
        names.take(baseName),
        node.id,
        args,
        [...result.body, ...epi, 'return v;'],
        '',
        false,
        result.reduction,
      ),
    ];
  }
  const chunks: SumTerm[][] = [];
  for (let i = 0; i < sum.terms.length; i += maxTerms) chunks.push(sum.terms.slice(i, i + maxTerms));
  if (chunks.length === 0) chunks.push([]);
  const out: KernelDesc[] = [];
  chunks.forEach((chunk, i) => {
    const last = i === chunks.length - 1;
    const accArg: KernelArg[] =
      i === 0
        ? []
        : [
            {
              name: 'acc',
              ref: `${node.id}#${i - 1}`,
              dims: dims3(node.shape),
              ...(node.layout ? { layout: node.layout } : {}),
            },
          ];
    const kargs = [...args, ...accArg];
    const acc: ArgRef = { name: 'acc', shape: node.shape, ...(node.layout ? { layout: node.layout } : {}) };
    const start = i === 0 ? sum.init : readAt(acc, coords, split);
    const body = [...result.body, `let s = ${start};`, ...sumLines(chunk)];
    const tail = last ? [...sum.finish, ...epi, 'return v;'] : ['return s;'];
    out.push(
      describe(
        names.take(chunks.length === 1 ? baseName : `${baseName}_part${i}`),
        last ? node.id : `${node.id}#${i}`,
        kargs,
        [...body, ...tail],
        chunks.length === 1 ? '' : `part${i}of${chunks.length}x${maxTerms}`,
        !last,
        // A partial is judged only through the chain's last kernel, whose sum has every term.
        last ? result.reduction : Math.min(result.reduction, (i + 1) * maxTerms),
      ),
    );
  });
  return out;
}
