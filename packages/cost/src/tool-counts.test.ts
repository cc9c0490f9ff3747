/**
 * The tool presets against the tools themselves: test-data/tool-counts.json holds what fvcore
 * 0.1.6, ptflops 0.7.6 (defaults and count_functional=False), thop 0.1.1 and the 2019 thop
 * (d3e98b9) print for torchvision models and the CA / SE / ECA authors' MobileNetV2s, run from
 * their source by tools/tool-counts/count.py. Every preset must equal its tool to the integer, for
 * every committed model, resolution and batch; fvcore's skipped ops must be the ones it lists.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  buildBackbone,
  type ActivationName,
  type BackboneName,
  type BackboneOptions,
  type Graph,
} from '@coordattn/ir';
import { analyze, evaluate, type Analysis } from './analyze.js';
import { applyPreset, fvcoreSkippedOps, PRESETS, presetNotes, type PresetName } from './presets/index.js';
import { buildReport } from './report.js';

interface ToolRun {
  printed: string;
  total: number;
  moduleSum: number;
  modules?: Record<string, number>;
}
interface Run {
  params: number;
  fvcore: ToolRun & { unsupportedOps: Record<string, number> };
  ptflops: ToolRun & { batchCounter: number; functionalSum: number; sum: number };
  'ptflops-modules': ToolRun & { functionalSum: number };
  thop: ToolRun & { returned: string };
  'thop-2019': ToolRun & { returned: string; error?: string; shim?: string };
}
interface Probe {
  numelIn: number;
  ptflops: { module: number; functional: Record<string, number>; total: number };
  fvcore: { total: number; unsupportedOps: Record<string, number> };
  thop: { total: number };
}
const TOOLS = JSON.parse(readFileSync(new URL('../test-data/tool-counts.json', import.meta.url), 'utf8')) as {
  tools: Record<string, { commit: string }>;
  models: Record<string, Record<string, Record<string, Run>>>;
  probes: Record<string, Record<string, Probe>>;
};

/** tool-counts model → the IR backbone with the options that build the same network. */
const MODELS: Record<string, [BackboneName, BackboneOptions]> = {
  mobilenetv2: ['mobilenetv2', {}],
  resnet18: ['resnet18', {}],
  resnet50: ['resnet50', {}],
  'efficientnet-b0': ['efficientnet-b0', {}],
  'mobilenetv3-large': ['mobilenetv3-large', {}],
  // houqb/CoordAttention mbv2_ca.py + coordatt.py
  'mobilenetv2-ca': ['mobilenetv2', { attention: { kind: 'ca' }, recipe: 'ca-paper' }],
  // mbv2_ca.py with the CA authors' SEM (houqb/ssdlite-pytorch-mobilenext se_mbv2.py)
  'mobilenetv2-se': ['mobilenetv2', { attention: { kind: 'se' }, recipe: 'ca-paper' }],
  // BangguWu/ECANet eca_mobilenetv2.py + eca_module.py
  'mobilenetv2-eca': ['mobilenetv2', { attention: { kind: 'eca' }, recipe: 'eca-paper' }],
};
/** Models whose module tree the IR's node paths follow (torchvision's). */
const SAME_PATHS = new Set(['mobilenetv2', 'resnet18', 'resnet50', 'efficientnet-b0', 'mobilenetv3-large']);

const TOOL_PRESETS = ['fvcore', 'ptflops', 'ptflops-modules', 'thop', 'thop-2019'] as const;

function analysisOf(model: string, res: string, batch: number): Analysis {
  const [h, w] = res.split('x').map(Number);
  const [name, opts] = MODELS[model];
  return analyze(buildBackbone(name, { ...opts, height: h, widthPx: w, batch }));
}
const total = (a: Analysis, p: PresetName): number => applyPreset(a, p).value.evaluateInt();

/** The number each tool's preset reproduces: thop-2019's is the exact sum of its per-module counts. */
const expected = (run: Run, p: (typeof TOOL_PRESETS)[number]): number =>
  p === 'thop-2019' ? run[p].moduleSum : run[p].total;

const cases = Object.entries(TOOLS.models).flatMap(([model, byRes]) =>
  Object.entries(byRes).flatMap(([res, byBatch]) =>
    Object.entries(byBatch).map(([b, run]) => ({ model, res, batch: Number(b.slice(1)), run })),
  ),
);

describe('tool-counts.json: every preset equals its tool, to the integer', () => {
  it('covers the models, resolutions and batches of the issue', () => {
    expect(Object.keys(TOOLS.models).sort()).toEqual(Object.keys(MODELS).sort());
    expect(cases.map((c) => `${c.model} ${c.res} b${c.batch}`)).toContain('resnet18 160x224 b2');
    for (const m of Object.keys(MODELS)) {
      expect(TOOLS.models[m]['224x224'].b1, m).toBeDefined();
      expect(TOOLS.models[m]['224x224'].b2, m).toBeDefined();
    }
    for (const t of TOOL_PRESETS) expect(TOOLS.tools[t].commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it.each(cases)('$model $res batch $batch', ({ model, res, batch, run }) => {
    const a = analysisOf(model, res, batch);
    expect(evaluate(a).totals.params, 'params').toBe(run.params);
    const got = Object.fromEntries(TOOL_PRESETS.map((p) => [p, total(a, p)]));
    const want = Object.fromEntries(TOOL_PRESETS.map((p) => [p, expected(run, p)]));
    expect(got).toEqual(want);
    expect(fvcoreSkippedOps(a.layers), 'fvcore unsupported_ops()').toEqual(run.fvcore.unsupportedOps);
  });
});

describe('the data is what the tools print', () => {
  it.each(cases)('$model $res batch $batch: totals, sums and batch rules', ({ batch, run }) => {
    // fvcore and thop 0.1.1: the total is the integer sum of the per-module counts
    expect(run.fvcore.moduleSum).toBe(run.fvcore.total);
    expect(run.thop.moduleSum).toBe(run.thop.total);
    // ptflops: module counts divided by the batch, functional counts added undivided
    expect(run.ptflops.batchCounter).toBe(batch);
    expect(run.ptflops.sum).toBe(run.ptflops.total);
    expect(run.ptflops.moduleSum / batch + run.ptflops.functionalSum).toBe(run.ptflops.total);
    expect(run['ptflops-modules'].functionalSum).toBe(0);
    expect(run['ptflops-modules'].moduleSum / batch).toBe(run['ptflops-modules'].total);
    // thop-2019 sums in float32: what it returns is within float32 rounding of the exact sum
    const t19 = run['thop-2019'];
    expect(Math.abs(Number(t19.returned) - t19.moduleSum)).toBeLessThan(t19.moduleSum * 2 ** -20);
  });

  it('ptflops at batch 2: module counts per sample, functional counts not (MobileNetV2 prints 320,362,728)', () => {
    const b1 = TOOLS.models.mobilenetv2['224x224'].b1.ptflops;
    const b2 = TOOLS.models.mobilenetv2['224x224'].b2.ptflops;
    expect(b2.total).toBe(320_362_728);
    expect(b2.total - b1.total).toBe(b1.functionalSum); // F.adaptive_avg_pool2d: 1280·7·7
    expect(b1.functionalSum).toBe(1280 * 7 * 7);
  });

  it('ptflops defaults minus count_functional=False: the double-counted modules and F.silu (ResNet-50 +10,511,872)', () => {
    const r = TOOLS.models.resnet50['224x224'].b1;
    expect(r.ptflops.total - r['ptflops-modules'].total).toBe(10_511_872);
    expect(r.ptflops.total).toBe(4_132_436_968);
  });

  it('thop-2019 returns the float32 sum of its float32 per-module counts, in model.modules() order', () => {
    for (const { model, res, run } of cases.filter((c) => c.batch === 1)) {
      const t19 = run['thop-2019'];
      const f32 = Object.values(t19.modules!).reduce((s, v) => Math.fround(s + Math.fround(v)), 0);
      expect(f32, `${model} ${res}`).toBe(Number(t19.returned));
    }
  });

  it("thop-2019 cannot run CA's AdaptiveAvgPool2d((None, 1)); the data shims only those pools", () => {
    const t19 = TOOLS.models['mobilenetv2-ca']['224x224'].b1['thop-2019'];
    expect(t19.error).toMatch(/TypeError/);
    expect(t19.shim).toMatch(/AdaptiveAvgPool2d\(\(None, 1\)\)/);
    for (const m of ['mobilenetv2', 'resnet50', 'mobilenetv2-se', 'mobilenetv2-eca']) {
      expect(TOOLS.models[m]['224x224'].b1['thop-2019'].error, m).toBeUndefined();
    }
  });
});

describe('per-module counts where the module paths are torchvision’s', () => {
  /** Sum of a preset's per-layer values over the module-call nodes of each module path. */
  function byModule(a: Analysis, p: PresetName): Map<string, number> {
    const out = new Map<string, number>();
    applyPreset(a, p).layers.forEach((v, i) => {
      const prov = a.layers[i].provenance;
      if (prov.call !== 'module') return;
      out.set(prov.module, (out.get(prov.module) ?? 0) + v.value.evaluateInt());
    });
    return out;
  }
  const b1 = cases.filter((c) => c.batch === 1 && SAME_PATHS.has(c.model));
  it.each(b1)('$model $res: thop, thop-2019 and fvcore module by module', ({ model, res, run }) => {
    const a = analysisOf(model, res, 1);
    for (const p of ['thop', 'thop-2019', 'fvcore'] as const) {
      const ours = byModule(a, p);
      const theirs = run[p].modules!;
      for (const [path, v] of ours) expect(v, `${p} ${path}`).toBe(theirs[path] ?? 0);
      // what no module call of ours holds is a functional call at the root (torchvision's F.adaptive_avg_pool2d)
      const rest = Object.entries(theirs).filter(([path]) => !ours.has(path));
      expect(
        rest.map(([path]) => path),
        p,
      ).toEqual(rest.length > 0 ? [''] : []);
    }
  });
});

describe('probes: one module at a time ([N, 8, 6, 4]), as ptflops, fvcore and thop see it', () => {
  const PROBES: Record<string, (b: GraphBuilder, x: ReturnType<GraphBuilder['input']>) => void> = {};
  const act =
    (fn: ActivationName, inplace = false) =>
    (b: GraphBuilder, x: ReturnType<GraphBuilder['input']>) =>
      b.output(b.op(fn, x, {}, { name: 'm', ...(inplace ? { provenance: { inplace } } : {}) }));
  PROBES.ReLU = act('relu');
  PROBES['ReLU(inplace=True)'] = act('relu', true);
  PROBES.ReLU6 = act('relu6');
  PROBES['ReLU6(inplace=True)'] = act('relu6', true);
  PROBES.SiLU = act('swish');
  PROBES['SiLU(inplace=True)'] = act('swish', true);
  PROBES.Hardswish = act('hard_swish');
  PROBES['Hardswish(inplace=True)'] = act('hard_swish', true);
  PROBES.Hardsigmoid = act('hard_sigmoid');
  PROBES.Sigmoid = act('sigmoid');
  PROBES['MaxPool2d(2)'] = (b, x) => b.output(b.op('max_pool2d', x, { kernel: 2 }, { name: 'm' }));
  PROBES['AvgPool2d(2)'] = (b, x) => b.output(b.op('avg_pool2d', x, { kernel: 2 }, { name: 'm' }));
  PROBES['AdaptiveAvgPool2d(1)'] = (b, x) => b.output(b.op('global_avg_pool', x, {}, { name: 'm' }));
  PROBES['AdaptiveMaxPool2d(1)'] = (b, x) => b.output(b.op('global_max_pool', x, {}, { name: 'm' }));
  PROBES['Dropout(inplace=True)'] = (b, x) =>
    b.output(b.op('dropout', x, { p: 0.2 }, { name: 'm', provenance: { inplace: true } }));
  PROBES['F.interpolate(bilinear, 9x5)'] = (b, x) =>
    b.output(
      b.op(
        'resize',
        x,
        { size: [9, 5] },
        { name: 'm.interpolate', provenance: { call: 'functional', torchType: 'interpolate' } },
      ),
    );
  PROBES['Upsample(bilinear, 9x5)'] = (b, x) =>
    b.output(
      b.op(
        'resize',
        x,
        { size: [9, 5] },
        { name: 'm', provenance: { call: 'module', torchType: 'Upsample' } },
      ),
    );

  const probeCases = Object.entries(PROBES).flatMap(([name, build]) =>
    [1, 2].map((batch) => ({ name, batch, build })),
  );
  it.each(probeCases)('$name batch $batch', ({ name, batch, build }) => {
    const want = TOOLS.probes[name]?.[`b${batch}`];
    expect(want, `probe ${name} in tool-counts.json`).toBeDefined();
    const b = new GraphBuilder();
    build(b, b.input('x', [batch, 8, 6, 4]));
    const g: Graph = b.build();
    const a = analyze(g);
    expect(total(a, 'ptflops'), 'ptflops').toBe(want.ptflops.total);
    expect(total(a, 'ptflops-modules'), 'ptflops-modules').toBe(want.ptflops.module / batch);
    expect(total(a, 'fvcore'), 'fvcore').toBe(want.fvcore.total);
    expect(fvcoreSkippedOps(a.layers), 'fvcore unsupported').toEqual(want.fvcore.unsupportedOps);
    expect(total(a, 'thop'), 'thop').toBe(want.thop.total);
  });
});

describe('presets name their tool and report what it skips', () => {
  it('every tool preset names the version and commit it reproduces', () => {
    expect(PRESETS.fvcore.description).toMatch(/fvcore 0\.1\.6.*3378afe/);
    expect(PRESETS.ptflops.description).toMatch(/ptflops 0\.7\.6.*d612c75/);
    expect(PRESETS['ptflops-modules'].description).toMatch(/ptflops 0\.7\.6.*count_functional/);
    expect(PRESETS.thop.description).toMatch(/thop 0\.1\.1.*43c064a/);
    expect(PRESETS['thop-2019'].description).toMatch(/d3e98b9/);
    expect(PRESETS['thop-2019'].assumptions.join('\n')).toMatch(/float32/);
  });
  it('a fvcore report lists the skipped ops as fvcore does; other presets have no notes', () => {
    const a = analysisOf('mobilenetv2-ca', '224x224', 1);
    const r = buildReport(a.graph, { analysis: a, preset: 'fvcore' });
    expect(r.assumptions).toContain(
      'fvcore: fvcore skips (warns "Unsupported operator ... encountered n time(s)", counts 0): ' +
        'aten::add ×26, aten::div ×16, aten::hardtanh_ ×51, aten::mul ×48, aten::sigmoid ×32',
    );
    expect(presetNotes(a, 'ptflops')).toEqual([]);
  });
});
