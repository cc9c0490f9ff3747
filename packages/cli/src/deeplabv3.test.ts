import { describe, expect, it } from 'vitest';
import { reportJson, run } from './test-io.js';

describe('coordattn report deeplabv3', () => {
  it('reports DeepLabV3 on MobileNetV2 + CA: 21 classes, 513x513, output stride 16 (PyTorch: 4,969,317)', async () => {
    const rep = await reportJson(['deeplabv3', '--backbone', 'mobilenetv2', '--attention', 'ca']);
    expect(rep.totals.params).toBe(4_969_317);
    expect(rep.totals.macs).toBe(5_383_744_192);
  });

  it('takes --output-stride 8 and --classes 19 (PyTorch: 4,523,027 params, 18,999,383,232 MACs)', async () => {
    const rep = await reportJson(['deeplabv3', '--output-stride', '8', '--classes', '19']);
    expect(rep.totals.params).toBe(4_523_027);
    expect(rep.totals.macs).toBe(18_999_383_232);
  });

  it('gives symbolic H x W formulas', async () => {
    const r = await run(['report', 'deeplabv3', '--resolution', 'HxW', '--symbolic', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/floor\(H \/ 2/);
  });

  it('rejects bad values with exit 2 naming the flag', async () => {
    for (const v of ['32', '4', 'x', '']) {
      const a = await run(['report', 'deeplabv3', '--output-stride', v]);
      expect(a.code, v).toBe(2);
      expect(a.err).toMatch(/E_OPTION at --output-stride: not an output stride/);
    }
    const b = await run(['report', 'mobilenetv2', '--output-stride', '8']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/E_OPTION at --output-stride/);
    const c = await run(['report', 'deeplabv3', '--backbone', 'mobilenext']);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/--backbone/);
    const d = await run(['report', 'deeplabv3', '--width', '0.5']);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/E_OPTION at width/);
  });
});
