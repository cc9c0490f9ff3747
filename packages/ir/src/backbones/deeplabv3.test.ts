/**
 * DeepLabV3 (MobileNetV2) against PyTorch (tools/torch-counts/deeplabv3.py →
 * packages/cost/test-data/deeplabv3-counts.json: torchvision's MobileNetV2 features and ASPP, the
 * authors' coordatt.py): every state_dict entry (name and shape) of the plain and the CA model is a
 * parameter of the IR graph and vice versa, and trainable params equal PyTorch's for every
 * attention kind, output stride and class count.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deeplabv3Options as optionsOf } from '../testing.js';
import { isCoordattnError } from '../errors.js';
import type { Graph } from '../graph/index.js';
import { buildSegmenter, type DeepLabV3Options } from './index.js';

interface Entry {
  readonly params: number;
  readonly stateDict?: readonly (readonly [string, readonly number[]])[];
}
const COUNTS = JSON.parse(
  readFileSync(new URL('../../../cost/test-data/deeplabv3-counts.json', import.meta.url), 'utf8'),
) as { models: Readonly<Record<string, Entry>> };

function trainable(g: Graph): number {
  let n = 0;
  for (const p of g.params.values()) if (p.trainable) n += p.shape.reduce((a, d) => a * d.toInt()!, 1);
  return n;
}

describe('deeplabv3', () => {
  const withStateDict = Object.entries(COUNTS.models).filter(([, e]) => e.stateDict !== undefined);

  it('the counts cover none, se, cbam and ca at output stride 8 and 16, 21 and 19 classes', () => {
    expect(Object.keys(COUNTS.models)).toHaveLength(16);
    expect(withStateDict.map(([k]) => k).sort()).toEqual([
      'ca/os16/21',
      'ca/os8/21',
      'none/os16/21',
      'none/os8/21',
    ]);
  });

  it.each(withStateDict)('%s: the state_dict of the PyTorch model, name for name', (key, e) => {
    const g = buildSegmenter('deeplabv3', optionsOf(key));
    const ir = [...g.params.values()].map((p) => `${p.id} ${p.shape.map((d) => d.toInt()).join('x')}`).sort();
    expect(ir).toEqual(e.stateDict!.map(([k, s]) => `${k} ${s.join('x')}`).sort());
  });

  it.each(Object.entries(COUNTS.models))('%s: trainable params equal PyTorch', (key, e) => {
    expect(trainable(buildSegmenter('deeplabv3', optionsOf(key)))).toBe(e.params);
  });

  it('defaults: MobileNetV2, output stride 16, 21 classes, 513 × 513; logits at the input size', () => {
    const g = buildSegmenter('deeplabv3');
    expect(g.meta).toMatchObject({
      segmenter: 'deeplabv3',
      backbone: 'mobilenetv2',
      outputStride: 16,
      classes: 21,
    });
    expect(g.meta.resolution).toEqual([513, 513]);
    expect(g.outputs.map((o) => g.shapeOf(o).map((d) => d.toInt()))).toEqual([[1, 21, 513, 513]]);
    // 513 → 257 → 129 → 65 → 33: the ASPP input at output stride 16 (65 at 8)
    const feat = (os: 8 | 16): (number | undefined)[] => {
      const h = buildSegmenter('deeplabv3', { outputStride: os });
      return h.node('classifier.0.cat').outputs[0].map((d) => d.toInt());
    };
    expect(feat(16)).toEqual([1, 1280, 33, 33]);
    expect(feat(8)).toEqual([1, 1280, 65, 65]);
  });

  it('dilates the depthwise convs from the stage whose stride is dropped (its first block keeps the previous rate)', () => {
    const dil = (os: 8 | 16): string => {
      const g = buildSegmenter('deeplabv3', { outputStride: os });
      return Array.from({ length: 17 }, (_, k) => {
        const i = k + 1;
        const n = g.node(i === 1 ? 'backbone.1.conv.0.0' : `backbone.${i}.conv.1.0`);
        const a = n.attrs as {
          stride: [number, number];
          dilation: [number, number];
          padding: [number, number];
        };
        expect(a.padding[0]).toBe(a.dilation[0]);
        return `${a.stride[0]}/${a.dilation[0]}`;
      }).join(' ');
    };
    // blocks 1..17 as stride/dilation; stages start at blocks 2, 4, 7, 11, 14, 17
    expect(dil(16)).toBe('1/1 2/1 1/1 2/1 1/1 1/1 2/1 1/1 1/1 1/1 1/1 1/1 1/1 1/1 1/2 1/2 1/2');
    expect(dil(8)).toBe('1/1 2/1 1/1 2/1 1/1 1/1 1/1 1/2 1/2 1/2 1/2 1/2 1/2 1/2 1/4 1/4 1/4');
  });

  it('ASPP rates 6/12/18 at output stride 16, 12/24/36 at 8; pooling branch upsampled from 1 × 1', () => {
    for (const [os, rates] of [
      [16, [6, 12, 18]],
      [8, [12, 24, 36]],
    ] as const) {
      const g = buildSegmenter('deeplabv3', { outputStride: os });
      const got = [1, 2, 3].map(
        (k) => (g.node(`classifier.0.convs.${k}.0`).attrs as { dilation: number[] }).dilation[0],
      );
      expect(got).toEqual(rates);
      const up = g.node('classifier.0.convs.4.interpolate');
      expect(up.op).toBe('resize');
      expect(g.shapeOf(up.inputs[0]).map((d) => d.toInt())).toEqual([1, 256, 1, 1]);
    }
  });

  it('rejects what is not defined', () => {
    const err = (opts: DeepLabV3Options): string => {
      try {
        buildSegmenter('deeplabv3', opts);
      } catch (e) {
        if (isCoordattnError(e)) return `${e.code} ${e.details.path ?? ''}`;
        throw e;
      }
      return 'ok';
    };
    expect(err({ outputStride: 32 as never })).toBe('E_OPTION outputStride');
    expect(err({ width: 0.5 })).toBe('E_OPTION width');
    expect(err({ backbone: 'resnet50' as never })).toBe('E_UNKNOWN_NAME backbone');
    expect(err({ classes: 0 })).toBe('E_OPTION classes');
    expect(err({ attention: { kind: 'triplet' } })).toBe('ok');
    expect(err({ attention: { kind: 'eca' }, outputStride: 8 })).toBe('ok');
  });
});
