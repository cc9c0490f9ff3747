import { numel } from '../columns.js';
import { defineRule } from './types.js';

/** linear: in_features MACs per output element; bias adds numel(out) when bias. */
export const linearRule = defineRule({
  op: 'linear',
  doc: 'MACs in_features·numel(out); bias adds numel(out) when bias',
  cost({ inputs: [x], outputs: [y], attrs }) {
    const out = numel(y);
    return { macs: out.mul(x[x.length - 1]), ...(attrs.bias ? { biasAdds: out } : {}) };
  },
});
