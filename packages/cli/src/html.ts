/**
 * `coordattn report ... --format html`: the report (exactly what `--format json` prints for the same
 * command) plus what the page shows beside it — every preset on the model with the ops that explain
 * each difference (`compare`), the formulas in r and in H, W, and each sweep point's layers and
 * stages — rendered by @coordattn/web into one self-contained HTML file.
 */
import {
  ATTENTION_BLOCK_NAMES,
  CoordattnError,
  Dim,
  type AttentionKind,
  type AttentionSpec,
} from '@coordattn/ir';
import {
  blockFormulas,
  compare,
  graphFormulas,
  type Formulas,
  type PresetName,
  type Report,
} from '@coordattn/cost';
import type * as WebReportModule from '@coordattn/web/report';
import type { HtmlFormula, HtmlReportData, HtmlSweepDetail } from '@coordattn/web/report';
import { REDUCTION_KINDS, emit, sweepReport } from './commands.js';
import { loadModel, symbolicResolution, type LoadedModel } from './model.js';
import { MODEL_FLAG_NAMES, modelFlags, str, strList, type Flags, type ModelFlags } from './options.js';
import type { Io } from './io.js';

type WebReport = typeof WebReportModule;

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `--width 0.5 --resolution 224x320` of the model flags (in their declared order). */
function modelArgs(mf: ModelFlags): string[] {
  const out: string[] = [];
  for (const k of MODEL_FLAG_NAMES) {
    const v = mf[k];
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) out.push(`--${kebab(k)}`, shellWord(String(x)));
  }
  return out;
}

/** The command line of this report, as the page's header shows it. */
export function commandLine(model: string, flags: Flags): string {
  const args = ['coordattn', 'report', shellWord(model), ...modelArgs(modelFlags(flags))];
  for (const s of strList(flags, 'sweep') ?? []) args.push('--sweep', shellWord(s));
  const preset = str(flags, 'preset');
  if (preset !== undefined) args.push('--preset', shellWord(preset));
  const by = str(flags, 'by');
  if (by !== undefined && by !== 'block') args.push('--by', by);
  if (flags.symbolic === true) args.push('--symbolic');
  args.push('--format', 'html');
  const out = str(flags, 'out');
  if (out !== undefined) args.push('--out', shellWord(out));
  return args.join(' ');
}

/** Formulas of a model rebuilt with symbolic sizes; none when it cannot be (a user error, e.g. r > C). */
async function tryFormulas(f: () => Promise<Formulas | undefined>): Promise<Formulas | undefined> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof CoordattnError) return undefined;
    throw e;
  }
}

/**
 * For the model (and each swept attention kind): params and MACs in r where the block takes a
 * reduction ratio, the model in H × W, and each attention block alone on a C × H × W input.
 */
async function modelFormulas(
  web: WebReport,
  model: string,
  mf: ModelFlags,
  base: LoadedModel,
  report: Report,
  preset: PresetName,
  /** ` --preset NAME` when the user gave one, for the commands shown beside the formulas. */
  presetArgs: string,
  io: Io,
): Promise<HtmlFormula[]> {
  const out: HtmlFormula[] = [];
  const name = report.model.backbone ?? report.model.name;
  const kinds = new Set<string>([base.backbone?.opts.attention?.kind ?? report.model.attention ?? 'none']);
  for (const row of report.rows ?? []) {
    const k = row.point.attention;
    if (typeof k === 'string') kinds.add(k);
  }
  // Built-in models (a backbone, the detector, the segmenter) are rebuilt with --reduction r.
  if (base.backbone !== undefined || base.detector !== undefined || base.segmenter !== undefined) {
    for (const kind of kinds) {
      if (!REDUCTION_KINDS.includes(kind as AttentionKind)) continue;
      const { ecaK: _ecaK, ...rest } = mf;
      const flags: ModelFlags = { ...rest, attention: kind, reduction: 'r' };
      const f = await tryFormulas(async () => {
        const m = await loadModel(model, flags, io.cwd, { symbolic: true });
        return graphFormulas(m.graph, { preset });
      });
      if (f !== undefined && f.symbols.length > 0) {
        out.push(
          web.formulaEntry(
            `${base.backbone !== undefined ? `${name}+${kind}` : `${report.model.name} (${kind})`}: the reduction ratio r symbolic`,
            f,
            ['coordattn report', shellWord(model), ...modelArgs(flags), '--symbolic'].join(' ') + presetArgs,
          ),
        );
      }
    }
  }
  const hw = await tryFormulas(async () => {
    const g = symbolicResolution(base);
    return g === undefined ? undefined : graphFormulas(g, { preset });
  });
  if (hw !== undefined && hw.symbols.length > 0) {
    const { resolution: _res, ...rest } = mf;
    out.push(
      web.formulaEntry(
        `${report.model.name}: the input H × W symbolic`,
        hw,
        [
          'coordattn report',
          shellWord(model),
          ...modelArgs({ ...rest, resolution: 'HxW' }),
          '--symbolic',
        ].join(' ') + presetArgs,
      ),
    );
  }
  const [C, H, W, r] = ['C', 'H', 'W', 'r'].map((s) => Dim.sym(s));
  for (const kind of kinds) {
    if (kind === 'none' || !(kind in ATTENTION_BLOCK_NAMES)) continue;
    const k = kind as Exclude<AttentionKind, 'none'>;
    const spec = (
      REDUCTION_KINDS.includes(k) ? { kind: k, config: { reduction: r } } : { kind: k }
    ) as AttentionSpec;
    const f = await tryFormulas(async () => blockFormulas(spec, { C, H, W }, { preset }));
    if (f !== undefined) {
      out.push(
        web.formulaEntry(
          `${ATTENTION_BLOCK_NAMES[k]} block alone on a C × H × W input (default settings)`,
          f,
        ),
      );
    }
  }
  return out;
}

/** Every point's layers (small sweeps) or stages, from the same sweep grouped by layer or stage. */
async function sweepDetailOf(
  web: WebReport,
  model: string,
  flags: Flags,
  report: Report,
  io: Io,
): Promise<HtmlSweepDetail> {
  const n = report.rows?.length ?? 0;
  const small = n <= web.SWEEP_TREE_MAX_POINTS;
  const by = report.groups.by;
  const want = small ? 'layer' : 'stage';
  const detail =
    by === want || (by === 'layer' && !small)
      ? report
      : await sweepReport(
          model,
          modelFlags(flags),
          { ...flags, by: want },
          strList(flags, 'sweep') ?? [],
          io,
        );
  const d = web.sweepDetail(detail);
  return small ? d : { stages: d.stages };
}

/** Writes the HTML report of `report` (computed by reportCommand as for --format json). */
export async function htmlReport(model: string, flags: Flags, io: Io, report: Report): Promise<void> {
  const web = await import('@coordattn/web/report');
  const mf = modelFlags(flags);
  const base = await loadModel(model, mf, io.cwd);
  const preset = report.preset.name as PresetName;
  const given = str(flags, 'preset');
  const presetArg = given !== undefined ? ` --preset ${shellWord(given)}` : '';
  const data: Omit<HtmlReportData, 'format' | 'version'> = {
    command: commandLine(model, flags),
    report,
    compare: compare(base.graph),
    formulas: await modelFormulas(web, model, mf, base, report, preset, presetArg, io),
    ...(report.rows !== undefined ? { sweep: await sweepDetailOf(web, model, flags, report, io) } : {}),
  };
  emit(web.renderHtmlReport(data), flags, io);
}
