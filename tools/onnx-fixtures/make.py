#!/usr/bin/python3
"""PyTorch -> ONNX test data for @coordattn/onnx.

Exports attention blocks (the authors' own code for CA, CBAM, Triplet and ECA;
torchvision's SqueezeExcitation for SE) and small networks (torchvision
MobileNetV2 / MobileNetV3-Small, the CA authors' MobileNetV2 + CA) with
torch.onnx.export, together with a seeded input and PyTorch's float32 output,
and writes packages/onnx/test-data/{NAME.onnx, NAME.input.npy,
NAME.output.npy, manifest.json}.

CI never runs this script (CI has no torch). Regenerate from the repository root:

    apt-get install -y python3-torch python3-torchvision python3-onnx
    /usr/bin/python3 tools/onnx-fixtures/make.py

(Debian 12: torch 1.13.1, torchvision 0.14.1, onnx 1.12.0.) The authors' files
must first be copied into tools/onnx-fixtures/vendor/ (git-ignored); see
tools/onnx-fixtures/README.md. No network access and no weights are needed:
every weight is random (seeded) or a constant.

Options:
    --only NAME[,NAME...]   (re)generate only these cases (the manifest keeps the others)
    --out DIR               write somewhere else (default packages/onnx/test-data)
"""

import argparse
import gzip
import hashlib
import importlib.util
import io
import json
import math
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
VENDOR = os.path.join(HERE, "vendor")
DEFAULT_OUT = os.path.join(REPO_ROOT, "packages", "onnx", "test-data")

# The authors' files: vendor file name -> (repository, commit of the snapshot used, path in the
# repository, sha256 of the file at that commit).
VENDOR_FILES = {
    "coordatt.py": (
        "houqb/CoordAttention",
        "7619bea9acbe260b3793833cc78cef3f124c8112",
        "coordatt.py",
        "c40cc881d0a23b64c886274a9d8df7d13f04b6ec4fc935c3b281a82998f9ebfc",
    ),
    "mbv2_ca.py": (
        "houqb/CoordAttention",
        "7619bea9acbe260b3793833cc78cef3f124c8112",
        "mbv2_ca.py",
        "a9c0b1cb9983edc25bc640010ad471f07e33c1110076cf72f5d0c82cc1d0cfc9",
    ),
    "cbam.py": (
        "Jongchan/attention-module",
        "459efad0e05ee7dde50c41ca10a3d0800bc3792a",
        "MODELS/cbam.py",
        "6a2115f71541c77ab09c666e4cf32ab9928520f9c2bba9c1ceab8edc8fdd8ac5",
    ),
    "triplet_attention.py": (
        "landskape-ai/triplet-attention",
        "2cf02fb91196408ac6352f7984a0336aa4f7677a",
        "MODELS/triplet_attention.py",
        "12445a6f00e541a9fb8308516ced06d9f511b8d1a661af2ca2cec04b1dfae2b1",
    ),
    "eca_module.py": (
        "BangguWu/ECANet",
        "b332f6b3e6e2afe8a3287dc8ee8440a0fbec74c4",
        "models/eca_module.py",
        "6207d410dced66dcbec27bd5510430dca780a13dd21bedab4ce5317b3a816e57",
    ),
}


def check_vendor():
    missing = [f for f in VENDOR_FILES if not os.path.isfile(os.path.join(VENDOR, f))]
    if missing:
        lines = [
            "make.py: the authors' model files are missing from %s:" % VENDOR,
        ]
        for f in missing:
            repo, commit, path, _ = VENDOR_FILES[f]
            lines.append("  %-22s <- github.com/%s @ %s : %s" % (f, repo, commit, path))
        lines.append("Copy them there unchanged (see tools/onnx-fixtures/README.md), e.g.:")
        repo, commit, path, _ = VENDOR_FILES[missing[0]]
        lines.append(
            "  curl -fsSL https://raw.githubusercontent.com/%s/%s/%s -o %s"
            % (repo, commit, path, os.path.join("tools/onnx-fixtures/vendor", missing[0]))
        )
        sys.stderr.write("\n".join(lines) + "\n")
        sys.exit(2)
    for f, (repo, commit, path, sha) in VENDOR_FILES.items():
        with open(os.path.join(VENDOR, f), "rb") as fh:
            got = hashlib.sha256(fh.read()).hexdigest()
        if got != sha:
            sys.stderr.write(
                "make.py: WARNING: vendor/%s differs from %s@%s:%s (sha256 %s, expected %s)\n"
                % (f, repo, commit[:12], path, got, sha)
            )


def load_vendor(name):
    spec = importlib.util.spec_from_file_location("vendor_" + name[:-3], os.path.join(VENDOR, name))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# Imports that need the packages, after the argument parsing so that --help works anywhere.
torch = nn = np = onnx = torchvision = None


def import_packages():
    global torch, nn, np, onnx, torchvision
    try:
        import numpy as _np
        import onnx as _onnx
        import torch as _torch
        import torch.nn as _nn
        import torchvision as _tv
    except ImportError as e:
        sys.stderr.write(
            "make.py: %s\nInstall Debian's packages and use the system Python:\n"
            "  apt-get install -y python3-torch python3-torchvision python3-onnx\n"
            "  /usr/bin/python3 tools/onnx-fixtures/make.py\n" % e
        )
        sys.exit(2)
    torch, nn, np, onnx, torchvision = _torch, _nn, _np, _onnx, _tv


# ---------------------------------------------------------------------------
# weights
# ---------------------------------------------------------------------------

def randomize_(model):
    """Random weights and random BN running statistics, from torch's global RNG (seeded by the caller).

    Conv / Linear weights: U(-a, a) with a = sqrt(6 / fan_in) (He uniform; fan_in = numel / out).
    Other biases: U(-0.2, 0.2). BatchNorm: gamma U(0.5, 1.5), beta U(-0.5, 0.5), running_mean
    U(-0.5, 0.5), running_var U(0.5, 1.5), so a BN fold that drops or misplaces any of the four is
    visible in the output.
    """
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
            else:
                for pname, p in m.named_parameters(recurse=False):
                    if p.dim() > 1:
                        fan_in = p[0].numel()
                        a = math.sqrt(6.0 / fan_in)
                        p.uniform_(-a, a)
                    else:
                        p.uniform_(-0.2, 0.2)


def constant_(model):
    """Every parameter and BN running statistic set to a constant, a different one per tensor.

    torch 1.13's exporter deduplicates initializers *by value* in eval mode
    (_jit_pass_onnx_deduplicate_initializers), so equal constants in tensors of the same shape
    would be merged (an Identity node, one initializer). Hence parameter i (in named_parameters()
    order) gets 0.01 * (1 + i / 1000). BN: gamma as above, beta 0.001 * (1 + i / 1000),
    running_mean 0, running_var 1 (these two are folded away).
    """
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            base = 0.001 if name.endswith(".bias") else 0.01
            p.fill_(base * (1.0 + i / 1000.0))
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.fill_(0.0)
                m.running_var.fill_(1.0)


def count_params(model):
    return int(sum(p.numel() for p in model.parameters()))


def count_bn_buffers(model):
    n = 0
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            n += m.running_mean.numel() + m.running_var.numel()
    return int(n)


def bn_fold_accounting(model):
    """What folding every BN into the conv before it changes in the initializer element count.

    Pairs each BatchNorm with the last Conv seen before it in module order (true for every model
    here: conv and BN are consecutive in a Sequential or in forward()).
    """
    bn_affine = 0
    added_bias = 0
    folded = 0
    last_conv = None
    for m in model.modules():
        if isinstance(m, nn.modules.conv._ConvNd):
            last_conv = m
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            folded += 1
            bn_affine += m.weight.numel() + m.bias.numel()
            if last_conv is not None and last_conv.bias is None:
                added_bias += m.num_features
    return {"bnLayers": folded, "bnAffineElements": int(bn_affine), "addedConvBiasElements": int(added_bias)}


def rand_input(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=g, dtype=torch.float32) * 2.0 - 1.0


# ---------------------------------------------------------------------------
# ONNX inspection
# ---------------------------------------------------------------------------


def onnx_summary(model_proto):
    g = model_proto.graph
    ops = [n.op_type for n in g.node]
    counts = {}
    for o in ops:
        counts[o] = counts.get(o, 0) + 1
    init_elems = 0
    init_float_elems = 0
    for t in g.initializer:
        n = int(np.prod(t.dims)) if len(t.dims) else 1
        init_elems += n
        if t.data_type == onnx.TensorProto.FLOAT:
            init_float_elems += n
    const_elems = 0
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    const_elems += int(np.prod(a.t.dims)) if len(a.t.dims) else 1
    return {
        "opTypes": sorted(set(ops)),
        "opCounts": dict(sorted(counts.items())),
        "nodes": len(g.node),
        "bnFolded": "BatchNormalization" not in ops,
        "onnxInitializers": len(g.initializer),
        "onnxInitializerElements": init_elems,
        "onnxInitializerFloatElements": init_float_elems,
        "onnxConstantNodeElements": const_elems,
        "opset": [{"domain": o.domain, "version": o.version} for o in model_proto.opset_import],
        "irVersion": model_proto.ir_version,
    }


def attr_dict(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, onnx.TensorProto):
            arr = onnx.numpy_helper.to_array(v)
            v = {"tensor": list(v.dims), "dtype": str(arr.dtype)}
            if arr.size <= 8:
                v["value"] = arr.tolist()
        elif isinstance(v, list):
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        out[a.name] = v
    return out


def module_path(node_name, module_names):
    """Recover the torch module path (named_modules() key) from a torch 1.13 ONNX node name.

    torch 1.13 names nodes '/<scope>/<scope>/.../<OpType>[_k]'. Each scope is the module's name in
    its parent, except that a child of a container is written '<parent scope>.<child>' (e.g.
    '/features/features.2/conv/conv.6/pool_h/AveragePool' is module 'features.2.conv.6.pool_h'),
    and a second, third... call of the same module gets '_1', '_2'... appended to its scope
    ('/ChannelGate/mlp/mlp.1_1/Gemm'). Returns the path ('' for the root module) or None when a
    scope does not name a module."""
    import re

    scopes = node_name.split("/")[1:-1]
    path, prev = "", None
    for sc in scopes:
        cands = []
        if prev is not None and sc.startswith(prev + "."):
            cands.append(sc[len(prev) + 1:])
        cands.append(sc)
        found = None
        for cand in cands:
            for c in (cand, re.sub(r"_\d+$", "", cand)):
                full = c if not path else path + "." + c
                if full in module_names:
                    found = (full, c)
                    break
            if found:
                break
        if not found:
            return None
        path = found[0]
        prev = sc if not re.search(r"_\d+$", sc) or path.endswith(sc) else re.sub(r"_\d+$", "", sc)
    return path


def sample_nodes(model_proto, module_names, n=15, skip_constants=True):
    out = []
    for node in model_proto.graph.node:
        if skip_constants and node.op_type == "Constant":
            continue
        out.append({"name": node.name, "opType": node.op_type, "modulePath": module_path(node.name, module_names),
                    "inputs": list(node.input), "outputs": list(node.output)})
        if len(out) >= n:
            break
    return out


# ---------------------------------------------------------------------------
# case definitions
# ---------------------------------------------------------------------------

V = {}  # vendor modules, filled in main()


def tv_mv3_small(width_mult=1.0, num_classes=1000):
    from torchvision.models import mobilenetv3

    setting, last_channel = mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=width_mult)
    return mobilenetv3.MobileNetV3(setting, last_channel, num_classes=num_classes)


def deeplabv3_head():
    """A small torchvision DeepLabV3 (its dict output's 'out' tensor): ASPP + logits + upsampling."""
    from torchvision.models._utils import IntermediateLayerGetter
    from torchvision.models.segmentation.deeplabv3 import ASPP, DeepLabV3

    class DeepLabV3Out(nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, x):
            return self.model(x)["out"]

    stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU(), nn.Conv2d(16, 24, 3, 2, 1))
    head = nn.Sequential(ASPP(24, [2, 4, 6], 16), nn.Conv2d(16, 5, 1))
    return DeepLabV3Out(DeepLabV3(IntermediateLayerGetter(stem, {"3": "out"}), head, None))


CA_SRC = "houqb/CoordAttention/coordatt.py"
MBV2CA_SRC = "houqb/CoordAttention/mbv2_ca.py"
CBAM_SRC = "Jongchan/attention-module/MODELS/cbam.py"
TRIPLET_SRC = "landskape-ai/triplet-attention/MODELS/triplet_attention.py"
ECA_SRC = "BangguWu/ECANet/models/eca_module.py"

# Networks at 64x64 use 10 classes: with 1000 the classifier alone (1280x1000 for MobileNetV2)
# would be ~5 MB of random float32 per file.
NET_CLASSES = 10


def shim_ca_static_pools(model, x):
    """Replace CoordAtt's AdaptiveAvgPool2d((None, 1)) / ((1, None)) by explicit output sizes for
    input x (the dynamic-batch export needs constant output sizes). Returns a description."""
    _, _, h, w = x.shape
    model.pool_h = nn.AdaptiveAvgPool2d((h, 1))
    model.pool_w = nn.AdaptiveAvgPool2d((1, w))
    return "model.pool_h = nn.AdaptiveAvgPool2d((%d, 1)); model.pool_w = nn.AdaptiveAvgPool2d((1, %d))" % (h, w)


def cases():
    """Every case: name, kind, block, build() -> module, description, source, input shape, opset,
    export options, weights, seed."""
    ca = lambda: V["coordatt"].CoordAtt(32, 32, reduction=32)  # noqa: E731
    ca_desc = "coordatt.CoordAtt(32, 32, reduction=32)  # mip = max(8, 32 // 32) = 8"
    out = []

    def add(name, kind, block, build, model, source, shape, seed, opset=13, weights="random", **extra):
        out.append(
            dict(
                name=name,
                kind=kind,
                block=block,
                build=build,
                model=model,
                source=source,
                input=list(shape),
                seed=seed,
                opset=opset,
                weights=weights,
                keep_bn=extra.pop("keep_bn", False),
                dynamic_axes=extra.pop("dynamic_axes", None),
                sample_nodes=extra.pop("sample_nodes", False),
                notes=extra.pop("notes", None),
                shim=extra.pop("shim", None),
            )
        )
        assert not extra, extra

    # 1. blocks --------------------------------------------------------------
    add("ca_c32_h14_w12", "block", "ca", ca, ca_desc, CA_SRC, (1, 32, 14, 12), 101)
    add("ca_c32_h14_w12_op11", "block", "ca", ca, ca_desc, CA_SRC, (1, 32, 14, 12), 101, opset=11,
        notes="same weights and input as ca_c32_h14_w12, exported at opset 11")
    add("ca_c32_h14_w12_op17", "block", "ca", ca, ca_desc, CA_SRC, (1, 32, 14, 12), 101, opset=17,
        notes="same weights and input as ca_c32_h14_w12, exported at opset 17")
    add("ca_c32_h14_w12_bn", "block", "ca", ca, ca_desc, CA_SRC, (1, 32, 14, 12), 101, keep_bn=True,
        notes="same weights and input as ca_c32_h14_w12; exported with training=TrainingMode.PRESERVE "
              "(model in eval mode), which keeps bn1 as an inference BatchNormalization node")
    add("ca_c32_h14_w12_dynbatch", "block", "ca", ca, ca_desc, CA_SRC, (2, 32, 14, 12), 101,
        dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, shim=shim_ca_static_pools,
        notes="same weights as ca_c32_h14_w12 (sample 0 of the input equals its input); batch 2; "
              "dynamic_axes input/output dim 0 = 'N'. SHIM: torch 1.13 cannot export the authors' "
              "AdaptiveAvgPool2d((None, 1)) / ((1, None)) once an input axis is dynamic ('Unsupported: ONNX "
              "export of operator adaptive pooling, since output_size is not constant'), so make.py replaces "
              "pool_h / pool_w on this instance by AdaptiveAvgPool2d((14, 1)) / ((1, 12)): same function for "
              "this input size, same AveragePool nodes as the static export. h and w from x.size() in forward() "
              "stay traced: the split becomes Shape/Gather/Unsqueeze/Add feeding the two Slice nodes")
    add("ca_c64_h8_w8_r16", "block", "ca", lambda: V["coordatt"].CoordAtt(64, 64, reduction=16),
        "coordatt.CoordAtt(64, 64, reduction=16)  # mip = max(8, 64 // 16) = 8", CA_SRC, (1, 64, 8, 8), 102)
    add("cbam_c64_h8_w10", "block", "cbam", lambda: V["cbam"].CBAM(64, 16),
        "cbam.CBAM(64, 16)  # pool_types=['avg', 'max'], spatial gate (7x7 conv + BN) included",
        CBAM_SRC, (1, 64, 8, 10), 103)
    add("cbam_c32_h6_w6_nospatial", "block", "cbam", lambda: V["cbam"].CBAM(32, 16, no_spatial=True),
        "cbam.CBAM(32, 16, no_spatial=True)  # channel gate only", CBAM_SRC, (1, 32, 6, 6), 104)
    add("triplet_c16_h9_w11", "block", "triplet", lambda: V["triplet"].TripletAttention(16),
        "triplet_attention.TripletAttention(16)  # three gates, kernel 7 (fixed in SpatialGate)",
        TRIPLET_SRC, (1, 16, 9, 11), 105)
    add("cbam_c64_h8_w10_bn", "block", "cbam", lambda: V["cbam"].CBAM(64, 16),
        "cbam.CBAM(64, 16)  # as cbam_c64_h8_w10", CBAM_SRC, (1, 64, 8, 10), 103, keep_bn=True,
        notes="same weights and input as cbam_c64_h8_w10; BN kept (training=TrainingMode.PRESERVE)")
    add("triplet_c16_h9_w11_bn", "block", "triplet", lambda: V["triplet"].TripletAttention(16),
        "triplet_attention.TripletAttention(16)  # as triplet_c16_h9_w11", TRIPLET_SRC, (1, 16, 9, 11), 105,
        keep_bn=True, notes="same weights and input as triplet_c16_h9_w11; BN kept (training=TrainingMode.PRESERVE)")
    add("triplet_c16_h9_w11_nospatial", "block", "triplet",
        lambda: V["triplet"].TripletAttention(16, no_spatial=True),
        "triplet_attention.TripletAttention(16, no_spatial=True)  # C-H and C-W gates only, mean of 2",
        TRIPLET_SRC, (1, 16, 9, 11), 106)
    add("eca_c64_h7_w7", "block", "eca", lambda: V["eca"].eca_layer(64, k_size=3),
        "eca_module.eca_layer(64, k_size=3)", ECA_SRC, (1, 64, 7, 7), 107)
    add("eca_c128_h5_w5_k5", "block", "eca", lambda: V["eca"].eca_layer(128, k_size=5),
        "eca_module.eca_layer(128, k_size=5)", ECA_SRC, (1, 128, 5, 5), 108)
    add("se_c64_h6_w6", "block", "se", lambda: torchvision.ops.SqueezeExcitation(64, 16),
        "torchvision.ops.SqueezeExcitation(64, 16)  # avgpool, fc1 = Conv2d(64,16,1), ReLU, "
        "fc2 = Conv2d(16,64,1), Sigmoid", "torchvision", (1, 64, 6, 6), 109)

    # 2. networks with random weights at 64x64 ----------------------------------
    mv2 = lambda: torchvision.models.mobilenet_v2(width_mult=0.35, num_classes=NET_CLASSES)  # noqa: E731
    mv2_desc = "torchvision.models.mobilenet_v2(width_mult=0.35, num_classes=%d)" % NET_CLASSES
    add("mobilenet_v2_w035_64", "network", None, mv2, mv2_desc, "torchvision", (1, 3, 64, 64), 201,
        sample_nodes=True)
    add("mobilenet_v2_w035_64_bn", "network", None, mv2, mv2_desc, "torchvision", (1, 3, 64, 64), 201,
        keep_bn=True,
        notes="same weights and input as mobilenet_v2_w035_64; BN kept (training=TrainingMode.PRESERVE)")
    add("mobilenet_v3_small_64", "network", None, lambda: tv_mv3_small(0.5, NET_CLASSES),
        "torchvision.models.mobilenetv3.MobileNetV3(*torchvision.models.mobilenetv3._mobilenet_v3_conf("
        "'mobilenet_v3_small', width_mult=0.5), num_classes=%d)" % NET_CLASSES,
        "torchvision", (1, 3, 64, 64), 202, sample_nodes=True,
        notes="width_mult=0.5: mobilenet_v3_small() at width 1.0 has 0.93M feature parameters "
              "(~3.7 MB of random float32) even with 10 classes")
    add("mbv2_ca_w035_64", "network", "ca", lambda: V["mbv2_ca"].mbv2_ca(width_mult=0.35, num_classes=NET_CLASSES),
        "mbv2_ca.mbv2_ca(width_mult=0.35, num_classes=%d)  # CoordAtt(hidden, hidden, groups=32) after "
        "the depthwise conv of every block with expand_ratio != 1" % NET_CLASSES,
        MBV2CA_SRC, (1, 3, 64, 64), 203, sample_nodes=True)

    add("deeplabv3_head_33x29", "network", None, deeplabv3_head,
        "torchvision.models.segmentation.deeplabv3.DeepLabV3(IntermediateLayerGetter(Sequential(Conv2d(3, 16, 3, "
        "2, 1), BatchNorm2d(16), ReLU(), Conv2d(16, 24, 3, 2, 1)), {'3': 'out'}), Sequential(ASPP(24, [2, 4, 6], "
        "16), Conv2d(16, 5, 1)))['out']  # ASPP's image pooling and the logits: F.interpolate(mode='bilinear', "
        "align_corners=False) -> Resize", "torchvision", (1, 3, 33, 29), 204, opset=17,
        notes="ASPP pooling upsamples 1x1 -> 9x8, the logits 9x8 -> 33x29 (torch.onnx writes Resize with "
              "coordinate_transformation_mode pytorch_half_pixel, mode linear, sizes)")

    # 3. full-size structure-only networks --------------------------------------
    add("mobilenet_v2_224_struct", "network", None, lambda: torchvision.models.mobilenet_v2(),
        "torchvision.models.mobilenet_v2()", "torchvision", (1, 3, 224, 224), 301, weights="constant")
    add("mobilenet_v3_small_224_struct", "network", None, lambda: torchvision.models.mobilenet_v3_small(),
        "torchvision.models.mobilenet_v3_small()", "torchvision", (1, 3, 224, 224), 302, weights="constant")
    add("mbv2_ca_224_struct", "network", "ca", lambda: V["mbv2_ca"].mbv2_ca(),
        "mbv2_ca.mbv2_ca()  # width_mult=1.0, num_classes=1000", MBV2CA_SRC, (1, 3, 224, 224), 303,
        weights="constant")
    return out


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------


def export(model, x, opset, keep_bn=False, dynamic_axes=None):
    kwargs = dict(opset_version=opset, input_names=["input"], output_names=["output"])
    if keep_bn:
        # TrainingMode.EVAL (the default) runs _jit_pass_onnx_eval_peephole, which folds every
        # Conv -> BatchNormalization pair into the Conv (do_constant_folding=False does NOT stop
        # it). PRESERVE with a model in eval mode skips that pass and exports BN in inference form.
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
    if dynamic_axes:
        kwargs["dynamic_axes"] = dynamic_axes
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, f, **kwargs)
    return f.getvalue()


def save_npy(path, arr):
    np.save(path, np.ascontiguousarray(arr, dtype=np.float32))


def run_case(c, out_dir):
    torch.manual_seed(c["seed"])
    model = c["build"]()
    if c["weights"] == "random":
        randomize_(model)
    else:
        constant_(model)
    model.eval()
    x = rand_input(c["input"], c["seed"] + 1000)
    shim = None
    unshimmed_error = None
    if c["shim"]:
        try:  # record what happens without the shim
            export(model, x, c["opset"], keep_bn=c["keep_bn"], dynamic_axes=c["dynamic_axes"])
        except Exception as e:
            unshimmed_error = "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0][:200])
        shim = c["shim"](model, x)
    peak = [0.0]

    def hook(_mod, _inp, out):
        if isinstance(out, torch.Tensor):
            peak[0] = max(peak[0], float(out.detach().abs().max()))

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        y = model(x)
    for hd in handles:
        hd.remove()
    with torch.no_grad():
        y_again = model(x)
    assert torch.equal(y, y_again)
    assert model.training is False

    data = export(model, x, c["opset"], keep_bn=c["keep_bn"], dynamic_axes=c["dynamic_axes"])
    assert model.training is False
    proto = onnx.load_from_string(data)
    onnx.checker.check_model(proto, full_check=True)
    summ = onnx_summary(proto)

    name = c["name"]
    onnx_path = os.path.join(out_dir, name + ".onnx")
    with open(onnx_path, "wb") as fh:
        fh.write(data)
    files = {"onnx": name + ".onnx"}
    sizes = {"onnx": len(data)}
    y_np = y.detach().numpy().astype(np.float32)
    if c["weights"] == "random":
        save_npy(os.path.join(out_dir, name + ".input.npy"), x.numpy())
        save_npy(os.path.join(out_dir, name + ".output.npy"), y_np)
        files["input"] = name + ".input.npy"
        files["output"] = name + ".output.npy"
        for k in ("input", "output"):
            sizes[k] = os.path.getsize(os.path.join(out_dir, files[k]))
    gz = len(gzip.compress(data, 9))

    params = count_params(model)
    buffers = count_bn_buffers(model)
    entry = {
        "name": name,
        "kind": c["kind"],
        "block": c["block"],
        "model": c["model"],
        "source": c["source"],
        "opset": c["opset"],
        "bnFolded": summ["bnFolded"],
        "params": params,
        "buffers": buffers,
        "input": list(x.shape),
        "output": list(y.shape),
        "outputMaxAbs": float(np.abs(y_np).max()),
        "maxModuleOutputAbs": peak[0],
        "weights": c["weights"],
        "opTypes": summ["opTypes"],
        "opCounts": summ["opCounts"],
        "nodes": summ["nodes"],
        "seed": c["seed"],
        "inputSeed": c["seed"] + 1000,
        "onnxInitializers": summ["onnxInitializers"],
        "onnxInitializerElements": summ["onnxInitializerElements"],
        "onnxInitializerFloatElements": summ["onnxInitializerFloatElements"],
        "onnxConstantNodeElements": summ["onnxConstantNodeElements"],
        "irVersion": summ["irVersion"],
        "files": files,
        "bytes": sizes,
        "onnxGzipBytes": gz,
    }
    if c["dynamic_axes"]:
        entry["dynamicAxes"] = {k: {str(a): n for a, n in v.items()} for k, v in c["dynamic_axes"].items()}
        g = proto.graph
        entry["graphInputDims"] = [d.dim_param or d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
        entry["graphOutputDims"] = [d.dim_param or d.dim_value for d in g.output[0].type.tensor_type.shape.dim]
    # Initializer accounting: what the ONNX file holds vs torch's parameters.
    acc = bn_fold_accounting(model)
    float_elems = summ["onnxInitializerFloatElements"]
    if summ["bnFolded"]:
        expected = params - acc["bnAffineElements"] + acc["addedConvBiasElements"]
        entry["initializerAccounting"] = {
            "mode": "BN folded into the preceding conv: BN gamma/beta/mean/var removed, folded conv "
                    "weight keeps its size, a bias-less conv gains a bias of C elements",
            **acc,
            "expectedFloatElements": expected,
            "onnxInitializerFloatElements": float_elems,
            "matches": expected == float_elems,
        }
    else:
        expected = params + buffers
        entry["initializerAccounting"] = {
            "mode": "BN kept: every parameter plus BN running_mean/running_var is an initializer",
            **acc,
            "expectedFloatElements": expected,
            "onnxInitializerFloatElements": float_elems,
            "matches": expected == float_elems,
        }
    if not entry["initializerAccounting"]["matches"]:
        sys.stderr.write("make.py: WARNING: %s: initializer elements %d != expected %d\n"
                         % (name, float_elems, expected))
    if c["keep_bn"]:
        entry["export"] = "torch.onnx.export(model, x, f, opset_version=%d, input_names=['input'], " \
                          "output_names=['output'], training=torch.onnx.TrainingMode.PRESERVE)" % c["opset"]
    else:
        entry["export"] = "torch.onnx.export(model, x, f, opset_version=%d, input_names=['input'], " \
                          "output_names=['output']%s)" % (
                              c["opset"], ", dynamic_axes=%r" % c["dynamic_axes"] if c["dynamic_axes"] else "")
    module_names = set(k for k, _ in model.named_modules())
    resolved = sum(1 for nd in proto.graph.node if module_path(nd.name, module_names) is not None)
    entry["nodeNamesResolvedToModules"] = {"resolved": resolved, "nodes": len(proto.graph.node)}
    if c["sample_nodes"]:
        entry["sampleNodes"] = sample_nodes(proto, module_names, 15)
        entry["sampleNodesNote"] = ("first 15 non-Constant nodes in graph order; modulePath = the named_modules() "
                                    "key recovered from the node name by make.py's module_path() rule ('' = root)")
    if shim:
        entry["shim"] = shim
        entry["withoutShim"] = unshimmed_error or "exported fine"
    if c["notes"]:
        entry["notes"] = c["notes"]
    return entry, proto, model, x, y


# ---------------------------------------------------------------------------
# 4. opset-18 forms built by hand from the opset-17 CA export
# ---------------------------------------------------------------------------


def ca_numpy_float64(model, x):
    """Coordinate Attention (coordatt.CoordAtt.forward) in float64 numpy, from the torch module's
    unfolded parameters and BN running statistics. Written independently of the ONNX graph."""
    sd = {k: v.detach().double().numpy() for k, v in model.state_dict().items()}
    x = x.detach().double().numpy()
    n, c, h, w = x.shape

    def conv1x1(t, wname, bname):  # t: N, Cin, A, B
        wt = sd[wname][:, :, 0, 0]
        return np.einsum("oc,ncab->noab", wt, t) + sd[bname][None, :, None, None]

    x_h = x.mean(axis=3, keepdims=True)  # N C H 1
    x_w = x.mean(axis=2, keepdims=True).transpose(0, 1, 3, 2)  # N C W 1
    y = np.concatenate([x_h, x_w], axis=2)
    y = conv1x1(y, "conv1.weight", "conv1.bias")
    eps = model.bn1.eps
    y = (y - sd["bn1.running_mean"][None, :, None, None]) / np.sqrt(sd["bn1.running_var"][None, :, None, None] + eps)
    y = y * sd["bn1.weight"][None, :, None, None] + sd["bn1.bias"][None, :, None, None]
    y = y * (np.clip(y + 3.0, 0.0, 6.0) / 6.0)  # h_swish
    yh, yw = y[:, :, :h], y[:, :, h:].transpose(0, 1, 3, 2)
    a_h = 1.0 / (1.0 + np.exp(-conv1x1(yh, "conv_h.weight", "conv_h.bias")))
    a_w = 1.0 / (1.0 + np.exp(-conv1x1(yw, "conv_w.weight", "conv_w.bias")))
    return x * a_w * a_h


def tiny_interpreter_float64(model_proto, inputs):
    """A minimal float64 evaluator for the ops of the hand-built graph (a self-check only)."""
    from onnx import numpy_helper

    env = {k: v.astype(np.float64) for k, v in inputs.items()}
    for t in model_proto.graph.initializer:
        a = numpy_helper.to_array(t)
        env[t.name] = a.astype(np.float64) if a.dtype.kind == "f" else a
    for node in model_proto.graph.node:
        at = attr_dict(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "ReduceMean":
            axes = tuple(int(a) for a in (ins[1] if len(ins) > 1 else at["axes"]))
            res = [ins[0].mean(axis=axes, keepdims=bool(at.get("keepdims", 1)))]
        elif op == "Transpose":
            res = [ins[0].transpose(at["perm"])]
        elif op == "Concat":
            res = [np.concatenate(ins, axis=at["axis"])]
        elif op == "Conv":
            wt = ins[1]
            assert wt.shape[2:] == (1, 1) and at.get("group", 1) == 1
            r = np.einsum("oc,ncab->noab", wt[:, :, 0, 0], ins[0])
            if len(ins) > 2:
                r = r + ins[2][None, :, None, None]
            res = [r]
        elif op == "Add":
            res = [ins[0] + ins[1]]
        elif op == "Mul":
            res = [ins[0] * ins[1]]
        elif op == "Div":
            res = [ins[0] / ins[1]]
        elif op == "Clip":
            res = [np.clip(ins[0], ins[1], ins[2])]
        elif op == "Sigmoid":
            res = [1.0 / (1.0 + np.exp(-ins[0]))]
        elif op == "Split":
            sizes = [int(s) for s in ins[1]]
            idx = np.cumsum(sizes)[:-1]
            res = np.split(ins[0], idx, axis=at.get("axis", 0))
        else:
            raise NotImplementedError(op)
        for o, v in zip(node.output, res):
            env[o] = v
    return env[model_proto.graph.output[0].name]


def build_ca_op18(op17_proto, h, w, opset):
    """Coordinate Attention as an ONNX graph written by hand with onnx.helper, reusing the opset-17
    export's initializers (BN already folded into conv1). The adaptive pools, which torch exports as
    AveragePool, become ReduceMean over axis 3 and over axis 2 (keepdims=1); the split, which torch
    exports as two Slice nodes, becomes one Split. opset >= 18: ReduceMean takes `axes` as an input;
    Split has `split` as an input and no `num_outputs`. opset 17 (for onnx 1.12's checker): ReduceMean
    takes `axes` as an attribute."""
    from onnx import TensorProto, helper, numpy_helper

    g17 = op17_proto.graph
    convs = {n.name: n for n in g17.node if n.op_type == "Conv"}
    inits = {t.name: t for t in g17.initializer}

    def conv_params(node_name):
        n = convs[node_name]
        return [inits[i] for i in n.input[1:]]

    w1, b1 = conv_params("/conv1/Conv")
    wh, bh = conv_params("/conv_h/Conv")
    ww, bw = conv_params("/conv_w/Conv")
    c = int(w1.dims[1])
    mip = int(w1.dims[0])

    def renamed(t, name):
        t2 = onnx.TensorProto()
        t2.CopyFrom(t)
        t2.name = name
        return t2

    initializers = [
        renamed(w1, "conv1.weight_folded"), renamed(b1, "conv1.bias_folded"),
        renamed(wh, "conv_h.weight"), renamed(bh, "conv_h.bias"),
        renamed(ww, "conv_w.weight"), renamed(bw, "conv_w.bias"),
        numpy_helper.from_array(np.array([h, w], dtype=np.int64), "split_hw"),
        numpy_helper.from_array(np.array(3.0, dtype=np.float32), "three"),
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"),
        numpy_helper.from_array(np.array(6.0, dtype=np.float32), "six"),
    ]
    nodes = []
    if opset >= 18:
        initializers += [
            numpy_helper.from_array(np.array([3], dtype=np.int64), "axes_w"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axes_h"),
        ]
        nodes += [
            helper.make_node("ReduceMean", ["input", "axes_w"], ["x_h"], name="/pool_h/ReduceMean", keepdims=1),
            helper.make_node("ReduceMean", ["input", "axes_h"], ["x_w0"], name="/pool_w/ReduceMean", keepdims=1),
        ]
    else:
        nodes += [
            helper.make_node("ReduceMean", ["input"], ["x_h"], name="/pool_h/ReduceMean", axes=[3], keepdims=1),
            helper.make_node("ReduceMean", ["input"], ["x_w0"], name="/pool_w/ReduceMean", axes=[2], keepdims=1),
        ]
    nodes += [
        helper.make_node("Transpose", ["x_w0"], ["x_w"], name="/Transpose", perm=[0, 1, 3, 2]),
        helper.make_node("Concat", ["x_h", "x_w"], ["y0"], name="/Concat", axis=2),
        helper.make_node("Conv", ["y0", "conv1.weight_folded", "conv1.bias_folded"], ["y1"], name="/conv1/Conv",
                         kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1], dilations=[1, 1], group=1),
        # h_swish(y) = y * relu6(y + 3) / 6, as torch writes it (Add, Clip, Div, Mul)
        helper.make_node("Add", ["y1", "three"], ["hs0"], name="/act/sigmoid/Add"),
        helper.make_node("Clip", ["hs0", "zero", "six"], ["hs1"], name="/act/sigmoid/relu/Clip"),
        helper.make_node("Div", ["hs1", "six"], ["hs2"], name="/act/sigmoid/Div"),
        helper.make_node("Mul", ["y1", "hs2"], ["y2"], name="/act/Mul"),
        helper.make_node("Split", ["y2", "split_hw"], ["s_h", "s_w0"], name="/Split", axis=2),
        helper.make_node("Transpose", ["s_w0"], ["s_w"], name="/Transpose_1", perm=[0, 1, 3, 2]),
        helper.make_node("Conv", ["s_h", "conv_h.weight", "conv_h.bias"], ["a_h0"], name="/conv_h/Conv",
                         kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1], dilations=[1, 1], group=1),
        helper.make_node("Sigmoid", ["a_h0"], ["a_h"], name="/Sigmoid"),
        helper.make_node("Conv", ["s_w", "conv_w.weight", "conv_w.bias"], ["a_w0"], name="/conv_w/Conv",
                         kernel_shape=[1, 1], pads=[0, 0, 0, 0], strides=[1, 1], dilations=[1, 1], group=1),
        helper.make_node("Sigmoid", ["a_w0"], ["a_w"], name="/Sigmoid_1"),
        helper.make_node("Mul", ["input", "a_w"], ["m0"], name="/Mul"),
        helper.make_node("Mul", ["m0", "a_h"], ["output"], name="/Mul_1"),
    ]
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, c, h, w])
    out = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, c, h, w])
    graph = helper.make_graph(nodes, "coordatt_opset%d" % opset, [inp], [out], initializers)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8,
                          producer_name="coordattn tools/onnx-fixtures/make.py")
    m.doc_string = ("CoordAtt(32, 32, reduction=32) of case ca_c32_h14_w12 (same weights, BN folded), written "
                    "by hand: ReduceMean pools (axes as input) and one Split (split as input, no num_outputs); "
                    "mip=%d" % mip)
    return m


def run_op18(protos, models, inputs, out_dir):
    name = "op18_reducemean_split"
    base = "ca_c32_h14_w12_op17"
    base_seed = [c for c in cases() if c["name"] == base][0]["seed"]
    model = models[base]
    x = inputs[base]
    _, _, h, w = x.shape
    p17 = protos[base]
    m18 = build_ca_op18(p17, h, w, 18)
    m17 = build_ca_op18(p17, h, w, 17)
    # onnx 1.12 (Debian 12) knows opsets up to 17 and validates an opset-18 ReduceMean against the
    # opset-13 schema (which rejects the `axes` input), so the checker runs on the opset-17 twin
    # (axes as attribute; identical otherwise) and the opset-18 file is checked structurally.
    onnx.checker.check_model(m17, full_check=True)
    checker18 = "passed"
    try:
        onnx.checker.check_model(m18, full_check=True)
    except Exception as e:  # expected with onnx < 1.13
        checker18 = "not run: onnx %s rejects opset 18 (%s)" % (onnx.__version__, str(e).strip().splitlines()[0])
    inferred = onnx.shape_inference.infer_shapes(m17)
    expected = ca_numpy_float64(model, x)
    with torch.no_grad():
        y_torch = model(x).numpy().astype(np.float64)
    got18 = tiny_interpreter_float64(m18, {"input": x.numpy()})
    err_torch = float(np.abs(expected - y_torch).max())
    err_graph = float(np.abs(expected - got18).max())
    assert err_torch < 1e-5, err_torch
    assert err_graph < 1e-5, err_graph

    data = m18.SerializeToString()
    with open(os.path.join(out_dir, name + ".onnx"), "wb") as fh:
        fh.write(data)
    save_npy(os.path.join(out_dir, name + ".input.npy"), x.numpy())
    save_npy(os.path.join(out_dir, name + ".output.npy"), expected)
    summ = onnx_summary(m18)
    files = {"onnx": name + ".onnx", "input": name + ".input.npy", "output": name + ".output.npy"}
    entry = {
        "name": name,
        "kind": "block",
        "block": "ca",
        "model": "hand-built (onnx.helper) Coordinate Attention graph from the opset-17 export of "
                 "coordatt.CoordAtt(32, 32, reduction=32) (case %s: same weights, BN folded into conv1): "
                 "ReduceMean(axes=[3] as input, keepdims=1) and ReduceMean(axes=[2] as input, keepdims=1) "
                 "+ Transpose, Concat(axis=2), Conv, h_swish (Add, Clip, Div, Mul), Split(axis=2, split=[14, 12] "
                 "as input, no num_outputs), Transpose, 2x (Conv, Sigmoid), Mul, Mul" % base,
        "source": "tools/onnx-fixtures/make.py (from %s)" % CA_SRC,
        "opset": 18,
        "bnFolded": True,
        "params": count_params(model),
        "buffers": count_bn_buffers(model),
        "input": list(x.shape),
        "output": list(expected.shape),
        "outputMaxAbs": float(np.abs(expected).max()),
        "weights": "random",
        "opTypes": summ["opTypes"],
        "opCounts": summ["opCounts"],
        "nodes": summ["nodes"],
        "seed": base_seed,
        "inputSeed": base_seed + 1000,
        "onnxInitializers": summ["onnxInitializers"],
        "onnxInitializerElements": summ["onnxInitializerElements"],
        "onnxInitializerFloatElements": summ["onnxInitializerFloatElements"],
        "onnxConstantNodeElements": summ["onnxConstantNodeElements"],
        "irVersion": summ["irVersion"],
        "files": files,
        "bytes": {k: os.path.getsize(os.path.join(out_dir, v)) for k, v in files.items()},
        "onnxGzipBytes": len(gzip.compress(data, 9)),
        "expectedOutput": "float64 numpy implementation of CoordAtt.forward from the torch module's unfolded "
                          "parameters and BN running stats (ca_numpy_float64 in make.py), saved as float32",
        "maxAbsDiffVsTorchFloat32": err_torch,
        "maxAbsDiffGraphFloat64VsExpected": err_graph,
        "checker": {
            "opset17Twin": "onnx.checker.check_model(full_check=True) passed (same graph, ReduceMean axes "
                           "as attribute); shape inference output dims: %s"
                           % [d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim],
            "opset18": checker18,
        },
    }
    return entry


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=None)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    check_vendor()
    import_packages()
    # cbam.py calls the deprecated F.sigmoid; the authors' code is used unchanged.
    warnings.filterwarnings("ignore", message="nn.functional.sigmoid is deprecated")
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    V["coordatt"] = load_vendor("coordatt.py")
    V["mbv2_ca"] = load_vendor("mbv2_ca.py")
    V["cbam"] = load_vendor("cbam.py")
    V["triplet"] = load_vendor("triplet_attention.py")
    V["eca"] = load_vendor("eca_module.py")

    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    only = set(args.only.split(",")) if args.only else None
    manifest_path = os.path.join(out_dir, "manifest.json")
    old = {}
    if only and os.path.isfile(manifest_path):
        with open(manifest_path) as fh:
            old = {c["name"]: c for c in json.load(fh)["cases"]}

    entries, protos, models, inputs = [], {}, {}, {}
    all_cases = cases()
    names = [c["name"] for c in all_cases] + ["op18_reducemean_split"]
    for c in all_cases:
        need = only is None or c["name"] in only or (
            "op18_reducemean_split" in only and c["name"] == "ca_c32_h14_w12_op17")
        if not need:
            entries.append(old[c["name"]])
            continue
        entry, proto, model, x, y = run_case(c, out_dir)
        protos[c["name"]], models[c["name"]], inputs[c["name"]] = proto, model, x
        entries.append(entry)
        print("%-32s opset %2d  %8d B  max|y| %-10.4g bnFolded=%-5s params %d  %s" % (
            entry["name"], entry["opset"], entry["bytes"]["onnx"], entry["outputMaxAbs"], entry["bnFolded"],
            entry["params"], ",".join(entry["opTypes"])))
    if only is None or "op18_reducemean_split" in only:
        e = run_op18(protos, models, inputs, out_dir)
        print("%-32s opset %2d  %8d B  max|y| %-10.4g  %s" % (
            e["name"], e["opset"], e["bytes"]["onnx"], e["outputMaxAbs"], ",".join(e["opTypes"])))
        entries.append(e)
    else:
        entries.append(old["op18_reducemean_split"])
    assert [e["name"] for e in entries] == names

    sources = {}
    for f, (repo, commit, path, sha) in VENDOR_FILES.items():
        sources[repo] = commit
    manifest = {
        "generator": "tools/onnx-fixtures/make.py",
        "command": "/usr/bin/python3 tools/onnx-fixtures/make.py",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "onnx": onnx.__version__,
        "numpy": np.__version__,
        "sources": sources,
        "sourceFiles": {f: {"repo": r, "commit": c, "path": p, "sha256": s} for f, (r, c, p, s) in VENDOR_FILES.items()},
        "conventions": {
            "input": "torch.rand(shape, generator=torch.Generator().manual_seed(inputSeed)) * 2 - 1, float32",
            "randomWeights": "torch.manual_seed(seed) before building the model; Conv/Linear weights U(-a, a), "
                             "a = sqrt(6 / fan_in); other biases U(-0.2, 0.2); BatchNorm gamma U(0.5, 1.5), "
                             "beta U(-0.5, 0.5), running_mean U(-0.5, 0.5), running_var U(0.5, 1.5)",
            "constantWeights": "parameter i (named_parameters order) = 0.01 * (1 + i/1000) (biases 0.001 * "
                               "(1 + i/1000)); BN running_mean 0, running_var 1. Distinct per tensor because "
                               "torch 1.13 deduplicates equal-valued initializers",
            "output": "PyTorch float32 output of model.eval() on the input",
            "maxModuleOutputAbs": "largest |value| in any module's output during the PyTorch forward (forward hooks "
                                  "on every module; functional ops inside forward() are covered only through their "
                                  "module's output) - a scale for tolerances",
            "buffers": "elements of BN running_mean + running_var (num_batches_tracked not counted)",
            "networkClasses": "networks at 64x64 use num_classes=%d (1000 would add 1.28M random parameters "
                              "to MobileNetV2); the *_224_struct networks use 1000" % NET_CLASSES,
            "bnFolded": "no BatchNormalization node in the exported graph",
        },
        "cases": entries,
    }
    with open(manifest_path, "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    total_random = sum(sum(e["bytes"].values()) for e in entries if e["weights"] == "random")
    total_struct_gz = sum(e["onnxGzipBytes"] for e in entries if e["weights"] == "constant")
    print("random-weight files: %.2f MB; struct .onnx gzipped: %.1f KB" % (total_random / 1e6, total_struct_gz / 1e3))


if __name__ == "__main__":
    main()
