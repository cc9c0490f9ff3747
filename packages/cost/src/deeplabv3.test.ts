/**
 * DeepLabV3 (MobileNetV2; the CA paper's segmentation model) against PyTorch's counts of the same
 * model built from torchvision's MobileNetV2 and ASPP with the authors' CoordAtt, Jongchan's CBAM
 * and the CA paper's SE (tools/torch-counts/deeplabv3.py → test-data/deeplabv3-counts.json): params,
 * backbone params and conv + linear MACs at 513 × 513 and 64 × 64, to the integer, for no attention,
 * SE, CBAM and CA at output stride 16 and 8 with 21 (VOC) and 19 (Cityscapes) classes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deeplabv3Options as optionsOf } from '@coordattn/ir/testing';
import { buildSegmenter } from '@coordattn/ir';
import { buildReport } from './report.js';

interface Entry {
  params: number;
  backboneParams: number;
  macs513x513: number;
  macs64x64: number;
}
const COUNTS = JSON.parse(
  readFileSync(new URL('../test-data/deeplabv3-counts.json', import.meta.url), 'utf8'),
) as { source: string; coordatt: string; cbam: string; models: Record<string, Entry> };

describe('deeplabv3 against PyTorch counts', () => {
  it('come from torchvision and the authors code', () => {
    expect(COUNTS.source).toMatch(/^torchvision /);
    expect(COUNTS.coordatt).toMatch(/^houqb\/CoordAttention@[0-9a-f]{40}:coordatt\.py$/);
    expect(COUNTS.cbam).toMatch(/^Jongchan\/attention-module@[0-9a-f]{40}:MODELS\/cbam\.py$/);
  });

  it.each(Object.entries(COUNTS.models))('%s: params and conv+linear MACs at 513² and 64²', (key, e) => {
    const at = (px: number) =>
      buildReport(buildSegmenter('deeplabv3', { ...optionsOf(key), height: px, widthPx: px }), {
        preset: 'paper',
      });
    const r = at(513);
    const backbone = r.layers.filter((l) => l.path.startsWith('backbone.')).reduce((s, l) => s + l.params, 0);
    expect({ params: r.totals.params, backbone, macs513: r.totals.macs, macs64: at(64).totals.macs }).toEqual(
      {
        params: e.params,
        backbone: e.backboneParams,
        macs513: e.macs513x513,
        macs64: e.macs64x64,
      },
    );
  });

  it('the plain model has the 4,523,541 params the printed 4.5M rounds', () => {
    expect(buildReport(buildSegmenter('deeplabv3'), { preset: 'paper' }).totals.params).toBe(4523541);
  });

  it('counts the two bilinear upsamplings as the tools do (fvcore 4·numel(out), ptflops numel(out))', () => {
    const g = buildSegmenter('deeplabv3');
    const up = (preset: 'fvcore' | 'ptflops' | 'thop') =>
      buildReport(g, { preset, groupBy: 'layer' })
        .layers.filter((l) => l.path.endsWith('interpolate'))
        .map((l) => l.presetValue);
    // ASPP pooling: 1 × 256 × 33 × 33 = 278,784; logits: 1 × 21 × 513 × 513 = 5,526,549
    expect(up('fvcore')).toEqual([4 * 278784, 4 * 5526549]);
    expect(up('ptflops')).toEqual([278784, 5526549]);
    expect(up('thop')).toEqual([0, 0]);
  });
});
