import { numel } from '../columns.js';
import { defineRule } from './types.js';

/**
 * channel_conv1d (ECA): k MACs per output element, N·C·k in all. Like every PyTorch counter, the
 * products with the zero padding at both ends of the channel axis are counted.
 */
export const channelConv1dRule = defineRule({
  op: 'channel_conv1d',
  doc: 'MACs k·numel(out) (zero padding included); bias adds numel(out) when bias',
  cost({ outputs: [y], attrs }) {
    const out = numel(y);
    return { macs: out.mul(attrs.kernel), ...(attrs.bias ? { biasAdds: out } : {}) };
  },
});
