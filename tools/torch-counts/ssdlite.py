#!/usr/bin/python3
"""Independent reference counts for the CA paper's SSDLite320 detectors.

Builds the authors' own SSDLite code (houqb/ssdlite-pytorch-mobilenext, the
backbones mobilenet.py, se_mbv2.py, mobilenext.py and the SSDLiteBoxPredictor
of box_head/box_predictor.py with layers/separable_conv.py) from a snapshot of
that repository, with the configs/*_ssd320_coco.yaml settings (NUM_CLASSES 81,
BOXES_PER_LOCATION 6,6,6,6,6,4) and VOC's 21 classes, runs one forward pass at
320x320 with forward hooks on every Conv2d / Linear, and writes
packages/cost/test-data/ssdlite-counts.json.

The source files are exec'd as released, with only their `from ssd...` imports
and `@registry...` decorators removed (no yacs, no weights). Nothing here is run
by CI. Regenerate with (repository root):

    /usr/bin/python3 tools/torch-counts/ssdlite.py GIT_DIR

where GIT_DIR is a clone (or bare git dir) of houqb/ssdlite-pytorch-mobilenext.

Counting conventions as count.py: params = sum of numel over parameters;
macs = conv + linear multiply-accumulates per call
(numel(out) * in_channels / groups * prod(kernel)), bias ignored.
"""

import os
import subprocess
import sys
from types import SimpleNamespace

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from counts_json import write_counts  # noqa: E402
import torch.nn as nn

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_PATH = os.path.join(REPO_ROOT, "packages", "cost", "test-data", "ssdlite-counts.json")
SOURCE = "houqb/ssdlite-pytorch-mobilenext"

# backbone module file, class name, OUT_CHANNELS of its config (configs/*_ssd320_*.yaml;
# se_mbv2 has no config: its taps are mobilenet.py's, 96 and 1280 channels)
BACKBONES = {
    "mobilenetv2": ("ssd/modeling/backbone/mobilenet.py", "MobileNetV2", (96, 1280, 512, 256, 256, 64)),
    "mobilenetv2-se": ("ssd/modeling/backbone/se_mbv2.py", "SEMBV2", (96, 1280, 512, 256, 256, 64)),
    "mobilenext": ("ssd/modeling/backbone/mobilenext.py", "MobileNeXt", (576, 1280, 512, 256, 256, 128)),
}
BOXES_PER_LOCATION = [6, 6, 6, 6, 6, 4]


def load(git_dir, path, ns):
    text = subprocess.check_output(["git", "--git-dir", git_dir, "show", "HEAD:" + path], text=True)
    kept = [l for l in text.splitlines() if not l.startswith("from ssd") and not l.startswith("@registry")]
    exec(compile("\n".join(kept), path, "exec"), ns)
    return ns


class Detector(nn.Module):
    """ssd_detector.SSDDetector's two modules: backbone, box_head.predictor."""

    def __init__(self, backbone, predictor):
        super().__init__()
        self.backbone = backbone
        self.box_head = nn.Module()
        self.box_head.predictor = predictor

    def forward(self, x):
        return self.box_head.predictor(self.backbone(x))


def build(git_dir, name, classes):
    path, cls, out_channels = BACKBONES[name]
    bb = load(git_dir, path, {"__name__": "bb"})[cls]()
    ns = load(git_dir, "ssd/layers/separable_conv.py", {"__name__": "sep"})
    pred_ns = {"__name__": "pred", "SeparableConv2d": ns["SeparableConv2d"]}
    load(git_dir, "ssd/modeling/box_head/box_predictor.py", pred_ns)
    cfg = SimpleNamespace(
        MODEL=SimpleNamespace(
            NUM_CLASSES=classes,
            BOX_HEAD=SimpleNamespace(LOSS="FocalLoss"),
            BACKBONE=SimpleNamespace(OUT_CHANNELS=out_channels),
            PRIORS=SimpleNamespace(BOXES_PER_LOCATION=BOXES_PER_LOCATION),
        )
    )
    return Detector(bb, pred_ns["SSDLiteBoxPredictor"](cfg))


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
        model.eval()(torch.zeros(1, 3, h, w))
    for x in hs:
        x.remove()
    return total[0]


def main():
    git_dir = sys.argv[1]
    commit = subprocess.check_output(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], text=True).strip()
    models = {}
    for name in BACKBONES:
        for classes in (81, 21):
            m = build(git_dir, name, classes)
            params = sum(p.numel() for p in m.parameters())
            backbone = sum(p.numel() for p in m.backbone.parameters())
            entry = {
                "params": params,
                "backboneParams": backbone,
                "macs320": profile(m, 320, 320),
            }
            if classes == 81:
                # state_dict names and shapes (num_batches_tracked left out): the module tree
                entry["stateDict"] = [
                    [k, list(v.shape)] for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")
                ]
            models["%s/%d" % (name, classes)] = entry
    write_counts(OUT_PATH, {"source": "%s@%s" % (SOURCE, commit), "torch": torch.__version__}, models)
    for k, e in models.items():
        print(k, e["params"], e["backboneParams"], e["macs320"])


if __name__ == "__main__":
    main()
