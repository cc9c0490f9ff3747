import { numel } from '../columns.js';
import { defineRule } from './types.js';

/** conv2d: N·Cout·(Cin/g)·kh·kw·Ho·Wo MACs (depthwise: g = C), plus numel(out) bias adds. */
export const conv2dRule = defineRule({
  op: 'conv2d',
  doc: 'MACs numel(out)·(Cin/g)·kh·kw; bias adds numel(out) when bias',
  cost({ inputs: [x], outputs: [y], attrs }) {
    const out = numel(y);
    const perOutput = x[1].div(attrs.groups).mul(attrs.kernel[0] * attrs.kernel[1]);
    return { macs: out.mul(perOutput), ...(attrs.bias ? { biasAdds: out } : {}) };
  },
});
