/**
 * `.onnx` on the command line: report / compare / run / verify of a torch-exported file with its own
 * weights, `export` of a backbone, `report --format netron`, the batch and --dim bindings, external
 * data kept inside the model's folder, and exit 2 with one line for every bad file or flag.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '@coordattn/onnx';
import { compare, describeComparison, FLOAT32_NETWORK_TOLERANCE, readNpy } from '@coordattn/reference';
import { run } from './test-io.js';

const { onnx } = onnxProto;
const DATA = new URL('../../onnx/test-data/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'coordattn-cli-onnx-'));
const file = (name: string): string => join(DATA, name);

describe('coordattn report / compare on an .onnx file', () => {
  it('reports the file: params it holds, MACs, BN-folding note and the recognised CA blocks', async () => {
    const r = await run(['report', file('mbv2_ca_224_struct.onnx'), '--format', 'json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out) as {
      totals: { params: number };
      assumptions: string[];
      groups: { name: string }[];
    };
    expect(r.out).toMatch(/"conv\+linear MACs"|306666368/);
    expect(rep.assumptions.join('\n')).toMatch(/folds BN into the preceding Conv/);
    expect(rep.assumptions.filter((a) => /ca block at features\.\d+\.conv\.6/.test(a))).toHaveLength(16);
  });
  it('--symbolic keeps a dynamic batch as N; without it the batch is 1 unless --batch or --dim N=…', async () => {
    const sym = await run(['report', file('ca_c32_h14_w12_dynbatch.onnx'), '--symbolic']);
    expect(sym.code).toBe(0);
    expect(sym.out).toMatch(/MACs\s+= 13312 \* N/);
    const one = await run(['report', file('ca_c32_h14_w12_dynbatch.onnx'), '--format', 'json']);
    const three = await run([
      'report',
      file('ca_c32_h14_w12_dynbatch.onnx'),
      '--batch',
      '3',
      '--format',
      'json',
    ]);
    const dim = await run([
      'report',
      file('ca_c32_h14_w12_dynbatch.onnx'),
      '--dim',
      'N=3',
      '--format',
      'json',
    ]);
    const total = (o: string): number => (JSON.parse(o) as { total: { value: number } }).total.value;
    expect(total(one.out)).toBe(13312);
    expect(total(three.out)).toBe(3 * 13312);
    expect(total(dim.out)).toBe(3 * 13312);
  });
  it('compare works on a file', async () => {
    const r = await run(['compare', file('cbam_c64_h8_w10.onnx')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/fvcore/);
  });
  it('--format netron writes the file back with costs in the node doc_strings', async () => {
    const out = join(dir, 'se.costs.onnx');
    const r = await run(['report', file('se_c64_h6_w6.onnx'), '--format', 'netron', '--out', out]);
    expect(r.code).toBe(0);
    const m = onnx.ModelProto.decode(readFileSync(out));
    const conv = (m.graph?.node ?? []).find((n) => n.opType === 'Conv')!;
    expect(conv.docString).toMatch(
      /^coordattn conv2d at fc1\npaper MACs: 1,024\nMACs: 1024\nparams: 1040\noutput: \[1, 16, 1, 1\]/,
    );
    expect(m.metadataProps.find((p) => p.key === 'coordattn.params')?.value).toBe('2128');
    // The graph itself is untouched: it imports to the same IR.
    expect(importOnnx(readFileSync(out)).graph.nodes.map((n) => n.path)).toEqual(
      importOnnx(readFileSync(file('se_c64_h6_w6.onnx'))).graph.nodes.map((n) => n.path),
    );
  });
});

describe('coordattn run / verify on an .onnx file use its weights', () => {
  it('run on webasm matches PyTorch’s output for MobileNetV2 + CA', async () => {
    const out = join(dir, 'y.npy');
    const r = await run([
      'run',
      file('mbv2_ca_w035_64.onnx'),
      '--input',
      file('mbv2_ca_w035_64.input.npy'),
      '--output',
      out,
      '--mode',
      'webasm',
    ]);
    expect(r.code, r.err).toBe(0);
    const c = compare(readNpy(out), readNpy(file('mbv2_ca_w035_64.output.npy')), FLOAT32_NETWORK_TOLERANCE);
    expect(c.pass, describeComparison(c, 'run')).toBe(true);
  });
  it('compile writes a directory that runs with the file’s weights', async () => {
    const out = join(dir, 'se-compiled');
    const c = await run(['compile', file('se_c64_h6_w6.onnx'), '--out', out]);
    expect(c.code, c.err).toBe(0);
    const y = join(dir, 'se-y.npy');
    const r = await run([
      'run',
      out,
      '--input',
      file('se_c64_h6_w6.input.npy'),
      '--output',
      y,
      '--mode',
      'cpu',
    ]);
    expect(r.code, r.err).toBe(0);
    const cmp = compare(readNpy(y), readNpy(file('se_c64_h6_w6.output.npy')), FLOAT32_NETWORK_TOLERANCE);
    expect(cmp.pass, describeComparison(cmp, 'compiled SE')).toBe(true);
  });
  it('verify passes kernel by kernel', async () => {
    const r = await run(['verify', file('triplet_c16_h9_w11.onnx'), '--modes', 'cpu,webasm']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/PASS/);
  });
  it('--weights and --seed do not apply to an .onnx file', async () => {
    const r = await run([
      'run',
      file('eca_c64_h7_w7.onnx'),
      '--seed',
      '3',
      '--input',
      file('eca_c64_h7_w7.input.npy'),
      '--output',
      join(dir, 'never.npy'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_OPTION at --seed: an \.onnx file carries its weights/);
  });
});

describe('coordattn export', () => {
  it('writes a model that imports back to the same report', async () => {
    const out = join(dir, 'm.onnx');
    const model = ['mobilenetv2', '--attention', 'eca', '--resolution', '64', '--width', '0.5'];
    const w = await run(['export', ...model, '--seed', '2', '--out', out]);
    expect(w.code, w.err).toBe(0);
    const a = await run(['report', ...model, '--format', 'json']);
    const b = await run(['report', out, '--format', 'json']);
    const totals = (o: string): unknown => (JSON.parse(o) as { totals: unknown }).totals;
    expect(totals(b.out)).toEqual(totals(a.out));
  });
  it('needs --out', async () => {
    const r = await run(['export', 'mobilenetv2']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_OPTION at --out/);
  });
});

describe('bad files and flags exit 2 with one line', () => {
  const bad = join(dir, 'bad.onnx');
  writeFileSync(bad, 'this is not a model');
  const cases: [string, string[], RegExp][] = [
    ['not protobuf', ['report', bad], /E_ONNX at .*bad\.onnx: not an ONNX model/],
    [
      'missing file',
      ['report', join(dir, 'missing.onnx')],
      /E_IO at .*missing\.onnx: cannot read file \(ENOENT\)/,
    ],
    [
      'model flag on a file',
      ['report', file('se_c64_h6_w6.onnx'), '--width', '0.5'],
      /E_OPTION at --width: model flags do not apply to an \.onnx file/,
    ],
    [
      '--dim syntax',
      ['report', file('se_c64_h6_w6.onnx'), '--dim', 'N'],
      /E_OPTION at --dim: not a dim binding/,
    ],
    ['--dim on a backbone', ['report', 'mobilenetv2', '--dim', 'N=2'], /E_OPTION at --dim/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
  }
});

describe('external data', () => {
  /** The ECA block with its weight moved to a side file named `location`. */
  function withExternal(folder: string, location: string): string {
    const m = onnx.ModelProto.decode(readFileSync(file('eca_c64_h7_w7.onnx')));
    const t = (m.graph?.initializer ?? []).find((i) => i.rawData && i.rawData.length > 0)!;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'data.bin'), t.rawData!);
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: location })];
    const path = join(folder, 'model.onnx');
    writeFileSync(path, onnx.ModelProto.encode(m).finish());
    return path;
  }
  /** The model in `ext-ok/` with its data beside it, written once by whichever test needs it first. */
  let extOk: string | undefined;
  const withExternalOk = (): string => (extOk ??= withExternal(join(dir, 'ext-ok'), 'data.bin'));
  it('is read from the model’s own folder and gives the same output', async () => {
    const model = withExternalOk();
    copyFileSync(file('eca_c64_h7_w7.input.npy'), join(dir, 'ext-ok', 'x.npy'));
    const out = join(dir, 'ext-ok', 'y.npy');
    const r = await run([
      'run',
      model,
      '--input',
      join(dir, 'ext-ok', 'x.npy'),
      '--output',
      out,
      '--mode',
      'cpu',
    ]);
    expect(r.code, r.err).toBe(0);
    const c = compare(readNpy(out), readNpy(file('eca_c64_h7_w7.output.npy')), FLOAT32_NETWORK_TOLERANCE);
    expect(c.pass).toBe(true);
  });
  it('a location with .. or a symlink out of the folder is refused', async () => {
    const up = withExternal(join(dir, 'ext-up', 'm'), '../data.bin');
    const r1 = await run(['report', up]);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/leaves the model's folder/);
    const folder = join(dir, 'ext-link');
    const model = withExternal(folder, 'link.bin');
    // A link to a real data file in another folder (ext-ok's).
    withExternalOk();
    symlinkSync(join(dir, 'ext-ok', 'data.bin'), join(folder, 'link.bin'));
    const r2 = await run(['report', model]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/leaves the model's folder \(through a symlink\)/);
  });
});
