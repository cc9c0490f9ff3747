/**
 * SSDLite320 (the CA paper's COCO detector) against PyTorch's counts of the authors' own code
 * (houqb/ssdlite-pytorch-mobilenext; tools/torch-counts/ssdlite.py → test-data/ssdlite-counts.json):
 * params and conv + linear MACs at 320 × 320, to the integer, for the three released models
 * (MobileNetV2, its SE variant se_mbv2.py, MobileNeXt) with 81 (COCO) and 21 (VOC) classes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDetector, type SsdLiteOptions } from '@coordattn/ir';
import { buildReport } from './report.js';

interface Entry {
  params: number;
  backboneParams: number;
  macs320: number;
}
const COUNTS = JSON.parse(
  readFileSync(new URL('../test-data/ssdlite-counts.json', import.meta.url), 'utf8'),
) as { source: string; models: Record<string, Entry> };

const MODELS: Record<string, SsdLiteOptions> = {
  mobilenetv2: { backbone: 'mobilenetv2' },
  'mobilenetv2-se': { backbone: 'mobilenetv2', code: 'se_mbv2.py', attention: { kind: 'se' } },
  mobilenext: { backbone: 'mobilenext' },
};

const rows = Object.entries(COUNTS.models).map(([key, e]) => {
  const [model, classes] = key.split('/');
  return [key, model, Number(classes), e] as const;
});

describe('ssdlite320 against PyTorch counts of the authors code', () => {
  it('covers the three released models with 81 and 21 classes', () => {
    expect(COUNTS.source).toMatch(/^houqb\/ssdlite-pytorch-mobilenext@[0-9a-f]{40}$/);
    expect(rows.map((r) => r[0]).sort()).toEqual(
      Object.keys(MODELS)
        .flatMap((m) => [`${m}/21`, `${m}/81`])
        .sort(),
    );
  });

  it.each(rows)('%s: params and conv+linear MACs at 320x320', (_key, model, classes, e) => {
    const g = buildDetector('ssdlite320', { ...MODELS[model], classes });
    const r = buildReport(g, { preset: 'paper' });
    expect({ params: r.totals.params, macs: r.totals.macs }).toEqual({ params: e.params, macs: e.macs320 });
    const backbone = r.layers.filter((l) => l.path.startsWith('backbone.')).reduce((s, l) => s + l.params, 0);
    expect(backbone).toBe(e.backboneParams);
  });

  it('the MobileNetV2 model has the 4,304,138 params of the authors code', () => {
    const r = buildReport(buildDetector('ssdlite320'), { preset: 'paper' });
    expect(r.totals.params).toBe(4304138);
  });

  it('mobilenet.py + SE / CBAM / CA (ca-paper configs) give the README 4.7M / 4.7M / 4.8M', () => {
    const params = (['se', 'cbam', 'ca'] as const).map(
      (kind) =>
        buildReport(buildDetector('ssdlite320', { attention: { kind } }), { preset: 'paper' }).totals.params,
    );
    expect(params).toEqual([4701072, 4703072, 4769978]);
  });
});
