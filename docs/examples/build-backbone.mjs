// Build MobileNetV2 with Coordinate Attention as a shape-checked graph, and one CA block on
// symbolic dimensions with the fluent builder.
import { attention, buildBackbone, Dim, GraphBuilder } from '@coordattn/ir';

// The CA paper's model: CA (r = 32) after the depthwise conv of every block with t ≠ 1.
const model = buildBackbone('mobilenetv2', { attention: { kind: 'ca' }, recipe: 'ca-paper' });
const caBlocks = model.blocks.filter((b) => b.kind === 'coordinate-attention');
console.log(`nodes: ${model.nodes.length}`);
console.log(`CA blocks: ${caBlocks.length} (first: ${caBlocks[0].path})`);
console.log(`output: [${model.shapeOf(model.outputs[0]).join(', ')}]`);

// One CA block on an input of shape [1, 64, H, W]: H and W stay symbols (H ≠ W allowed).
const b = new GraphBuilder();
const x = b.input('x', [1, 64, Dim.sym('H'), Dim.sym('W')]);
b.output(attention(b, x, { kind: 'ca', config: { reduction: 8 } }));
const block = b.build();
console.log(`CA block output: [${block.shapeOf(block.outputs[0]).join(', ')}]`);
console.log(`CA block nodes: ${block.nodes.map((n) => n.path).join(' ')}`);
