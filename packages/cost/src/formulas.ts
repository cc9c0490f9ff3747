/**
 * Symbolic formulas of params and MACs, derived by summing the per-op rules over an emitted graph
 * (never typed by hand). Build a block or backbone with symbolic dims (C, H, W, r, ...), analyze it,
 * and the totals are the formulas; `abbreviate` names repeated sub-expressions (mid = max(8, ⌊C/r⌋))
 * for a readable form, and `dimTex` gives exact LaTeX.
 */
import {
  Dim,
  GraphBuilder,
  Rational,
  attention,
  dimTex,
  type Atom,
  type AttentionSpec,
  type Graph,
} from '@coordattn/ir';
import { analyze, type Analysis, type AnalyzeOptions } from './analyze.js';
import { applyPreset, type Preset, type PresetName } from './presets/index.js';

export interface FormulaText {
  /** mathjs-parsable text (round-trips through parseDim when no abbreviation is used). */
  readonly text: string;
  readonly latex: string;
}

export interface Formulas {
  readonly graph: Graph;
  readonly params: Dim;
  /** Conv + linear MACs. */
  readonly macs: Dim;
  /** The preset's headline (when a preset was given). */
  readonly headline?: Dim;
  readonly symbols: readonly string[];
}

export interface FormulaOptions extends AnalyzeOptions {
  readonly preset?: PresetName | Preset;
  /** Reuse an analysis of the same graph. */
  readonly analysis?: Analysis;
}

/** Params and MACs of any graph as Dims in its free symbols. */
export function graphFormulas(graph: Graph, options: FormulaOptions = {}): Formulas {
  const a = options.analysis ?? analyze(graph, options);
  const headline = options.preset ? applyPreset(a, options.preset).value : undefined;
  const params = a.paramCounts.params;
  const macs = a.totals.macs;
  const symbols = new Set<string>([...params.symbols(), ...macs.symbols(), ...(headline?.symbols() ?? [])]);
  return { graph, params, macs, ...(headline ? { headline } : {}), symbols: [...symbols].sort() };
}

export interface BlockInput {
  readonly N?: Dim | number;
  readonly C: Dim | number;
  readonly H: Dim | number;
  readonly W: Dim | number;
}

/** The graph of one attention block on an [N, C, H, W] input (any of them symbolic). */
export function buildBlock(spec: AttentionSpec, input: BlockInput): Graph {
  const b = new GraphBuilder();
  const x = b.input('input', [input.N ?? 1, input.C, input.H, input.W]);
  b.output(attention(b, x, spec));
  return b.build();
}

/** Params and MACs of an attention block, derived from its emitted graph. */
export function blockFormulas(
  spec: AttentionSpec,
  input: BlockInput,
  options: FormulaOptions = {},
): Formulas {
  return graphFormulas(buildBlock(spec, input), options);
}

/** Params and MACs of a whole backbone: `build` emits it with symbolic dims (e.g. height H, width W). */
export function backboneFormulas(build: () => Graph, options: FormulaOptions = {}): Formulas {
  return graphFormulas(build(), options);
}

// ---- pretty forms -----------------------------------------------------------------------------

function singleAtom(e: Dim): Atom | undefined {
  const t = e.terms;
  return t.length === 1 &&
    t[0].coef.eq(Rational.ONE) &&
    t[0].factors.length === 1 &&
    t[0].factors[0].exp === 1
    ? t[0].factors[0].atom
    : undefined;
}

/** Rebuilds d with every atom whose key is in `names` (at any depth) replaced by its symbol. */
function replaceDeep(d: Dim, names: ReadonlyMap<string, string>): Dim {
  return d.mapAtoms((a) => {
    const name = names.get(a.key);
    return name === undefined ? undefined : Dim.sym(name);
  });
}

/**
 * Replaces every occurrence of the given sub-expressions (each a single atom such as
 * max(8, floor(C / r))), at any depth, by a named symbol: `3 * C * mid + 2 * C + 3 * mid`.
 */
export function abbreviate(d: Dim, names: Readonly<Record<string, Dim>>): Dim {
  const byKey = new Map<string, string>();
  for (const [name, e] of Object.entries(names)) {
    const a = singleAtom(e);
    if (a) byKey.set(a.key, name);
  }
  return replaceDeep(d, byKey);
}

/**
 * Names for the nested floor/ceil terms of a formula, innermost first: the spatial sizes of a
 * backbone become h1 = floor(H / 2 - 1 / 2), h2 = floor(h1 / 2), ... (t1, t2, ... when a term
 * mixes symbols).
 */
export function autoAbbreviations(d: Dim): Record<string, Dim> {
  const found = new Map<string, Atom>();
  const visitDim = (x: Dim): void => x.terms.forEach((t) => t.factors.forEach((f) => visit(f.atom)));
  const visit = (a: Atom): void => {
    if (a.kind === 'sym') return;
    if (a.kind === 'if') return [a.lhs, a.rhs, a.then, a.else].forEach(visitDim);
    a.args.forEach(visitDim);
    if ((a.fn === 'floor' || a.fn === 'ceil') && !found.has(a.key)) found.set(a.key, a);
  };
  visitDim(d);
  const taken = new Set(d.symbols());
  const counters = new Map<string, number>();
  const out: Record<string, Dim> = {};
  for (const a of found.values()) {
    const syms = [...Dim.atom(a).symbols()];
    const base = syms.length === 1 ? syms[0].toLowerCase() : 't';
    let k = counters.get(base) ?? 0;
    let name: string;
    do name = `${base}${++k}`;
    while (taken.has(name));
    counters.set(base, k);
    taken.add(name);
    out[name] = Dim.atom(a);
  }
  return out;
}

export interface PrettyOptions {
  /** Also name nested floor/ceil terms (see autoAbbreviations); 'if-shorter' when that shortens the text. */
  readonly auto?: boolean | 'if-shorter';
}

/** Text and LaTeX of a formula, with abbreviations defined after "where". */
export function prettyFormula(
  d: Dim,
  names: Readonly<Record<string, Dim>> = {},
  options: PrettyOptions = {},
): FormulaText {
  if (options.auto === 'if-shorter') {
    const plain = prettyFormula(d, names);
    const auto = prettyFormula(d, names, { auto: true });
    return auto.text.length < plain.text.length ? auto : plain;
  }
  const all: Record<string, Dim> = { ...names, ...(options.auto ? autoAbbreviations(d) : {}) };
  const byKey = new Map<string, string>();
  for (const [name, e] of Object.entries(all)) {
    const a = singleAtom(e);
    if (a && !byKey.has(a.key)) byKey.set(a.key, name);
  }
  const short = replaceDeep(d, byKey);
  // Definitions, each in terms of the others, keeping only the names that are used.
  const defs = new Map<string, Dim>();
  for (const [key, name] of byKey) {
    const others = new Map([...byKey].filter(([k]) => k !== key));
    defs.set(name, replaceDeep(all[name], others));
  }
  const used = new Set<string>();
  const use = (x: Dim): void => {
    for (const s of x.symbols()) {
      if (defs.has(s) && !used.has(s) && !d.symbols().has(s)) {
        used.add(s);
        use(defs.get(s)!);
      }
    }
  };
  use(short);
  if (used.size === 0) return { text: d.toString(), latex: dimTex(d) };
  const order = [...defs.keys()].filter((n) => used.has(n));
  const where = order.map((n) => `${n} = ${defs.get(n)!.toString()}`).join(', ');
  const whereTex = order.map((n) => `${dimTex(Dim.sym(n))} = ${dimTex(defs.get(n)!)}`).join(',\\ ');
  return {
    text: `${short.toString()}, where ${where}`,
    latex: `${dimTex(short)},\\quad\\text{where } ${whereTex}`,
  };
}
