/**
 * ONNX on the command line: `coordattn export` (a model → an .onnx file onnxruntime runs) and
 * `report --format netron` (the model as ONNX with each node's costs in its `doc_string`, which
 * Netron shows in the node's properties, and the totals in the model's metadata).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CoordattnError, type Graph } from '@coordattn/ir';
import { analyze, applyPreset, type PresetName } from '@coordattn/cost';
import { annotateOnnx, exportOnnx } from '@coordattn/onnx';
import type { Weights } from '@coordattn/reference';
import type { Io } from './commands.js';
import { weightsOf } from './kernels.js';
import { loadModel, type LoadedModel } from './model.js';
import { modelFlags, str, type Flags } from './options.js';

function writeBinary(file: string, bytes: Uint8Array, io: Io): void {
  try {
    writeFileSync(resolve(io.cwd, file), bytes);
  } catch (e) {
    throw new CoordattnError('E_IO', `cannot write file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      path: file,
    });
  }
  io.err(`wrote ${file} (${bytes.length} bytes)\n`);
}

function requireOut(flags: Flags, what: string): string {
  const out = str(flags, 'out');
  if (out === undefined) {
    throw new CoordattnError('E_OPTION', `${what} writes a binary .onnx file: name it with --out`, {
      path: '--out',
      expected: 'a file path, e.g. --out model.onnx',
    });
  }
  return out;
}

function exportModel(m: LoadedModel, weights: Weights): Uint8Array {
  return exportOnnx(m.graph, weights, { name: m.info.name });
}

/** `coordattn export <model> [model flags] [--weights FILE | --seed N] --out model.onnx`. */
export async function exportCommand(model: string, flags: Flags, io: Io): Promise<void> {
  const out = requireOut(flags, 'export');
  const m = await loadModel(model, modelFlags(flags), io.cwd);
  const free = m.graph.symbols();
  if (free.length > 0) {
    throw new CoordattnError('E_OPTION', `the model has free symbols (${free.join(', ')})`, {
      path: m.onnx ? '--dim' : '--resolution',
      expected: 'concrete sizes',
    });
  }
  writeBinary(out, exportModel(m, weightsOf(m, flags, io)), io);
}

/** Per-node cost text keyed by IR path: `conv2d · MACs 1,234 · params 567`. */
function costsByPath(
  graph: Graph,
  preset: PresetName,
): { byPath: Map<string, string>; totals: Record<string, string> } {
  const a = analyze(graph);
  const p = applyPreset(a, preset);
  const byPath = new Map<string, string>();
  a.layers.forEach((l, i) => {
    const v = p.layers[i].value.toInt();
    const parts = [
      `coordattn ${l.op} at ${l.path}`,
      `${preset} ${p.preset.unit}: ${v === undefined ? p.layers[i].value.toString() : v.toLocaleString('en-US')}`,
      `MACs: ${l.columns.macs.toString()}`,
      `params: ${l.params.toString()}`,
      `output: [${l.outputShape.map((d) => d.toString()).join(', ')}]`,
      ...(l.block ? [`block: ${l.block}`] : []),
    ];
    byPath.set(l.path, parts.join('\n'));
  });
  return {
    byPath,
    totals: {
      'coordattn.preset': preset,
      'coordattn.total': p.value.toString(),
      'coordattn.params': a.paramCounts.params.toString(),
    },
  };
}

/**
 * `report <model> --format netron --out FILE.onnx`: an .onnx model is annotated as it is (its nodes
 * keep their names; each gets the costs of the IR nodes it became); any other model is exported first
 * (seeded weights unless --weights) and its nodes, named after IR paths, are annotated.
 */
export function netronReport(m: LoadedModel, preset: PresetName, flags: Flags, io: Io): void {
  const out = requireOut(flags, '--format netron');
  const { byPath, totals } = costsByPath(m.graph, preset);
  const docs = new Map<string, string>();
  let bytes: Uint8Array;
  if (m.onnx) {
    bytes = m.onnx.bytes;
    for (const [name, paths] of m.onnx.notes.nodeMap) {
      const text = [...new Set(paths)].map((p) => byPath.get(p)).filter((t) => t !== undefined);
      if (text.length > 0) docs.set(name, text.join('\n\n'));
    }
  } else {
    bytes = exportModel(m, weightsOf(m, flags, io));
    for (const [path, text] of byPath) docs.set(path, text);
  }
  writeBinary(out, annotateOnnx(bytes, docs, totals), io);
}
