/**
 * Regenerates packages/reference/test-data from the PyTorch golden fixtures
 * (/work/shared/fixtures, see its README):
 *
 * 1. `name-maps.json`: for every fixture, its state_dict names → the IR's parameter ids, written
 *    out from the explicit rules below (one entry per tensor, so the mapping can be reviewed).
 * 2. The network fixture (10.8 MB of JSON) in compact form under `mbv2-ca-w035-64px/`:
 *    `weights.json` + `weights.bin` (the project's weights file, IR names), `input.npy`,
 *    `output.npy` and `fixture.json` (name, producer, config, source). Every fixture value is a
 *    float32 printed as a decimal; the script checks that each one is exactly representable
 *    (`Math.fround(v) === v`), so the conversion is lossless.
 *
 * The four block fixtures are small and are copied as they are.
 *
 * Usage (from the repository root):
 *   npm run fixtures -w @coordattn/reference -- [fixtures-dir]   (default /work/shared/fixtures)
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveWeights, tensor, writeNpy, type Tensor } from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface Fixture {
  name: string;
  producer: string;
  config: Record<string, unknown>;
  input: FixtureTensor;
  output: FixtureTensor;
  weights: Record<string, FixtureTensor>;
}

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'test-data');
const src = process.argv[2] ?? '/work/shared/fixtures';

const BLOCKS = ['ca-c32-h14-w12-r8', 'ca-c96-h7-w9-r32', 'se-c64-h10-w10-r4', 'eca-c128-h6-w6'];
const NETWORK = 'mbv2-ca-w035-64px';

/** The IR block is built under the scope `attention` (attention(b, x, spec, 'attention')). */
const CA_BLOCK: Record<string, string> = { reduce: 'conv1', bn: 'bn1', gate_h: 'conv_h', gate_w: 'conv_w' };

function caName(module: string, local: string, prefix: string): string {
  const m = CA_BLOCK[module];
  if (m === undefined) throw new Error(`unexpected CA module '${module}'`);
  return `${prefix}.${m}.${local}`;
}

/** Block fixtures: CA `reduce/bn/gate_h/gate_w`, SE `fc1/fc2`, ECA `conv` — all under `attention.`. */
function blockName(fixture: string, key: string): string {
  const [module, local, ...rest] = key.split('.');
  if (rest.length > 0) throw new Error(`unexpected key '${key}' in ${fixture}`);
  if (fixture.startsWith('ca-')) return caName(module, local, 'attention');
  if (fixture.startsWith('se-') && (module === 'fc1' || module === 'fc2'))
    return `attention.${module}.${local}`;
  if (fixture.startsWith('eca-') && module === 'conv') return `attention.conv.${local}`;
  throw new Error(`unexpected key '${key}' in ${fixture}`);
}

/**
 * The network fixture's module tree vs the IR's MobileNetV2 (torchvision's tree):
 * - stem: fixture `features.0` conv, `features.1` BN, (`features.2` ReLU6) — flat;
 *   IR `features.0.0` conv, `features.0.1` BN, `features.0.2` ReLU6 (Conv2dNormActivation);
 * - inverted residual blocks: fixture `features.3..19` with layers in `body.K`;
 *   IR `features.1..17` with layers in `conv.…`:
 *   t = 1 (fixture features.3): body.0 dw conv, 1 BN, (2 ReLU6), 3 projection conv, 4 BN
 *     → conv.0.0, conv.0.1, (conv.0.2), conv.1, conv.2;
 *   t ≠ 1: body.0 pw conv, 1 BN, (2 ReLU6), 3 dw conv, 4 BN, (5 ReLU6), 6 CA, 7 projection
 *     conv, 8 BN → conv.0.0, conv.0.1, conv.1.0, conv.1.1, conv.attention, conv.2, conv.3;
 * - last 1×1 conv: fixture `features.20` conv, `features.21` BN → IR `features.18.0`, `.1`;
 * - classifier: fixture `fc` → IR `classifier.1` (dropout `classifier.0` has no parameters).
 */
function networkName(key: string): string {
  const parts = key.split('.');
  const local = parts[parts.length - 1];
  if (parts[0] === 'fc' && parts.length === 2) return `classifier.1.${local}`;
  if (parts[0] !== 'features') throw new Error(`unexpected key '${key}'`);
  const j = Number(parts[1]);
  if (parts.length === 3) {
    const flat: Record<number, string> = {
      0: 'features.0.0',
      1: 'features.0.1',
      20: 'features.18.0',
      21: 'features.18.1',
    };
    if (flat[j] === undefined) throw new Error(`unexpected key '${key}'`);
    return `${flat[j]}.${local}`;
  }
  if (parts[2] !== 'body' || j < 3 || j > 19) throw new Error(`unexpected key '${key}'`);
  const block = `features.${j - 2}.conv`;
  const k = Number(parts[3]);
  if (j === 3) {
    const layer: Record<number, string> = { 0: '0.0', 1: '0.1', 3: '1', 4: '2' };
    if (layer[k] === undefined || parts.length !== 5) throw new Error(`unexpected key '${key}'`);
    return `${block}.${layer[k]}.${local}`;
  }
  if (k === 6 && parts.length === 6) return caName(parts[4], local, `${block}.attention`);
  const layer: Record<number, string> = { 0: '0.0', 1: '0.1', 3: '1.0', 4: '1.1', 7: '2', 8: '3' };
  if (layer[k] === undefined || parts.length !== 5) throw new Error(`unexpected key '${key}'`);
  return `${block}.${layer[k]}.${local}`;
}

function readFixture(name: string): { fixture: Fixture; sha256: string } {
  const bytes = readFileSync(join(src, `${name}.json`));
  return {
    fixture: JSON.parse(bytes.toString('utf8')) as Fixture,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

function float32Tensor(t: FixtureTensor, what: string): Tensor {
  t.data.forEach((v, i) => {
    if (Math.fround(v) !== v) throw new Error(`${what}[${i}] = ${v} is not a float32 value`);
  });
  return tensor(t.shape, t.data);
}

function mapOf(keys: readonly string[], rename: (k: string) => string): Record<string, string> {
  const map: Record<string, string> = {};
  const seen = new Set<string>();
  for (const k of keys) {
    const v = rename(k);
    if (seen.has(v)) throw new Error(`two fixture tensors map to '${v}'`);
    seen.add(v);
    map[k] = v;
  }
  return map;
}

const maps: Record<string, Record<string, string>> = {};
for (const name of BLOCKS) {
  const { fixture } = readFixture(name);
  maps[name] = mapOf(Object.keys(fixture.weights), (k) => blockName(name, k));
  copyFileSync(join(src, `${name}.json`), join(out, `${name}.json`));
  chmodSync(join(out, `${name}.json`), 0o644); // the source may be read-only
}

const { fixture: net, sha256 } = readFixture(NETWORK);
maps[NETWORK] = mapOf(Object.keys(net.weights), networkName);
const netDir = join(out, NETWORK);
mkdirSync(netDir, { recursive: true });
const weights = new Map<string, Tensor>();
for (const [k, t] of Object.entries(net.weights)) weights.set(maps[NETWORK][k], float32Tensor(t, k));
saveWeights(join(netDir, 'weights.json'), weights, {
  meta: { source: `${NETWORK}.json`, names: 'IR parameter ids (see ../name-maps.json)' },
});
writeNpy(join(netDir, 'input.npy'), float32Tensor(net.input, 'input'));
writeNpy(join(netDir, 'output.npy'), float32Tensor(net.output, 'output'));
const meta = {
  name: net.name,
  producer: net.producer,
  config: net.config,
  source: { file: `${NETWORK}.json`, sha256 },
  converted: 'by packages/reference/tools/convert-fixtures.ts (lossless: every value is a float32)',
  files: { weights: 'weights.json', input: 'input.npy', output: 'output.npy' },
};
writeFileSync(join(netDir, 'fixture.json'), `${JSON.stringify(meta, null, 2)}\n`);

const lines = Object.entries(maps).map(([f, m]) => {
  const entries = Object.entries(m).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `  ${JSON.stringify(f)}: {\n${entries.join(',\n')}\n  }`;
});
writeFileSync(join(out, 'name-maps.json'), `{\n${lines.join(',\n')}\n}\n`);
console.log(
  `wrote ${out}: name-maps.json, ${BLOCKS.length} block fixtures, ${NETWORK}/ (${weights.size} tensors)`,
);
