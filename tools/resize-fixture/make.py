#!/usr/bin/python3
"""PyTorch golden data for the IR op `resize` (bilinear, align_corners=False).

Runs torch.nn.functional.interpolate(x, size=(Ho, Wo), mode="bilinear",
align_corners=False) in float32 on seeded random inputs and writes
packages/reference/test-data/resize-bilinear.json: per case the input shape,
the output size, the input and PyTorch's output (float32 values written as
exact decimals). The cases cover upsampling by non-integer factors (source
coordinates below 0 clamped to 0, the last row / column repeated), exact
factors, downsampling, a 1 x 1 input (a broadcast: DeepLabV3's image-pooling
branch), single rows and columns, and batch > 1.

CI never runs this script. Regenerate from the repository root with Debian's
torch (apt-get install python3-torch; torch 1.13):

    /usr/bin/python3 tools/resize-fixture/make.py
"""

import json
import os

import torch
import torch.nn.functional as F

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_PATH = os.path.join(REPO_ROOT, "packages", "reference", "test-data", "resize-bilinear.json")

# name, input shape (N, C, H, W), output size (Ho, Wo)
CASES = [
    ("up-3x5-to-7x11", (1, 2, 3, 5), (7, 11)),
    ("up-x2-4x4-to-8x8", (1, 1, 4, 4), (8, 8)),
    ("down-9x7-to-4x3", (1, 2, 9, 7), (4, 3)),
    ("broadcast-1x1-to-5x6", (2, 3, 1, 1), (5, 6)),
    ("row-1x4-to-3x9", (1, 2, 1, 4), (3, 9)),
    ("mixed-6x2-to-4x5", (2, 1, 6, 2), (4, 5)),
    ("same-5x3", (1, 2, 5, 3), (5, 3)),
    ("aspp-out-9x9-to-64x64", (1, 1, 9, 9), (64, 64)),
]


def main():
    torch.manual_seed(20261122)
    cases = []
    for name, shape, size in CASES:
        x = torch.randn(*shape, dtype=torch.float32)
        y = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
        cases.append(
            {
                "name": name,
                "shape": list(shape),
                "size": list(size),
                "input": [float(v) for v in x.flatten().tolist()],
                "output": [float(v) for v in y.flatten().tolist()],
            }
        )
    out = {
        "producer": "PyTorch %s (Debian python3-torch), F.interpolate(mode='bilinear', align_corners=False), float32"
        % torch.__version__,
        "script": "tools/resize-fixture/make.py",
        "cases": cases,
    }
    with open(OUT_PATH, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    for c in cases:
        print(c["name"], len(c["output"]))


if __name__ == "__main__":
    main()
