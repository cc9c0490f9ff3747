/**
 * SSDLite320 against the authors' code (houqb/ssdlite-pytorch-mobilenext, built with PyTorch by
 * tools/torch-counts/ssdlite.py → packages/cost/test-data/ssdlite-counts.json): every state_dict
 * entry (name and shape) of the three released models is a parameter of the IR graph and vice
 * versa, so the node paths follow the authors' module tree; params summed over the graph. Inside an
 * attention block the names are the IR block's own: the authors' SEM `conv.0` / `conv.2` are the SE
 * block's `fc1` / `fc2`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isCoordattnError } from '../errors.js';
import type { Graph } from '../graph/index.js';
import { buildDetector, type SsdLiteOptions } from './index.js';

interface Entry {
  readonly params: number;
  readonly stateDict?: readonly (readonly [string, readonly number[]])[];
}
const COUNTS = JSON.parse(
  readFileSync(new URL('../../../cost/test-data/ssdlite-counts.json', import.meta.url), 'utf8'),
) as { models: Readonly<Record<string, Entry>> };

const MODELS: Readonly<Record<string, SsdLiteOptions>> = {
  mobilenetv2: { backbone: 'mobilenetv2' },
  'mobilenetv2-se': { backbone: 'mobilenetv2', code: 'se_mbv2.py', attention: { kind: 'se' } },
  mobilenext: { backbone: 'mobilenext' },
};

function stateDict(g: Graph): [string, number[]][] {
  return [...g.params.values()].map((p) => [p.id, p.shape.map((d) => d.toInt()!)]);
}

function trainable(g: Graph): number {
  let n = 0;
  for (const p of g.params.values()) {
    if (p.trainable) n += p.shape.reduce((a, d) => a * d.toInt()!, 1);
  }
  return n;
}

describe('ssdlite320', () => {
  it.each(Object.keys(MODELS))('%s: the state_dict of the authors code, name for name', (model) => {
    const e = COUNTS.models[`${model}/81`];
    const g = buildDetector('ssdlite320', MODELS[model]);
    const byName = (a: readonly (readonly [string, readonly number[]])[]) =>
      [...a].map(([k, s]) => `${k} ${s.join('x')}`).sort();
    const sem = (k: string): string =>
      k.replace(/(\.conv\.6)\.conv\.([02])\./, (_m, p: string, i: string) => `${p}.fc${i === '0' ? 1 : 2}.`);
    const torch = e.stateDict!.map(([k, s]) => [model.endsWith('-se') ? sem(k) : k, s] as const);
    expect(byName(stateDict(g))).toEqual(byName(torch));
    expect(trainable(g)).toBe(e.params);
  });

  it('defaults: MobileNetV2, 81 classes, 320x320; outputs class logits and boxes', () => {
    const g = buildDetector('ssdlite320');
    expect(g.meta).toMatchObject({ detector: 'ssdlite320', backbone: 'mobilenetv2', classes: 81 });
    expect(g.meta.resolution).toEqual([320, 320]);
    // anchors: 20²·6 + 10²·6 + 5²·6 + 3²·6 + 2²·6 + 1·4 = 3232
    expect(g.outputs.map((o) => g.shapeOf(o).map((d) => d.toInt()))).toEqual([
      [1, 3232 * 81],
      [1, 3232 * 4],
    ]);
  });

  it('places attention in the backbone and the extras (ca-paper position)', () => {
    const g = buildDetector('ssdlite320', { attention: { kind: 'ca' } });
    const blocks = [...g.params.keys()].filter((k) => k.endsWith('attention.conv1.weight'));
    expect(blocks).toHaveLength(16 + 4);
    expect(blocks).toContain('backbone.extras.3.conv.attention.conv1.weight');
    const nx = buildDetector('ssdlite320', { backbone: 'mobilenext', attention: { kind: 'ca' } });
    expect([...nx.params.keys()].filter((k) => k.endsWith('attention.conv1.weight')).length).toBeGreaterThan(
      4,
    );
  });

  it('rejects what the authors code does not define', () => {
    const err = (opts: SsdLiteOptions): string => {
      try {
        buildDetector('ssdlite320', opts);
      } catch (e) {
        if (isCoordattnError(e)) return e.code;
        throw e;
      }
      return 'ok';
    };
    expect(err({ width: 0.5 })).toBe('E_OPTION');
    expect(err({ backbone: 'resnet50' as never })).toBe('E_UNKNOWN_NAME');
    expect(err({ backbone: 'mobilenext', code: 'se_mbv2.py' })).toBe('E_OPTION');
    expect(err({ attention: { kind: 'ca' }, placement: 'eca-paper' })).toBe('E_OPTION');
    expect(err({ classes: 21 })).toBe('ok');
  });
});
