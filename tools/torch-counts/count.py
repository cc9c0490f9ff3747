#!/usr/bin/python3
"""Independent reference counts from real PyTorch for the coordattn cost analyzer.

Builds torchvision models and faithful copies of the official Coordinate
Attention (houqb/CoordAttention) and ECA-Net (BangguWu/ECANet) model code, runs
one forward pass per input resolution with forward hooks on every leaf module,
and writes packages/cost/test-data/torch-counts.json.

Nothing here is run by CI: CI has no torch. Regenerate with (repository root):

    /usr/bin/python3 tools/torch-counts/count.py

(Debian 12: apt-get install python3-torch python3-torchvision, i.e. torch
1.13.1 / torchvision 0.14.1.) No weights are downloaded (weights=None); the
counts depend only on shapes, so the output is deterministic.

Counting conventions (see README.md):
  params          sum of numel over model.parameters() with requires_grad
  bnRunningStats  sum of numel(running_mean) + numel(running_var) over BN layers
  macs            conv + linear multiply-accumulates only, per leaf-module call:
                    ConvNd: numel(out) * (in_channels / groups) * prod(kernel)
                    Linear: in_features * numel(out)
                  (bias ignored; every call counted)
  thop2019        re-implementation of the 2019 `thop` profile() rules used by
                  ECA-Net Table 3 (only for some models; see THOP_MODELS):
                    ConvNd: numel(out) * (Cin/g * prod(K) + (1 if bias else 0))
                    Linear: (2*in_features - 1) * numel(out)
                    BatchNorm: 4 * numel(out)
                    ReLU / ReLU6: numel(out)
                    AdaptiveAvgPool2d: (prod(in_spatial // out_spatial) + 1) * numel(out)
                    MaxPool, Dropout, Sigmoid, functional / tensor ops: 0
                  QUIRK: 2019 thop *assigned* a module's total_ops in its hook,
                  so a module object called several times counts only its LAST
                  call (torchvision ResNet blocks call one `relu` three times).
"""

import json
import math
import os
from collections import OrderedDict

import torch
import torch.nn as nn
import torchvision
from torchvision import models as tvm

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_PATH = os.path.join(REPO_ROOT, "packages", "cost", "test-data", "torch-counts.json")

# (H, W). 224x320 has H != W on purpose; 97x131 is odd-sized.
RESOLUTIONS = [(224, 224), (224, 320), (97, 131), (32, 32)]
# Per-layer lists are kept only for these resolutions (file size).
LAYER_RESOLUTIONS = {(224, 224), (224, 320)}


# ---------------------------------------------------------------------------
# Coordinate Attention: copy of houqb/CoordAttention coordatt.py + mbv2_ca.py
# ---------------------------------------------------------------------------


class h_sigmoid(nn.Module):
    def __init__(self, inplace=True):
        super(h_sigmoid, self).__init__()
        self.relu = nn.ReLU6(inplace=inplace)

    def forward(self, x):
        return self.relu(x + 3) / 6


class h_swish(nn.Module):
    def __init__(self, inplace=True):
        super(h_swish, self).__init__()
        self.sigmoid = h_sigmoid(inplace=inplace)

    def forward(self, x):
        return x * self.sigmoid(x)


class CoordAtt(nn.Module):
    def __init__(self, inp, oup, reduction=32):
        super(CoordAtt, self).__init__()
        self.pool_h = nn.AdaptiveAvgPool2d((None, 1))
        self.pool_w = nn.AdaptiveAvgPool2d((1, None))

        mip = max(8, inp // reduction)

        self.conv1 = nn.Conv2d(inp, mip, kernel_size=1, stride=1, padding=0)
        self.bn1 = nn.BatchNorm2d(mip)
        self.act = h_swish()

        self.conv_h = nn.Conv2d(mip, oup, kernel_size=1, stride=1, padding=0)
        self.conv_w = nn.Conv2d(mip, oup, kernel_size=1, stride=1, padding=0)

    def forward(self, x):
        identity = x

        n, c, h, w = x.size()
        x_h = self.pool_h(x)
        x_w = self.pool_w(x).permute(0, 1, 3, 2)

        y = torch.cat([x_h, x_w], dim=2)
        y = self.conv1(y)
        y = self.bn1(y)
        y = self.act(y)

        x_h, x_w = torch.split(y, [h, w], dim=2)
        x_w = x_w.permute(0, 1, 3, 2)

        # Tensor-method sigmoid, as in the official code (not an nn.Module).
        a_h = self.conv_h(x_h).sigmoid()
        a_w = self.conv_w(x_w).sigmoid()

        out = identity * a_w * a_h

        return out


class SE_CAPaper(nn.Module):
    """SE block as compared against in the CA paper (placed at the CA position):
    AdaptiveAvgPool2d(1) -> 1x1 conv C->C//24 (bias) -> ReLU6 -> 1x1 conv back (bias) -> Sigmoid -> x*s."""

    def __init__(self, channel, reduction=24):
        super(SE_CAPaper, self).__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Conv2d(channel, channel // reduction, 1, 1, 0),
            nn.ReLU6(inplace=True),
            nn.Conv2d(channel // reduction, channel, 1, 1, 0),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return x * self.fc(self.avg_pool(x))


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    # Make sure that round down does not go down by more than 10%.
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_3x3_bn(inp, oup, stride):
    return nn.Sequential(
        nn.Conv2d(inp, oup, 3, stride, 1, bias=False),
        nn.BatchNorm2d(oup),
        nn.ReLU6(inplace=True),
    )


def conv_1x1_bn(inp, oup):
    return nn.Sequential(
        nn.Conv2d(inp, oup, 1, 1, 0, bias=False),
        nn.BatchNorm2d(oup),
        nn.ReLU6(inplace=True),
    )


class InvertedResidualCA(nn.Module):
    """mbv2_ca.py InvertedResidual; `attention` builds the module placed after
    the depthwise conv+BN+ReLU6 of blocks with expand_ratio != 1 (CoordAtt in
    the official code)."""

    def __init__(self, inp, oup, stride, expand_ratio, attention):
        super(InvertedResidualCA, self).__init__()
        assert stride in [1, 2]

        hidden_dim = round(inp * expand_ratio)
        self.identity = stride == 1 and inp == oup

        if expand_ratio == 1:
            self.conv = nn.Sequential(
                # dw
                nn.Conv2d(hidden_dim, hidden_dim, 3, stride, 1, groups=hidden_dim, bias=False),
                nn.BatchNorm2d(hidden_dim),
                nn.ReLU6(inplace=True),
                # pw-linear
                nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
                nn.BatchNorm2d(oup),
            )
        else:
            self.conv = nn.Sequential(
                # pw
                nn.Conv2d(inp, hidden_dim, 1, 1, 0, bias=False),
                nn.BatchNorm2d(hidden_dim),
                nn.ReLU6(inplace=True),
                # dw
                nn.Conv2d(hidden_dim, hidden_dim, 3, stride, 1, groups=hidden_dim, bias=False),
                nn.BatchNorm2d(hidden_dim),
                nn.ReLU6(inplace=True),
                # coordinate attention (or the SE baseline)
                attention(hidden_dim),
                # pw-linear
                nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
                nn.BatchNorm2d(oup),
            )

    def forward(self, x):
        if self.identity:
            return x + self.conv(x)
        else:
            return self.conv(x)


class MBV2_CA(nn.Module):
    def __init__(self, attention, num_classes=1000, width_mult=1.0):
        super(MBV2_CA, self).__init__()
        # setting of inverted residual blocks
        self.cfgs = [
            # t, c, n, s
            [1, 16, 1, 1],
            [6, 24, 2, 2],
            [6, 32, 3, 2],
            [6, 64, 4, 2],
            [6, 96, 3, 1],
            [6, 160, 3, 2],
            [6, 320, 1, 1],
        ]

        # building first layer
        input_channel = _make_divisible(32 * width_mult, 4 if width_mult == 0.1 else 8)
        layers = [conv_3x3_bn(3, input_channel, 2)]
        # building inverted residual blocks
        for t, c, n, s in self.cfgs:
            output_channel = _make_divisible(c * width_mult, 4 if width_mult == 0.1 else 8)
            for i in range(n):
                layers.append(InvertedResidualCA(input_channel, output_channel, s if i == 0 else 1, t, attention))
                input_channel = output_channel
        self.features = nn.Sequential(*layers)
        # building last several layers
        output_channel = (
            _make_divisible(1280 * width_mult, 4 if width_mult == 0.1 else 8) if width_mult > 1.0 else 1280
        )
        self.conv = conv_1x1_bn(input_channel, output_channel)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Dropout(0.1), nn.Linear(output_channel, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = self.conv(x)
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        x = self.classifier(x)
        return x


# ---------------------------------------------------------------------------
# ECA-Net: copy of BangguWu/ECANet models/eca_module.py, eca_resnet.py,
# eca_mobilenetv2.py; SE layer as in the SE baselines (Linear without bias).
# ---------------------------------------------------------------------------


class eca_layer(nn.Module):
    """Constructs a ECA module.
    Args:
        channel: Number of channels of the input feature map
        k_size: Adaptive selection of kernel size
    """

    def __init__(self, channel, k_size=3):
        super(eca_layer, self).__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.conv = nn.Conv1d(1, 1, kernel_size=k_size, padding=(k_size - 1) // 2, bias=False)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        # feature descriptor on the global spatial information
        y = self.avg_pool(x)
        # Two different branches of ECA module
        y = self.conv(y.squeeze(-1).transpose(-1, -2)).transpose(-1, -2).unsqueeze(-1)
        # Multi-scale information fusion
        y = self.sigmoid(y)
        return x * y.expand_as(x)


class SELayer(nn.Module):
    def __init__(self, channel, reduction=16):
        super(SELayer, self).__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Linear(channel, channel // reduction, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(channel // reduction, channel, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x):
        b, c, _, _ = x.size()
        y = self.avg_pool(x).view(b, c)
        y = self.fc(y).view(b, c, 1, 1)
        return x * y.expand_as(x)


class AttnBottleneck(nn.Module):
    """eca_resnet.py ECABottleneck; `attention(C, k)` builds the module applied
    after bn3 and before the residual add (eca_layer or SELayer)."""

    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, k_size=3, attention=None):
        super(AttnBottleneck, self).__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.eca = attention(planes * 4, k_size)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        residual = x

        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)
        out = self.bn2(out)
        out = self.relu(out)

        out = self.conv3(out)
        out = self.bn3(out)
        out = self.eca(out)

        if self.downsample is not None:
            residual = self.downsample(x)

        out += residual
        out = self.relu(out)

        return out


class AttnResNet(nn.Module):
    """eca_resnet.py ResNet. DEVIATION: the official code ends with
    nn.AvgPool2d(7, stride=1), which only works at 224x224; AdaptiveAvgPool2d(1)
    is used so that every resolution runs. At 224x224 both give the same output
    shape and the same 2019-thop count (49+1 per output element)."""

    def __init__(self, layers, attention, num_classes=1000, k_size=(3, 3, 3, 3)):
        self.inplanes = 64
        super(AttnResNet, self).__init__()
        self.attention = attention
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(64, layers[0], int(k_size[0]))
        self.layer2 = self._make_layer(128, layers[1], int(k_size[1]), stride=2)
        self.layer3 = self._make_layer(256, layers[2], int(k_size[2]), stride=2)
        self.layer4 = self._make_layer(512, layers[3], int(k_size[3]), stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512 * AttnBottleneck.expansion, num_classes)

    def _make_layer(self, planes, blocks, k_size, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * AttnBottleneck.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(
                    self.inplanes, planes * AttnBottleneck.expansion, kernel_size=1, stride=stride, bias=False
                ),
                nn.BatchNorm2d(planes * AttnBottleneck.expansion),
            )

        layers = []
        layers.append(AttnBottleneck(self.inplanes, planes, stride, downsample, k_size, self.attention))
        self.inplanes = planes * AttnBottleneck.expansion
        for _ in range(1, blocks):
            layers.append(AttnBottleneck(self.inplanes, planes, k_size=k_size, attention=self.attention))

        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)

        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        x = self.layer4(x)

        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        x = self.fc(x)

        return x


class ConvBNReLU(nn.Sequential):
    def __init__(self, in_planes, out_planes, kernel_size=3, stride=1, groups=1):
        padding = (kernel_size - 1) // 2
        super(ConvBNReLU, self).__init__(
            nn.Conv2d(in_planes, out_planes, kernel_size, stride, padding, groups=groups, bias=False),
            nn.BatchNorm2d(out_planes),
            nn.ReLU6(inplace=True),
        )


class InvertedResidualECA(nn.Module):
    """eca_mobilenetv2.py InvertedResidual: attention after the projection BN."""

    def __init__(self, inp, oup, stride, expand_ratio, k_size, attention):
        super(InvertedResidualECA, self).__init__()
        self.stride = stride
        assert stride in [1, 2]

        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = self.stride == 1 and inp == oup

        layers = []
        if expand_ratio != 1:
            # pw
            layers.append(ConvBNReLU(inp, hidden_dim, kernel_size=1))
        layers.extend(
            [
                # dw
                ConvBNReLU(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim),
                # pw-linear
                nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
                nn.BatchNorm2d(oup),
            ]
        )
        layers.append(attention(oup, k_size))
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        else:
            return self.conv(x)


class ECA_MobileNetV2(nn.Module):
    def __init__(self, attention, num_classes=1000, width_mult=1.0):
        super(ECA_MobileNetV2, self).__init__()
        input_channel = 32
        last_channel = 1280
        inverted_residual_setting = [
            # t, c, n, s
            [1, 16, 1, 1],
            [6, 24, 2, 2],
            [6, 32, 3, 2],
            [6, 64, 4, 2],
            [6, 96, 3, 1],
            [6, 160, 3, 2],
            [6, 320, 1, 1],
        ]

        # building first layer
        input_channel = int(input_channel * width_mult)
        self.last_channel = int(last_channel * max(1.0, width_mult))
        features = [ConvBNReLU(3, input_channel, stride=2)]
        # building inverted residual blocks
        for t, c, n, s in inverted_residual_setting:
            output_channel = int(c * width_mult)
            for i in range(n):
                if c < 96:
                    ksize = 1
                else:
                    ksize = 3
                stride = s if i == 0 else 1
                features.append(
                    InvertedResidualECA(input_channel, output_channel, stride, t, ksize, attention)
                )
                input_channel = output_channel
        # building last several layers
        features.append(ConvBNReLU(input_channel, self.last_channel, kernel_size=1))
        # make it nn.Sequential
        self.features = nn.Sequential(*features)

        # building classifier
        self.classifier = nn.Sequential(
            nn.Dropout(0.25),
            nn.Linear(self.last_channel, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        # Global pool via tensor ops (not a module: 0 under 2019 thop).
        x = x.mean(-1).mean(-1)
        x = self.classifier(x)
        return x


def eca_attention(channel, k_size):
    return eca_layer(channel, k_size)


def se_attention(reduction):
    # SE ignores the ECA kernel size argument.
    return lambda channel, k_size: SELayer(channel, reduction)


# ---------------------------------------------------------------------------
# Model registry
# ---------------------------------------------------------------------------

RESNET_DEPTHS = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}
ECA_K = {50: [3, 5, 5, 7], 101: [3, 3, 5, 7], 152: [3, 3, 5, 7]}


def build_models():
    """name -> (constructor, resolutions, compute thop2019?, note)."""
    m = OrderedDict()
    all_res = RESOLUTIONS
    only224 = [(224, 224)]
    m["mobilenetv2"] = (lambda: tvm.mobilenet_v2(weights=None), all_res, True, "torchvision mobilenet_v2")
    m["mobilenetv2-w0.5"] = (
        lambda: tvm.mobilenet_v2(weights=None, width_mult=0.5),
        only224,
        False,
        "torchvision mobilenet_v2(width_mult=0.5)",
    )
    m["mobilenetv2-w1.4"] = (
        lambda: tvm.mobilenet_v2(weights=None, width_mult=1.4),
        only224,
        False,
        "torchvision mobilenet_v2(width_mult=1.4)",
    )
    m["resnet18"] = (lambda: tvm.resnet18(weights=None), all_res, False, "torchvision resnet18")
    m["resnet34"] = (lambda: tvm.resnet34(weights=None), all_res, False, "torchvision resnet34")
    for d in (50, 101, 152):
        m["resnet%d" % d] = (
            (lambda d=d: getattr(tvm, "resnet%d" % d)(weights=None)),
            all_res,
            True,
            "torchvision resnet%d" % d,
        )
    m["efficientnet-b0"] = (lambda: tvm.efficientnet_b0(weights=None), all_res, False, "torchvision efficientnet_b0")
    m["mobilenetv3-large"] = (
        lambda: tvm.mobilenet_v3_large(weights=None),
        all_res,
        False,
        "torchvision mobilenet_v3_large",
    )
    m["mobilenetv3-small"] = (
        lambda: tvm.mobilenet_v3_small(weights=None),
        all_res,
        False,
        "torchvision mobilenet_v3_small",
    )
    m["mobilenetv2-ca-r32"] = (
        lambda: MBV2_CA(lambda c: CoordAtt(c, c, reduction=32)),
        all_res,
        True,
        "houqb/CoordAttention mbv2_ca (CoordAtt reduction=32 after the depthwise conv of every expand_ratio!=1 block)",
    )
    m["mobilenetv2-se-ca-paper"] = (
        lambda: MBV2_CA(lambda c: SE_CAPaper(c, reduction=24)),
        all_res,
        True,
        "mbv2_ca with CoordAtt replaced by SE (1x1 convs with bias, C//24, ReLU6, Sigmoid)",
    )
    for d in (50, 101, 152):
        m["eca-resnet%d" % d] = (
            (lambda d=d: AttnResNet(RESNET_DEPTHS[d], eca_attention, k_size=ECA_K[d])),
            all_res,
            True,
            "BangguWu/ECANet eca_resnet%d, k_size=%s, AdaptiveAvgPool2d(1) head" % (d, ECA_K[d]),
        )
    for d in (50, 101, 152):
        m["se-resnet%d" % d] = (
            (lambda d=d: AttnResNet(RESNET_DEPTHS[d], se_attention(16))),
            all_res,
            True,
            "ECANet ResNet-%d with SELayer(Linear no bias, r=16) after bn3" % d,
        )
    m["eca-mobilenetv2"] = (
        lambda: ECA_MobileNetV2(eca_attention),
        all_res,
        True,
        "BangguWu/ECANet eca_mobilenetv2 (eca after projection BN, k=1 if c<96 else 3)",
    )
    m["se-mobilenetv2-eca-paper"] = (
        lambda: ECA_MobileNetV2(se_attention(8)),
        all_res,
        True,
        "eca_mobilenetv2 with eca_layer replaced by SELayer(Linear no bias, r=8)",
    )
    return m


# ---------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------

CONV_TYPES = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
BN_TYPES = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def conv_linear_macs(module, out):
    """Multiply-accumulates of one call: conv and linear only, bias ignored."""
    if isinstance(module, CONV_TYPES):
        k = math.prod(module.kernel_size)
        return out.numel() * (module.in_channels // module.groups) * k
    if isinstance(module, nn.Linear):
        return module.in_features * out.numel()
    return 0


def thop2019_ops(module, inp, out):
    """2019 thop count of one call of a leaf module (see module docstring)."""
    if isinstance(module, CONV_TYPES):
        k = math.prod(module.kernel_size)
        bias = 1 if module.bias is not None else 0
        return out.numel() * ((module.in_channels // module.groups) * k + bias)
    if isinstance(module, nn.Linear):
        return (2 * module.in_features - 1) * out.numel()
    if isinstance(module, BN_TYPES):
        return 4 * out.numel()
    if isinstance(module, (nn.ReLU, nn.ReLU6)):
        return out.numel()
    if isinstance(module, nn.AdaptiveAvgPool2d):
        # kernel = prod(input_spatial // output_spatial), from the actual shapes
        # (so output_size=None entries, as in CoordAtt's pools, mean "keep").
        kernel = 1
        for i_sz, o_sz in zip(inp.shape[2:], out.shape[2:]):
            kernel *= i_sz // o_sz
        return (kernel + 1) * out.numel()
    if isinstance(module, (nn.MaxPool2d, nn.Dropout, nn.Sigmoid, nn.Identity)):
        return 0
    raise TypeError("no 2019-thop rule for %s" % type(module).__name__)


def count_params(module, recurse=True):
    return sum(p.numel() for p in module.parameters(recurse=recurse) if p.requires_grad)


def bn_running_stats(model):
    total = 0
    for mod in model.modules():
        if isinstance(mod, nn.modules.batchnorm._NormBase) and mod.track_running_stats:
            total += mod.running_mean.numel() + mod.running_var.numel()
    return total


def profile(model, h, w, with_thop):
    """One eval-mode forward at batch 1; returns totals and per-call records."""
    calls = []
    names = {}
    n_calls = {}
    last_thop = OrderedDict()  # module name -> thop count of its LAST call
    handles = []

    def hook(module, inputs, output):
        name = names[module]
        idx = n_calls.get(name, 0)
        n_calls[name] = idx + 1
        rec = OrderedDict()
        rec["path"] = name
        rec["type"] = type(module).__name__
        rec["call"] = idx  # 0 for the first call of this module object
        rec["outputShape"] = list(output.shape)
        rec["macs"] = conv_linear_macs(module, output)
        rec["params"] = count_params(module)
        if with_thop:
            t = thop2019_ops(module, inputs[0], output)
            rec["thop2019"] = t
            last_thop[name] = t  # assignment, not accumulation: the 2019 quirk
        calls.append(rec)

    for name, mod in model.named_modules():
        if len(list(mod.children())) == 0:  # leaf modules only
            names[mod] = name
            handles.append(mod.register_forward_hook(hook))

    x = torch.zeros(1, 3, h, w)
    with torch.no_grad():
        model(x)
    for hd in handles:
        hd.remove()

    res = OrderedDict()
    res["params"] = count_params(model)
    res["bnRunningStats"] = bn_running_stats(model)
    res["macs"] = sum(c["macs"] for c in calls)
    if with_thop:
        res["thop2019"] = sum(last_thop.values())
    res["layers"] = calls
    return res


# ---------------------------------------------------------------------------
# Published reference numbers (checks printed at the end; never fudged)
# ---------------------------------------------------------------------------

PUBLISHED = {
    # name: (params, macs at 224x224 or None)
    "mobilenetv2": (3504872, 300774272),
    "resnet50": (25557032, 4089184256),
    "efficientnet-b0": (5288548, 385814752),
    "resnet18": (11689512, None),
    "resnet34": (21797672, None),
    "resnet101": (44549160, None),
    "resnet152": (60192808, None),
    "mobilenetv3-large": (5483032, None),
    "mobilenetv3-small": (2542856, None),
    "mobilenetv2-ca-r32": (3950648, 306666368),
    "mobilenetv2-se-ca-paper": (3888208, None),
}

# ECA-Net Table 3: (params in 2**20, FLOPs in 2**30 for ResNets / 2**20 for MobileNetV2)
ECA_TABLE3 = OrderedDict(
    [
        ("resnet50", (24.37, 3.86, "G")),
        ("se-resnet50", (26.77, 3.87, "G")),
        ("eca-resnet50", (24.37, 3.86, "G")),
        ("resnet101", (42.49, 7.34, "G")),
        ("se-resnet101", (47.01, 7.35, "G")),
        ("eca-resnet101", (42.49, 7.35, "G")),
        ("resnet152", (57.40, 10.82, "G")),
        ("se-resnet152", (63.68, 10.85, "G")),
        ("eca-resnet152", (57.40, 10.83, "G")),
        ("mobilenetv2", (3.34, 319.4, "M")),
        ("se-mobilenetv2-eca-paper", (3.40, 320.1, "M")),
        ("eca-mobilenetv2", (3.34, 319.9, "M")),
    ]
)


def write_json(data, path):
    """Indented JSON, but each per-layer record on one line (compact, diffable)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    lines = ["{"]
    top = list(data.items())
    for ti, (k, v) in enumerate(top):
        comma = "," if ti < len(top) - 1 else ""
        if k != "models":
            lines.append("  %s: %s%s" % (json.dumps(k), json.dumps(v), comma))
            continue
        lines.append('  "models": {')
        mitems = list(v.items())
        for mi, (mname, byres) in enumerate(mitems):
            lines.append("    %s: {" % json.dumps(mname))
            ritems = list(byres.items())
            for ri, (rname, rec) in enumerate(ritems):
                lines.append("      %s: {" % json.dumps(rname))
                fields = list(rec.items())
                for fi, (fk, fv) in enumerate(fields):
                    fcomma = "," if fi < len(fields) - 1 else ""
                    if fk == "layers":
                        lines.append('        "layers": [')
                        for li, layer in enumerate(fv):
                            lcomma = "," if li < len(fv) - 1 else ""
                            lines.append("          %s%s" % (json.dumps(layer), lcomma))
                        lines.append("        ]%s" % fcomma)
                    else:
                        lines.append("        %s: %s%s" % (json.dumps(fk), json.dumps(fv), fcomma))
                lines.append("      }%s" % ("," if ri < len(ritems) - 1 else ""))
            lines.append("    }%s" % ("," if mi < len(mitems) - 1 else ""))
        lines.append("  }%s" % comma)
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    torch.manual_seed(0)  # irrelevant to the counts; keeps init reproducible anyway
    out = OrderedDict()
    out["generator"] = "tools/torch-counts/count.py"
    out["torch"] = torch.__version__
    out["torchvision"] = torchvision.__version__
    out["conventions"] = OrderedDict(
        [
            ("params", "sum numel of trainable parameters"),
            ("bnRunningStats", "sum numel of BatchNorm running_mean + running_var"),
            (
                "macs",
                "conv+linear multiply-accumulates, every leaf call: ConvNd numel(out)*(Cin/g)*prod(K); "
                "Linear in_features*numel(out); bias ignored",
            ),
            (
                "thop2019",
                "2019 thop rules: ConvNd numel(out)*(Cin/g*prod(K)+bias); Linear (2*in-1)*numel(out); "
                "BN 4*numel(out); ReLU/ReLU6 numel(out); AdaptiveAvgPool2d (prod(in//out spatial)+1)*numel(out); "
                "MaxPool/Dropout/Sigmoid/functional ops 0; a module called several times counts only its last call",
            ),
            (
                "layers",
                "every leaf-module call in call order; call = index of the call of that module object; "
                "layer thop2019 is the per-call value (the total keeps only each module's last call); "
                "layers only for 224x224 and 224x320",
            ),
        ]
    )
    out["batch"] = 1
    registry = build_models()
    out["modelNotes"] = OrderedDict((name, spec[3]) for name, spec in registry.items())
    out["models"] = OrderedDict()

    for name, (ctor, resolutions, with_thop, _note) in registry.items():
        model = ctor().eval()
        out["models"][name] = OrderedDict()
        for h, w in resolutions:
            res = profile(model, h, w, with_thop)
            if (h, w) not in LAYER_RESOLUTIONS:
                del res["layers"]
            out["models"][name]["%dx%d" % (h, w)] = res
        r224 = out["models"][name]["224x224"]
        print(
            "%-26s params %12d  bnStats %9d  macs@224 %14d%s"
            % (
                name,
                r224["params"],
                r224["bnRunningStats"],
                r224["macs"],
                ("  thop2019@224 %14d" % r224["thop2019"]) if "thop2019" in r224 else "",
            ),
            flush=True,
        )

    write_json(out, OUT_PATH)
    print("wrote %s (%d bytes)" % (os.path.relpath(OUT_PATH, REPO_ROOT), os.path.getsize(OUT_PATH)))

    # ---- checks against published numbers --------------------------------
    print("\nPublished totals at 224x224:")
    for name, (p_ref, m_ref) in PUBLISHED.items():
        r = out["models"][name]["224x224"]
        p_ok = "ok" if r["params"] == p_ref else "MISMATCH (%+d)" % (r["params"] - p_ref)
        line = "  %-26s params %12d vs %12d %s" % (name, r["params"], p_ref, p_ok)
        if m_ref is not None:
            m_ok = "ok" if r["macs"] == m_ref else "MISMATCH (%+d)" % (r["macs"] - m_ref)
            line += " | macs %14d vs %14d %s" % (r["macs"], m_ref, m_ok)
        print(line)

    print("\nECA-Net Table 3 (2019 thop, binary units) at 224x224:")
    for name, (p_ref, f_ref, unit) in ECA_TABLE3.items():
        r = out["models"][name]["224x224"]
        p = r["params"] / 2**20
        f = r["thop2019"] / (2**30 if unit == "G" else 2**20)
        fmt = "%.2f" if unit == "G" else "%.1f"
        p_ok = "ok" if round(p, 2) == p_ref else "MISMATCH"
        f_ok = "ok" if (fmt % f) == (fmt % f_ref) else "MISMATCH"
        print(
            "  %-26s params %6.2fM vs %6.2fM %-8s | FLOPs %s%s vs %s%s %s"
            % (name, p, p_ref, p_ok, fmt % f, unit, fmt % f_ref, unit, f_ok)
        )


if __name__ == "__main__":
    main()
