import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ATTENTION_KINDS,
  BACKBONE_NAMES,
  CoordattnError,
  OP_NAMES,
  RECIPES,
  buildBackbone,
  getOp,
  type AttentionKind,
  type BackboneOptions,
} from '@coordattn/ir';
import {
  PRESETS,
  PRESET_NAMES,
  buildReport,
  compare,
  explainComparison,
  graphFormulas,
  prettyFormula,
  render,
  sweep,
  type GroupBy,
  type PresetName,
  type Report,
  type SweepPoint,
  type SweepValues,
  type SymbolicAxes,
} from '@coordattn/cost';
import { loadModel, symbolicResolution, type LoadedModel } from './model.js';
import { modelFlags, oneOf, parseSweeps, str, strList, type Flags, type ModelFlags } from './options.js';
import { placementTableMarkdown } from './tables.js';
import { reproduce } from './reproduce.js';
import type { Io } from './io.js';

export type { Io } from './io.js';

/** Writes a command's output to --out FILE (saying so on stderr) or to stdout. */
export function emit(text: string, flags: Flags, io: Io): void {
  const out = str(flags, 'out');
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (out === undefined) {
    io.out(body);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, out), body);
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot write file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      path: out,
    });
  }
  io.err(`wrote ${out}\n`);
}

function presetOf(flags: Flags, m: LoadedModel): PresetName {
  const p = str(flags, 'preset');
  if (p !== undefined) return oneOf<PresetName>('preset', p, PRESET_NAMES);
  return m.presetDefault ?? 'paper';
}

export async function reportCommand(model: string, flags: Flags, io: Io): Promise<void> {
  const mf = modelFlags(flags);
  const sweepFlags = strList(flags, 'sweep');
  const format = str(flags, 'format') ?? 'table';
  const groupBy = (str(flags, 'by') ?? 'block') as GroupBy;
  const symbolic = flags.symbolic === true;

  if (sweepFlags !== undefined) {
    const report = await sweepReport(model, mf, flags, sweepFlags, io);
    if (format === 'html') {
      // Lazy: @coordattn/web (the page bundle, compare and formulas) only for this format.
      await (await import('./html.js')).htmlReport(model, flags, io, report);
      return;
    }
    emit(render(report, format), flags, io);
    return;
  }
  const m = await loadModel(model, mf, io.cwd, { symbolic });
  const preset = presetOf(flags, m);
  if (format === 'netron') {
    // Lazy: the ONNX writer (and the kernels module it reaches for weights) only for this format.
    (await import('./onnx.js')).netronReport(m, preset, flags, io);
    return;
  }
  const free = m.graph.symbols();
  if (free.length > 0) {
    // A symbolic model (e.g. --resolution HxW): formulas only, there are no numbers to give.
    if (format === 'html') {
      throw new CoordattnError(
        'E_OPTION',
        `an HTML report needs numbers, but the model has free symbols (${free.join(', ')})`,
        {
          path: m.onnx ? '--dim' : '--resolution',
          expected: 'concrete sizes (the page shows the formulas in H, W and r beside the numbers)',
        },
      );
    }
    if (!symbolic) {
      throw new CoordattnError(
        'E_OPTION',
        `the model has free symbols (${free.join(', ')}); numbers need concrete sizes`,
        {
          path: m.onnx ? '--dim' : '--resolution',
          expected: m.onnx
            ? `--dim NAME=VALUE for each of ${free.join(', ')}, or --symbolic for formulas`
            : 'concrete sizes, or --symbolic for formulas',
        },
      );
    }
    const f = graphFormulas(m.graph, { preset });
    const lines = [
      `${m.info.name}: formulas in ${f.symbols.join(', ')} (preset ${preset})`,
      `params = ${prettyFormula(f.params, {}).text}`,
      `MACs   = ${prettyFormula(f.macs, {}).text}`,
    ];
    if (format === 'json') {
      emit(
        JSON.stringify(
          {
            model: m.info,
            preset,
            symbols: f.symbols,
            params: prettyFormula(f.params, {}),
            macs: prettyFormula(f.macs, {}),
          },
          null,
          2,
        ),
        flags,
        io,
      );
    } else emit(lines.join('\n'), flags, io);
    return;
  }
  let report: Report = buildReport(m.graph, { preset, model: m.info, groupBy });
  if (symbolic) {
    const g = symbolicResolution(m) ?? m.graph;
    const f = graphFormulas(g, { preset });
    report = {
      ...report,
      formulas: {
        symbols: [...f.symbols],
        params: prettyFormula(f.params, {}),
        macs: prettyFormula(f.macs, {}),
        ...(f.headline ? { total: prettyFormula(f.headline, {}) } : {}),
      },
    };
  }
  if (format === 'html') {
    await (await import('./html.js')).htmlReport(model, flags, io, report);
    return;
  }
  emit(render(report, format), flags, io);
}

/** The attention kinds that take a reduction ratio. */
export const REDUCTION_KINDS: readonly AttentionKind[] = ['ca', 'se', 'cbam'];

/** The report of `report MODEL --sweep ...` (rows grouped by flags.by). */
export async function sweepReport(
  model: string,
  mf: ModelFlags,
  flags: Flags,
  sweepFlags: string[],
  io: Io,
): Promise<Report> {
  const axes = parseSweeps(sweepFlags);
  const base = await loadModel(model, mf, io.cwd);
  if (!base.backbone) {
    throw new CoordattnError('E_OPTION', 'sweeps need a backbone name, not a spec or .onnx file', {
      path: '--sweep',
    });
  }
  const { name, opts } = base.backbone;
  const kind = (opts.attention?.kind ?? 'none') as AttentionKind;
  const cfg = (opts.attention && 'config' in opts.attention ? (opts.attention.config ?? {}) : {}) as Record<
    string,
    unknown
  >;
  const h = opts.height ?? 224;
  const w = opts.widthPx ?? 224;
  const hv = typeof h === 'number' ? h : h.toInt();
  const wv = typeof w === 'number' ? w : w.toInt();
  if (hv === undefined || wv === undefined) {
    throw new CoordattnError('E_OPTION', 'sweeps need a concrete resolution', { path: '--resolution' });
  }
  const r0 = cfg.reduction;
  const point: SweepPoint = {
    attention: kind,
    width: opts.width ?? 1,
    resolution: [hv, wv],
    ...(typeof r0 === 'object' && r0 !== null && 'toInt' in r0
      ? { reduction: (r0 as { toInt(): number | undefined }).toInt() }
      : {}),
    ...(opts.placement ? { placement: opts.placement } : {}),
  };
  const values: Record<string, unknown> = {};
  for (const a of axes) values[a.key] = a.values;
  const vals = values as SweepValues;
  const reductionSwept = vals.reduction !== undefined;
  if (reductionSwept && ![kind, ...(vals.attention ?? [])].some((k) => REDUCTION_KINDS.includes(k))) {
    throw new CoordattnError('E_OPTION', `a reduction sweep needs --attention ca, se or cbam (got ${kind})`, {
      path: '--sweep',
    });
  }
  const preset = presetOf(flags, base);
  // The reduction ratio goes to the base's attention kind, and when swept to every kind that takes
  // one; other block settings (--eca-k, ...) only to the base's kind.
  const optsAt = (p: SweepPoint, sym: SymbolicAxes = {}): BackboneOptions => {
    const samekind = p.attention === kind;
    const r = sym.reduction ?? p.reduction;
    const takesR = samekind || (reductionSwept && REDUCTION_KINDS.includes(p.attention));
    const config = { ...(samekind ? cfg : {}), ...(takesR && r !== undefined ? { reduction: r } : {}) };
    return {
      ...opts,
      attention: (p.attention === 'none' ? { kind: 'none' } : { kind: p.attention, config }) as never,
      width: p.width,
      height: sym.resolution?.[0] ?? p.resolution[0],
      widthPx: sym.resolution?.[1] ?? p.resolution[1],
      ...(p.placement ? { placement: p.placement as never } : {}),
      ...(p.attention !== kind ? { ecaK: undefined } : {}),
    };
  };
  return sweep({
    base: point,
    values: vals,
    build: (p) => buildBackbone(name, optsAt(p)),
    buildSymbolic: (p, sym) => buildBackbone(name, optsAt(p, sym)),
    model: (p) => ({
      name: p.attention === 'none' ? name : `${name}+${p.attention}`,
      backbone: name,
      attention: p.attention,
      width: p.width,
      ...(p.placement ? { placement: p.placement } : {}),
      ...(opts.recipe ? { recipe: opts.recipe } : {}),
    }),
    report: { preset, groupBy: (str(flags, 'by') ?? 'block') as GroupBy },
  });
}

export async function compareCommand(model: string, flags: Flags, io: Io): Promise<void> {
  const m = await loadModel(model, modelFlags(flags), io.cwd);
  const c = compare(m.graph);
  const format = str(flags, 'format') ?? 'table';
  emit(format === 'json' ? JSON.stringify(c, null, 2) : explainComparison(c), flags, io);
}

export function listCommand(what: string, io: Io): void {
  const kind = oneOf('list', what, [
    'backbones',
    'attention',
    'presets',
    'recipes',
    'placements',
    'ops',
  ] as const);
  const lines: string[] = [];
  switch (kind) {
    case 'backbones':
      lines.push(...BACKBONE_NAMES);
      break;
    case 'attention':
      lines.push(...ATTENTION_KINDS);
      break;
    case 'presets':
      for (const n of PRESET_NAMES) lines.push(`${n.padEnd(20)} ${PRESETS[n].description}`);
      break;
    case 'recipes':
      for (const r of Object.values(RECIPES))
        lines.push(`${r.name.padEnd(12)} preset ${r.preset.padEnd(10)} ${r.description}`);
      break;
    case 'placements':
      lines.push(placementTableMarkdown());
      break;
    case 'ops':
      for (const n of OP_NAMES) lines.push(`${n.padEnd(18)} ${getOp(n).summary}`);
      break;
  }
  io.out(`${lines.join('\n')}\n`);
}

export async function reproduceCommand(flags: { out: string; check?: boolean }, io: Io): Promise<void> {
  const text = reproduce();
  const target = resolve(io.cwd, flags.out);
  if (flags.check) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) {
      io.err(`${flags.out} is out of date: run 'npx coordattn reproduce'\n`);
      io.exitCode = 1;
      return;
    }
    io.out(`${flags.out} is up to date\n`);
    return;
  }
  writeFileSync(target, text);
  io.err(`wrote ${flags.out}\n`);
}
