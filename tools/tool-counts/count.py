#!/usr/bin/python3
"""Counts from the real counting tools, for the coordattn cost presets.

Runs the tools' own source (fvcore, ptflops, thop 0.1.1 and the 2019 thop), at
pinned commits, on torchvision models and on the Coordinate Attention / ECA-Net
authors' model code, and writes packages/cost/test-data/tool-counts.json. The
presets `fvcore`, `ptflops`, `ptflops-modules`, `thop` and `thop-2019` of
@coordattn/cost are tested against that file, to the integer.

CI never runs this script (CI has no torch). Regenerate from the repository root:

    apt-get install -y python3-torch python3-torchvision \\
        python3-tabulate python3-termcolor python3-tqdm python3-portalocker
    # the tools' and the authors' source into tools/tool-counts/vendor/ (git-ignored):
    /usr/bin/python3 tools/tool-counts/count.py --fetch-commands   # prints the commands
    /usr/bin/python3 tools/tool-counts/count.py

(Debian 12: torch 1.13.1 / torchvision 0.14.1, which report themselves as
1.13.0a0 / 0.14.1a0.) Nothing is installed from PyPI: every tool is imported from
its vendor folder. No network, no weights; the counts depend only on shapes, so
two runs give byte-identical output.

How each tool is observed (none of its code is changed; see README.md):
  fvcore     FlopCountAnalysis(model, x): .total(), .by_module(), .unsupported_ops()
  ptflops    get_model_complexity_info(model, (3, H, W), as_strings=False,
             print_per_layer_stat=False[, input_constructor for batch 2]
             [, backend_specific_config={'count_functional': False}]); the
             per-module __flops__ are read just before ptflops deletes them, and
             each patched functional / tensor-op call is recorded with the module
             that made it (a subclass of ptflops' torch_function_wrapper that
             calls the original).
  thop       thop.profile(model, (x,), verbose=False, ret_layer_info=True)
  thop-2019  thop.profile(model, (x,), verbose=False); each hook's exact integer
             is read as the hook builds torch.Tensor([int(total_ops)]) (thop-2019
             stores and sums float32, so its printed total may differ from the
             integer sum by a few units).
"""

import argparse
import collections
import collections.abc
import contextlib
import hashlib
import importlib
import importlib.util
import io
import json
import logging
import os
import sys
import types
import warnings
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
VENDOR = os.path.join(HERE, "vendor")
OUT_PATH = os.path.join(REPO_ROOT, "packages", "cost", "test-data", "tool-counts.json")

# vendor folder -> (repository, commit, paths extracted from that commit, what it is)
VENDOR_SOURCES = OrderedDict(
    [
        ("fvcore", ("facebookresearch/fvcore", "3378afe0d71dc2aa95e358bc78dc9b67cb48825a", ["fvcore"], "fvcore 0.1.6")),
        ("iopath", ("facebookresearch/iopath", "b3ea6da153ab61b3b8687544c0708a4234a8fb58", ["iopath"], "iopath v0.1.10 (fvcore.nn imports it)")),
        ("ptflops", ("sovrasov/flops-counter.pytorch", "d612c7547445841a325fd2a1ff2ab27583f01bae", ["ptflops"], "ptflops 0.7.6")),
        ("thop-0.1.1", ("Lyken17/pytorch-OpCounter", "43c064afb71383501e41eaef9e8c8407265cf77f", ["thop"], "thop 0.1.1 (PyPI `thop`)")),
        ("thop-2019", ("Lyken17/pytorch-OpCounter", "d3e98b9855569b269af187eba243920c9b62e17f", ["thop"], "thop of 2019-08-06 (ECA-Net's counter)")),
        ("CoordAttention", ("houqb/CoordAttention", "7619bea9acbe260b3793833cc78cef3f124c8112", ["coordatt.py", "mbv2_ca.py"], "CA authors' block and MobileNetV2")),
        ("ssdlite-pytorch-mobilenext", ("houqb/ssdlite-pytorch-mobilenext", "6219e33efccceee1825a44cd46c39332d0c01eea", ["ssd/modeling/backbone/se_mbv2.py"], "CA authors' SE block (SEM)")),
        ("ECANet", ("BangguWu/ECANet", "b332f6b3e6e2afe8a3287dc8ee8440a0fbec74c4", ["models/eca_module.py", "models/eca_mobilenetv2.py"], "ECA-Net authors' MobileNetV2")),
    ]
)
# Not vendored: yacs (fvcore.common.config needs it, fvcore.nn does not), pyyaml, Pillow.
# From Debian: numpy, tabulate, termcolor, tqdm, portalocker (fvcore.nn / iopath import them).


def fetch_commands():
    lines = ["# from the repository root; <owner>/<name> cloned anywhere, e.g. /tmp/src/<name>", "set -e"]
    for folder, (repo, commit, paths, _what) in VENDOR_SOURCES.items():
        clone = "/tmp/src/%s" % repo.split("/")[1]
        lines.append("[ -d %s ] || git clone -q https://github.com/%s %s" % (clone, repo, clone))
        lines.append("mkdir -p tools/tool-counts/vendor/%s" % folder)
        lines.append(
            "git -C %s archive %s %s | tar -x -C tools/tool-counts/vendor/%s" % (clone, commit, " ".join(paths), folder)
        )
    return "\n".join(lines)


def check_vendor():
    missing = []
    for folder, (repo, commit, paths, _what) in VENDOR_SOURCES.items():
        for p in paths:
            if not os.path.exists(os.path.join(VENDOR, folder, p)):
                missing.append("  vendor/%s/%s  (%s @ %s, path %s)" % (folder, p, repo, commit[:7], p))
    if missing:
        sys.exit(
            "tool-counts: vendor sources missing:\n%s\n\nExtract them with:\n\n%s\n"
            % ("\n".join(missing), fetch_commands())
        )


def tree_sha256(folder, paths):
    """sha256 over every file under the extracted paths (sorted relative path + bytes)."""
    h = hashlib.sha256()
    root = os.path.join(VENDOR, folder)
    files = []
    for p in paths:
        full = os.path.join(root, p)
        if os.path.isfile(full):
            files.append(p)
        else:
            for d, _dirs, fs in os.walk(full):
                for f in fs:
                    if "__pycache__" in d or f.endswith(".pyc"):
                        continue
                    files.append(os.path.relpath(os.path.join(d, f), root))
    for rel in sorted(files):
        h.update(rel.encode() + b"\0")
        with open(os.path.join(root, rel), "rb") as f:
            h.update(f.read())
        h.update(b"\0")
    return h.hexdigest()


def load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------


def import_package(folder, name):
    """Imports package `name` from vendor/<folder>, without leaving it importable afterwards."""
    for k in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[k]
    sys.path.insert(0, os.path.join(VENDOR, folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


class Tools:
    def __init__(self):
        import torch

        sys.path.insert(0, os.path.join(VENDOR, "iopath"))
        self.fvcore = import_package("fvcore", "fvcore")
        self.fvcore_nn = importlib.import_module("fvcore.nn")
        self.ptflops = import_package("ptflops", "ptflops")
        self.pt_engine = importlib.import_module("ptflops.pytorch_engine")
        self.thop = import_package("thop-0.1.1", "thop")
        self.thop_profile = self.thop.profile
        self.thop_clever = self.thop.clever_format
        # The 2019 thop imports `from collections import Iterable` (gone in Python 3.10):
        # the one shim applied to any tool, outside its code.
        collections.Iterable = collections.abc.Iterable
        self.thop19 = import_package("thop-2019", "thop")
        self.thop19_profile_mod = sys.modules["thop.profile"]
        self.thop19_hooks = sys.modules["thop.count_hooks"]
        self.thop19_clever = self.thop19.clever_format
        self.torch = torch
        self._instrument_thop2019()
        self._instrument_ptflops()

    # ---- thop-2019: exact per-hook integers -------------------------------------------------
    def _instrument_thop2019(self):
        real = self.torch
        rec = self

        class TorchProxy(object):
            """`torch` as count_hooks sees it: records the int of torch.Tensor([int(n)])."""

            last = None

            def __getattr__(self, name):
                return getattr(real, name)

            def Tensor(self, data):  # noqa: N802 (torch's name)
                if isinstance(data, list) and len(data) == 1 and isinstance(data[0], int):
                    TorchProxy.last = data[0]
                return real.Tensor(data)

        self.thop19_hooks.torch = TorchProxy()
        self.thop19_last = {}
        registry = self.thop19_profile_mod.register_hooks

        def wrap(fn):
            def hook(m, x, y):
                TorchProxy.last = None
                fn(m, x, y)
                rec.thop19_last[m] = TorchProxy.last  # the tool assigns: last call wins

            hook.__qualname__ = fn.__qualname__
            return hook

        for k in list(registry):
            registry[k] = wrap(registry[k])

    # ---- ptflops: per-module __flops__ and every functional call ---------------------------
    def _instrument_ptflops(self):
        pe = self.pt_engine
        rec = self
        orig_remove = pe.remove_flops_counter_variables

        def remove_flops_counter_variables(module):
            if hasattr(module, "__flops__"):
                rec.pt_module_flops[module] = module.__flops__
            orig_remove(module)

        pe.remove_flops_counter_variables = remove_flops_counter_variables
        base = pe.torch_function_wrapper

        class RecordingWrapper(base):
            def __call__(self, *args, **kwds):
                n = len(self.collector)
                out = base.__call__(self, *args, **kwds)
                flops = self.collector[n]
                caller = rec.module_stack[-1] if rec.module_stack else ""
                rec.pt_functional.append((getattr(self.op, "__name__", str(self.op)), int(flops), caller))
                return out

        pe.torch_function_wrapper = RecordingWrapper
        self.module_stack = []

    # ---- runs -------------------------------------------------------------------------------
    def fvcore_run(self, model, x):
        fa = self.fvcore_nn.FlopCountAnalysis(model, (x,))
        fa.unsupported_ops_warnings(False).uncalled_modules_warnings(False).tracer_warnings("none")
        total = fa.total()
        by_module = fa.by_module()
        own = OrderedDict()
        names = dict(model.named_modules())
        for name, mod in names.items():
            if name not in by_module:
                continue
            child_sum = sum(by_module.get(((name + ".") if name else "") + c, 0) for c, _ in mod.named_children())
            v = by_module[name] - child_sum
            if v:
                own[name] = int(v)
        unsupported = OrderedDict(sorted(fa.unsupported_ops().items()))
        params = self.fvcore_nn.parameter_count(model)[""]
        return OrderedDict(
            [
                ("printed", str(total)),
                ("total", int(total)),
                ("moduleSum", int(sum(own.values()))),
                ("params", int(params)),
                ("unsupportedOps", unsupported),
                ("modules", own),
            ]
        )

    def ptflops_run(self, model, x, count_functional):
        torch = self.torch
        self.pt_module_flops = {}
        self.pt_functional = []
        handles = []
        stack = self.module_stack

        def enter(name):
            def pre_hook(m, i):
                stack.append(name)

            return pre_hook

        def leave(m, i, o):
            stack.pop()  # returns None: a forward hook's return value would replace the output

        for name, mod in model.named_modules():
            handles.append(mod.register_forward_pre_hook(enter(name)))
            handles.append(mod.register_forward_hook(leave))
        kwargs = dict(print_per_layer_stat=False, as_strings=False, verbose=False)
        if x.shape[0] != 1:
            kwargs["input_constructor"] = lambda res: torch.zeros((x.shape[0],) + tuple(res))
        if not count_functional:
            kwargs["backend_specific_config"] = {"count_functional": False}
        try:
            macs, params = self.ptflops.get_model_complexity_info(model, tuple(x.shape[1:]), **kwargs)
        finally:
            for h in handles:
                h.remove()
        assert macs is not None, "ptflops failed"
        batch_counter = model.__batch_counter__
        names = {m: n for n, m in model.named_modules()}
        modules = OrderedDict()
        for m, f in self.pt_module_flops.items():
            if f:
                modules[names[m]] = int(f)
        functional = OrderedDict()
        for fn, flops, caller in self.pt_functional:
            if flops:
                key = "%s@%s" % (fn, caller)
                functional[key] = functional.get(key, 0) + flops
        module_sum = sum(modules.values())
        functional_sum = sum(functional.values())
        assert module_sum % batch_counter == 0, "module counts not divisible by the batch"
        return OrderedDict(
            [
                ("printed", self.ptflops.flops_to_string(macs)),
                ("total", int(macs)),
                ("batchCounter", batch_counter),
                ("moduleSum", module_sum),
                ("functionalSum", functional_sum),
                ("sum", module_sum // batch_counter + functional_sum),
                ("params", int(params)),
                ("modules", modules),
                ("functional", functional),
            ]
        )

    def thop_run(self, model, x):
        with contextlib.redirect_stdout(io.StringIO()):
            ops, params, tree = self.thop_profile(model, inputs=(x,), verbose=False, ret_layer_info=True)
        modules = OrderedDict()

        def walk(prefix, d):
            for name, (m_ops, _p, sub) in d.items():
                path = prefix + name
                own = m_ops - sum(v[0] for v in sub.values())
                if own:
                    assert own == int(own)
                    modules[path] = int(own)
                walk(path + ".", sub)

        walk("", tree)
        return OrderedDict(
            [
                ("printed", self.thop_clever(ops, "%.3f")),
                ("returned", repr(ops)),
                ("total", int(ops)),
                ("moduleSum", int(sum(modules.values()))),
                ("params", int(params)),
                ("modules", modules),
            ]
        )

    def thop2019_run(self, model, x):
        self.thop19_last = {}
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                ops, params = self.thop19.profile(model, inputs=(x,), verbose=False)
        except Exception as e:  # noqa: BLE001 - reported, never hidden
            # thop-2019 leaves its buffers and hooks behind when the forward fails
            for m in model.modules():
                m._forward_hooks.clear()
                m._buffers.pop("total_ops", None)
                m._buffers.pop("total_params", None)
            return OrderedDict([("error", "%s: %s" % (type(e).__name__, e))])
        # in model.modules() order, the order in which thop-2019 sums them (in float32)
        modules = OrderedDict()
        for name, m in model.named_modules():
            v = self.thop19_last.get(m)
            if m in self.thop19_last:
                assert v is not None, "no count recorded for %s" % name
            if v:
                modules[name] = v
        return OrderedDict(
            [
                ("printed", self.thop19_clever(ops)),
                ("returned", repr(ops)),
                ("total", int(ops)),
                ("moduleSum", int(sum(modules.values()))),
                ("params", int(params)),
                ("modules", modules),
            ]
        )


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


def build_models():
    """name -> (constructor, [(H, W)], note, source files)."""
    from torchvision import models as tvm

    ca = load_file("coordatt", os.path.join(VENDOR, "CoordAttention", "coordatt.py"))
    mbv2_ca = load_file("mbv2_ca", os.path.join(VENDOR, "CoordAttention", "mbv2_ca.py"))
    # se_mbv2.py imports ssd.modeling.registry (the SSD detector's backbone registry): stub it.
    reg = types.ModuleType("ssd.modeling.registry")
    reg.BACKBONES = types.SimpleNamespace(register=lambda name: (lambda f: f))
    for n in ("ssd", "ssd.modeling"):
        sys.modules[n] = types.ModuleType(n)
    sys.modules["ssd.modeling"].registry = reg
    sys.modules["ssd.modeling.registry"] = reg
    se_mbv2 = load_file("se_mbv2", os.path.join(VENDOR, "ssdlite-pytorch-mobilenext", "ssd", "modeling", "backbone", "se_mbv2.py"))
    sys.path.insert(0, os.path.join(VENDOR, "ECANet"))
    try:
        eca_mbv2 = importlib.import_module("models.eca_mobilenetv2")
    finally:
        sys.path.pop(0)

    def mbv2_with(block):
        """mbv2_ca.py's MobileNetV2 with its attention module class replaced by `block`."""
        saved = mbv2_ca.CoordAtt
        mbv2_ca.CoordAtt = block
        try:
            return mbv2_ca.mbv2_ca()
        finally:
            mbv2_ca.CoordAtt = saved

    r224 = [(224, 224)]
    m = OrderedDict()
    m["mobilenetv2"] = (lambda: tvm.mobilenet_v2(weights=None), r224, "torchvision mobilenet_v2()", [])
    m["resnet18"] = (lambda: tvm.resnet18(weights=None), [(224, 224), (160, 224)], "torchvision resnet18()", [])
    m["resnet50"] = (lambda: tvm.resnet50(weights=None), r224, "torchvision resnet50()", [])
    m["efficientnet-b0"] = (lambda: tvm.efficientnet_b0(weights=None), r224, "torchvision efficientnet_b0()", [])
    m["mobilenetv3-large"] = (lambda: tvm.mobilenet_v3_large(weights=None), r224, "torchvision mobilenet_v3_large()", [])
    m["mobilenetv2-ca"] = (
        lambda: mbv2_with(ca.CoordAtt),
        r224,
        "houqb/CoordAttention mbv2_ca.mbv2_ca() with coordatt.CoordAtt (reduction 32) as its CoordAtt",
        [("CoordAttention", "coordatt.py"), ("CoordAttention", "mbv2_ca.py")],
    )
    m["mobilenetv2-se"] = (
        lambda: mbv2_with(se_mbv2.SEM),
        r224,
        "houqb/CoordAttention mbv2_ca.mbv2_ca() with houqb/ssdlite-pytorch-mobilenext se_mbv2.SEM "
        "(AdaptiveAvgPool2d(1), 1x1 conv C//24 with bias, ReLU6, 1x1 conv, .sigmoid(), x * y) as its CoordAtt",
        [("CoordAttention", "mbv2_ca.py"), ("ssdlite-pytorch-mobilenext", "ssd/modeling/backbone/se_mbv2.py")],
    )
    m["mobilenetv2-eca"] = (
        lambda: eca_mbv2.eca_mobilenet_v2(),
        r224,
        "BangguWu/ECANet models.eca_mobilenetv2.eca_mobilenet_v2()",
        [("ECANet", "models/eca_module.py"), ("ECANet", "models/eca_mobilenetv2.py")],
    )
    extra = {"mbv2_ca_builtin": lambda: mbv2_ca.mbv2_ca()}
    return m, extra


def shim_ca_pools(model, x):
    """For thop-2019 only: AdaptiveAvgPool2d((None, 1)) / ((1, None)) -> the concrete output size
    of this instance at this input (the same function); the 2019 hook cannot read None."""
    import torch.nn as nn

    sizes = {}
    handles = []
    for mod in model.modules():
        if isinstance(mod, nn.AdaptiveAvgPool2d) and isinstance(mod.output_size, tuple) and None in mod.output_size:
            handles.append(mod.register_forward_hook(lambda m, i, o: sizes.__setitem__(m, tuple(o.shape[2:]))))
    with __import__("torch").no_grad():
        model(x)
    for h in handles:
        h.remove()
    saved = {m: m.output_size for m in sizes}
    for m, s in sizes.items():
        m.output_size = s
    return saved


# ---------------------------------------------------------------------------
# Probes: which aten op / hook each activation and pool module meets
# ---------------------------------------------------------------------------


def probes(tools):
    import torch
    import torch.nn as nn

    cases = OrderedDict(
        [
            ("ReLU", lambda: nn.ReLU()),
            ("ReLU(inplace=True)", lambda: nn.ReLU(inplace=True)),
            ("ReLU6", lambda: nn.ReLU6()),
            ("ReLU6(inplace=True)", lambda: nn.ReLU6(inplace=True)),
            ("PReLU", lambda: nn.PReLU()),
            ("ELU", lambda: nn.ELU()),
            ("LeakyReLU", lambda: nn.LeakyReLU()),
            ("GELU", lambda: nn.GELU()),
            ("SiLU", lambda: nn.SiLU()),
            ("SiLU(inplace=True)", lambda: nn.SiLU(inplace=True)),
            ("Hardswish", lambda: nn.Hardswish()),
            ("Hardswish(inplace=True)", lambda: nn.Hardswish(inplace=True)),
            ("Hardsigmoid", lambda: nn.Hardsigmoid()),
            ("Sigmoid", lambda: nn.Sigmoid()),
            ("MaxPool2d(2)", lambda: nn.MaxPool2d(2)),
            ("AvgPool2d(2)", lambda: nn.AvgPool2d(2)),
            ("AdaptiveAvgPool2d(1)", lambda: nn.AdaptiveAvgPool2d(1)),
            ("AdaptiveMaxPool2d(1)", lambda: nn.AdaptiveMaxPool2d(1)),
            ("Dropout(inplace=True)", lambda: nn.Dropout(0.2, inplace=True)),
            # bilinear resize, align_corners=False (the IR op resize): the functional call torchvision's
            # DeepLabV3 makes, and the module
            ("F.interpolate(bilinear, 9x5)", lambda: Interpolate((9, 5))),
            ("Upsample(bilinear, 9x5)", lambda: nn.Upsample(size=(9, 5), mode="bilinear", align_corners=False)),
        ]
    )

    class Interpolate(nn.Module):
        """F.interpolate(x, size, mode='bilinear', align_corners=False), a functional call."""

        def __init__(self, size):
            super().__init__()
            self.size = size

        def forward(self, x):
            return torch.nn.functional.interpolate(x, size=self.size, mode="bilinear", align_corners=False)

    class Wrap(nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, x):
            return self.m(x)

    out = OrderedDict()
    for name, ctor in cases.items():
        row = OrderedDict()
        for batch in (1, 2):
            x = torch.zeros(batch, 8, 6, 4)
            model = Wrap(ctor()).eval()
            pt = tools.ptflops_run(model, x, True)
            fv = tools.fvcore_run(Wrap(ctor()).eval(), x)
            th = tools.thop_run(Wrap(ctor()).eval(), x)
            row["b%d" % batch] = OrderedDict(
                [
                    ("numelIn", x.numel()),
                    ("ptflops", OrderedDict([("module", pt["moduleSum"]), ("functional", pt["functional"]), ("total", pt["total"])])),
                    ("fvcore", OrderedDict([("total", fv["total"]), ("unsupportedOps", fv["unsupportedOps"])])),
                    ("thop", OrderedDict([("total", th["total"])])),
                ]
            )
        out[name] = row
    return out


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def write_json(data, path):
    """Indented JSON, but each leaf object of counts on one line (compact, diffable)."""

    def enc(v, ind):
        if isinstance(v, dict) and v and any(isinstance(x, dict) for x in v.values()):
            pad = "  " * (ind + 1)
            items = [pad + json.dumps(k) + ": " + enc(x, ind + 1) for k, x in v.items()]
            return "{\n" + ",\n".join(items) + "\n" + "  " * ind + "}"
        return json.dumps(v)

    with open(path, "w") as f:
        f.write(enc(data, 0) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fetch-commands", action="store_true", help="print the commands that fill vendor/ and exit")
    ap.add_argument("--out", default=OUT_PATH)
    args = ap.parse_args()
    if args.fetch_commands:
        print(fetch_commands())
        return
    check_vendor()
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)

    import torch
    import torchvision

    torch.manual_seed(0)
    tools = Tools()
    registry, extra = build_models()

    out = OrderedDict()
    out["generator"] = "tools/tool-counts/count.py"
    out["torch"] = torch.__version__
    out["torchvision"] = torchvision.__version__
    out["python"] = "%d.%d.%d" % sys.version_info[:3]
    out["tools"] = OrderedDict()
    tool_meta = [
        ("fvcore", "fvcore", "fvcore.nn.FlopCountAnalysis(model, (x,)): total(), by_module(), unsupported_ops()"),
        ("ptflops", "ptflops", "ptflops.get_model_complexity_info(model, (3, H, W), as_strings=False, print_per_layer_stat=False), backend 'pytorch' (default)"),
        ("ptflops-modules", "ptflops", "the same with backend_specific_config={'count_functional': False}"),
        ("thop", "thop-0.1.1", "thop.profile(model, inputs=(x,), verbose=False, ret_layer_info=True)"),
        ("thop-2019", "thop-2019", "thop.profile(model, inputs=(x,), verbose=False)"),
    ]
    for key, folder, call in tool_meta:
        repo, commit, paths, what = VENDOR_SOURCES[folder]
        out["tools"][key] = OrderedDict(
            [("what", what), ("repo", repo), ("commit", commit), ("call", call), ("sourceSha256", tree_sha256(folder, paths))]
        )
    out["conventions"] = OrderedDict(
        [
            ("runs", "models.<model>.<H>x<W>.b<batch>.<tool>; input torch.zeros(batch, 3, H, W) (ptflops: its own new_empty at batch 1), eval mode, no weights"),
            ("printed", "the total as the tool prints it: fvcore str(total()); ptflops flops_to_string(returned int), i.e. what as_strings=True returns; thop clever_format(total, '%.3f'); thop-2019 clever_format(total) (its default '%.2f')"),
            ("total", "the number the tool returns, as an integer (thop-2019: the float32 sum it returns, truncated)"),
            ("moduleSum", "integer sum of the per-module counts; ptflops: of the modules' __flops__ (batch totals, before its division by batchCounter)"),
            ("modules", "module path (named_modules) -> that module's own count, nonzero only (fvcore: by_module minus its children; thop: ret_layer_info leaves; thop-2019: each hooked module's last call; ptflops: __flops__)"),
            ("functional", "ptflops only: '<patched function>@<module path of the caller>' -> summed count; never divided by the batch"),
            ("sum", "ptflops only: moduleSum / batchCounter + functionalSum, which is its total"),
            ("unsupportedOps", "fvcore only: unsupported_ops() - the aten ops it skips with a warning, with counts"),
            ("modules at batch 2", "omitted (exactly twice batch 1 for every module; ptflops' functional calls are kept)"),
        ]
    )
    out["sources"] = OrderedDict()
    out["modelNotes"] = OrderedDict()
    out["models"] = OrderedDict()

    for name, (ctor, resolutions, note, sources) in registry.items():
        out["modelNotes"][name] = note
        for folder, p in sources:
            key = "%s/%s" % (VENDOR_SOURCES[folder][0], p)
            out["sources"][key] = OrderedDict(
                [("commit", VENDOR_SOURCES[folder][1]), ("sha256", tree_sha256(folder, [p]))]
            )
        out["models"][name] = OrderedDict()
        for h, w in resolutions:
            res = OrderedDict()
            for batch in (1, 2):
                x = torch.zeros(batch, 3, h, w)
                run = OrderedDict()
                run["params"] = sum(p.numel() for p in ctor().parameters() if p.requires_grad)
                run["fvcore"] = tools.fvcore_run(ctor().eval(), x)
                run["ptflops"] = tools.ptflops_run(ctor().eval(), x, True)
                run["ptflops-modules"] = tools.ptflops_run(ctor().eval(), x, False)
                run["thop"] = tools.thop_run(ctor().eval(), x)
                model = ctor().eval()
                t19 = tools.thop2019_run(model, x)
                if "error" in t19:
                    model = ctor().eval()
                    shim_ca_pools(model, x)
                    shimmed = tools.thop2019_run(model, x)
                    shimmed["shim"] = (
                        "without the shim it fails (error); each AdaptiveAvgPool2d((None, 1)) / ((1, None)) of the "
                        "instance was given its concrete output size at this input, the same function"
                    )
                    shimmed["error"] = t19["error"]
                    t19 = shimmed
                run["thop-2019"] = t19
                if batch != 1:
                    for t in ("fvcore", "ptflops", "ptflops-modules", "thop", "thop-2019"):
                        run[t].pop("modules", None)
                res["b%d" % batch] = run
                print(
                    "%-18s %dx%d b%d  params %9d | fvcore %11d | ptflops %11d (modules %11d) | thop %11d | thop-2019 %11d (printed %s)"
                    % (name, h, w, batch, run["params"], run["fvcore"]["total"], run["ptflops"]["total"],
                       run["ptflops-modules"]["total"], run["thop"]["total"], run["thop-2019"]["moduleSum"],
                       run["thop-2019"]["returned"]),
                    flush=True,
                )
            out["models"][name]["%dx%d" % (h, w)] = res

    # The authors' mbv2_ca.py also defines its own CoordAtt (conv2/conv3, .expand before the
    # multiply); check that every tool counts it as coordatt.CoordAtt.
    x = torch.zeros(1, 3, 224, 224)
    a = out["models"]["mobilenetv2-ca"]["224x224"]["b1"]
    check = OrderedDict()
    for t, f in (("fvcore", lambda m: tools.fvcore_run(m, x)), ("ptflops", lambda m: tools.ptflops_run(m, x, True)),
                 ("thop", lambda m: tools.thop_run(m, x))):
        r = f(extra["mbv2_ca_builtin"]().eval())
        check[t] = r["total"]
        assert r["total"] == a[t]["total"], (t, r["total"], a[t]["total"])
    out["checks"] = OrderedDict(
        [("mbv2_ca.py's own CoordAtt, 224x224 b1 (same totals as mobilenetv2-ca)", check)]
    )
    out["probes"] = probes(tools)

    write_json(out, args.out)
    print("wrote %s (%d bytes)" % (os.path.relpath(args.out, REPO_ROOT), os.path.getsize(args.out)))


if __name__ == "__main__":
    main()
