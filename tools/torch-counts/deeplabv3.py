#!/usr/bin/python3
"""Independent reference counts for the CA paper's DeepLabV3 segmentation models.

The CA README's segmentation table (Pascal VOC 2012 val / Cityscapes val) gives
DeepLabV3 on MobileNetV2 with 4.5M params, + SE 4.9M, + CBAM 4.9M, + CA 5.0M,
at output stride 16 and 8. The authors point to Andrew-Qibin/SPNet, which has
no MobileNetV2 and no DeepLabV3, so the model is rebuilt here from torchvision
0.14's own parts, in the configuration of the MobileNetV2 paper's DeepLabV3
("MNet V2*": the second last feature map, 320 channels, feeds the head; 4.52M
params, Table 7):

- backbone: torchvision mobilenet_v2().features[0:18] (the last 1x1 conv to
  1280 left out), wrapped by IntermediateLayerGetter as torchvision's
  segmentation models do (state_dict `backbone.{i}...`); for output stride 16
  (8) the stride of features.14 (and features.7) becomes 1 and the 3x3
  depthwise convs after it are dilated, DeepLab's rule (torchvision ResNet's
  replace_stride_with_dilation): the first block of the stage keeps the
  previous dilation, the later ones use the doubled one; padding = dilation.
- classifier: Sequential(torchvision ASPP(320, rates, 256), Conv2d(256, K, 1))
  — ASPP with 1x1, three 3x3 atrous branches (rates 6/12/18 at OS16,
  12/24/36 at OS8), the image-pooling branch (adaptive avg pool, 1x1 conv, BN,
  ReLU, F.interpolate bilinear back to the feature size) and the 1x1
  projection + BN + ReLU + Dropout(0.5); torchvision's DeepLabHead would add a
  3x3 256->256 conv + BN + ReLU before the classifier (590,336 params, 5.11M
  in all), which the printed 4.5M leaves no room for.
- torchvision's DeepLabV3 module: F.interpolate(bilinear, align_corners=False)
  of the logits to the input size.

Attention goes where the CA paper puts it (mbv2_ca.py): after the depthwise
3x3 conv + BN + ReLU6 of every block with expand ratio != 1, as a Sequential
entry `attention` between the block's `conv.1` and `conv.2`: CoordAtt of the
authors' coordatt.py (reduction 32), CBAM of Jongchan/attention-module
MODELS/cbam.py (reduction 24), or count.py's SE_CAPaper (1x1 convs with bias,
C // 24, ReLU6, Sigmoid).

Counts (same rule as count.py): params = numel of all parameters; macs = conv +
linear multiply-accumulates per call, numel(out) * in_channels / groups *
prod(kernel), bias ignored; at 513x513 (the DeepLab papers' crop: feature maps
33x33 at OS16, 65x65 at OS8) and 64x64; 21 (VOC) and 19 (Cityscapes) classes.

Nothing here is run by CI. Regenerate with (repository root):

    /usr/bin/python3 tools/torch-counts/deeplabv3.py COORDATTENTION_GIT_DIR CBAM_GIT_DIR

(git dirs, bare or not, of houqb/CoordAttention and Jongchan/attention-module).
Writes packages/cost/test-data/deeplabv3-counts.json.
"""

import importlib.util
import os
import subprocess
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from counts_json import write_counts  # noqa: E402
import torch.nn as nn
from torchvision.models import mobilenet_v2
from torchvision.models._utils import IntermediateLayerGetter
from torchvision.models.segmentation.deeplabv3 import ASPP, DeepLabV3

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT_PATH = os.path.join(REPO_ROOT, "packages", "cost", "test-data", "deeplabv3-counts.json")

RATES = {16: [6, 12, 18], 8: [12, 24, 36]}
RESOLUTIONS = [(513, 513), (64, 64)]


def git_show(git_dir, path):
    return subprocess.check_output(["git", "--git-dir", git_dir, "show", "HEAD:" + path], text=True)


def git_head(git_dir):
    return subprocess.check_output(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], text=True).strip()


def exec_source(text, name):
    ns = {"__name__": name}
    exec(compile(text, name, "exec"), ns)
    return ns


def load_count_py():
    spec = importlib.util.spec_from_file_location("count", os.path.join(HERE, "count.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def dilate(features, output_stride):
    """DeepLab's output stride: stride 2 -> 1 from the stage where the stride reaches it, dilation x2."""
    # torchvision features: 0 stem (stride 2), 1 .. 17 InvertedResidual; the stages with stride 2
    # start at features 2, 4, 7, 14.
    current, dilation = 2, 1
    for i in range(1, 18):
        block = features[i]
        dw = block.conv[0][0] if len(block.conv) == 3 else block.conv[1][0]  # t == 1: conv.0 is dw
        previous = dilation
        if dw.stride == (2, 2):
            if current == output_stride:
                dw.stride = (1, 1)
                dilation *= 2
            else:
                current *= 2
        d = previous if dw.stride == (1, 1) and dilation != previous else dilation
        dw.dilation = (d, d)
        dw.padding = (d, d)
    return features


def insert_attention(features, attention):
    for i in range(1, 18):
        block = features[i]
        if len(block.conv) == 3:  # expand ratio 1: no attention (mbv2_ca.py)
            continue
        c = block.conv
        hidden = c[1][0].out_channels
        block.conv = nn.Sequential(
            OrderedDict([("0", c[0]), ("1", c[1]), ("attention", attention(hidden)), ("2", c[2]), ("3", c[3])])
        )
    return features


def build(kind, output_stride, classes, blocks):
    features = mobilenet_v2().features[:18]
    dilate(features, output_stride)
    if kind != "none":
        insert_attention(features, blocks[kind])
    backbone = IntermediateLayerGetter(features, return_layers={"17": "out"})
    classifier = nn.Sequential(ASPP(320, RATES[output_stride], 256), nn.Conv2d(256, classes, 1))
    return DeepLabV3(backbone, classifier, None)


def profile(model, h, w):
    total = [0]

    def hook(m, inputs, out):
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1]
            total[0] += out.numel() * (m.in_channels // m.groups) * k
        elif isinstance(m, nn.Linear):
            total[0] += out.numel() * m.in_features

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        out = model.eval()(torch.zeros(1, 3, h, w))["out"]
    for x in hs:
        x.remove()
    assert tuple(out.shape[2:]) == (h, w)
    return total[0]


def main():
    ca_git, cbam_git = sys.argv[1], sys.argv[2]
    coordatt = exec_source(git_show(ca_git, "coordatt.py"), "coordatt")
    cbam = exec_source(git_show(cbam_git, "MODELS/cbam.py"), "cbam")
    count = load_count_py()
    blocks = {
        "ca": lambda c: coordatt["CoordAtt"](c, c, reduction=32),
        "se": lambda c: count.SE_CAPaper(c, reduction=24),
        "cbam": lambda c: cbam["CBAM"](c, 24),
    }
    models = OrderedDict()
    for kind in ("none", "se", "cbam", "ca"):
        for os_ in (16, 8):
            for classes in (21, 19):
                m = build(kind, os_, classes, blocks)
                entry = OrderedDict()
                entry["params"] = sum(p.numel() for p in m.parameters())
                entry["backboneParams"] = sum(p.numel() for p in m.backbone.parameters())
                for h, w in RESOLUTIONS:
                    entry["macs%dx%d" % (h, w)] = profile(m, h, w)
                if classes == 21 and kind in ("none", "ca"):
                    entry["stateDict"] = [
                        [k, list(v.shape)] for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")
                    ]
                models["%s/os%d/%d" % (kind, os_, classes)] = entry
    out = OrderedDict()
    out["source"] = "torchvision %s mobilenet_v2 + segmentation.deeplabv3 ASPP" % __import__("torchvision").__version__
    out["coordatt"] = "houqb/CoordAttention@%s:coordatt.py" % git_head(ca_git)
    out["cbam"] = "Jongchan/attention-module@%s:MODELS/cbam.py" % git_head(cbam_git)
    out["torch"] = torch.__version__
    write_counts(OUT_PATH, out, models)
    for k, e in models.items():
        print(k, e["params"], e["backboneParams"], e["macs513x513"], e["macs64x64"])


if __name__ == "__main__":
    main()
