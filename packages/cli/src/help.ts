/** The defaults table shown by `coordattn report --help` (also stated in docs/ir.md). */
export const HELP_DEFAULTS = `
Defaults without --recipe (placement and per-kind parameters):
  mobilenetv2, mobilenext   ca, se, cbam, triplet: ca-paper placement (after the depthwise 3x3 of
                            every block with t != 1); CA r=32, SE and CBAM squeeze C//24.
                            eca: eca-paper placement (after the projection BN), k = 1 if C < 96 else 3.
  resnet18 ... resnet152    every kind at the eca-paper position (after the last BN, before the
                            residual add); SE Linear without bias r=16; ECA per-stage k
                            (resnet50: 3,5,5,7); CA r=32.
  efficientnet-b0,          the kind replaces the built-in SE at its own position; CA r=32.
  mobilenetv3-large/small
Recipes: ca-paper (preset paper), eca-paper (preset thop-2019, binary units), torchvision (preset paper).
Without --preset the recipe's preset is used, else 'paper' (conv + linear MACs, decimal units).

Examples:
  coordattn report mobilenetv2 --attention ca
  coordattn report mobilenetv2 --attention ca --sweep reduction=8,16,32 --format svg --out r.svg
  coordattn report resnet50 --attention eca --recipe eca-paper
  coordattn report mobilenetv2 --attention ca --resolution HxW --symbolic
`;
