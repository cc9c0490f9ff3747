import { describe, expect, it } from 'vitest';
import { reportJson, run } from './test-io.js';

describe('coordattn report ssdlite320', () => {
  it('reports the CA paper detector: MobileNetV2 + CA, 81 classes, 320x320', async () => {
    const rep = await reportJson(['ssdlite320', '--backbone', 'mobilenetv2', '--attention', 'ca']);
    expect(rep.totals.params).toBe(4_769_978);
    expect(rep.totals.macs).toBe(756_665_216);
  });

  it('takes --backbone mobilenext and --classes (the authors code: 4,539,418 / 3,469,858 params)', async () => {
    const coco = await reportJson(['ssdlite320', '--backbone', 'mobilenext']);
    expect(coco.totals.params).toBe(4_539_418);
    const voc = await reportJson(['ssdlite320', '--backbone', 'mobilenext', '--classes', '21']);
    expect(voc.totals.params).toBe(3_469_858);
  });

  it('gives symbolic H x W formulas', async () => {
    const r = await run(['report', 'ssdlite320', '--resolution', 'HxW', '--symbolic', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/floor\(H \/ 2/);
  });

  it('rejects --backbone on a backbone model and an unknown detector backbone', async () => {
    const a = await run(['report', 'mobilenetv2', '--backbone', 'mobilenext']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--backbone/);
    const b = await run(['report', 'ssdlite320', '--backbone', 'resnet50']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/mobilenetv2, mobilenext/);
  });
});
