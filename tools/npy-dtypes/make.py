#!/usr/bin/python3
"""numpy-written .npy files of every dtype `coordattn run --input` reads, with numpy's own values.

Writes packages/reference/test-data/npy-dtypes.json: per case the .npy bytes exactly as
`np.save` (or `np.lib.format.write_array`) writes them (base64), the shape, and numpy's values in
C order twice: as stored (`astype(np.float64)`) and as `astype(np.float32)` rounds them (what
the kernels get). Non-finite values are written as the strings "nan", "inf", "-inf", and -0.0 as
"-0". The cases cover float16/32/64, signed and unsigned integers of 1, 2, 4 and 8 bytes (int64
and uint64 beyond 2^53 and values whose float32 rounding a detour through float64 would get
wrong), bool, big-endian data, Fortran order, format version 2.0, a scalar and an empty array;
`unsupported` lists dtypes the reader must reject (complex, unicode, void).

CI never runs this script; the test (packages/reference/src/npy.test.ts) reads the JSON.
Regenerate from the repository root with any numpy (e.g. Debian's python3-numpy):

    python3 tools/npy-dtypes/make.py
"""

import base64
import io
import json
import math
import os

import numpy as np

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_PATH = os.path.join(REPO_ROOT, "packages", "reference", "test-data", "npy-dtypes.json")


def npy_bytes(a, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a)
    else:
        np.lib.format.write_array(buf, a, version=version)
    return buf.getvalue()


def number(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0 and math.copysign(1.0, v) < 0:
        return "-0"
    return v


def case(name, a, version=None):
    c = np.ascontiguousarray(a)
    with np.errstate(over="ignore"):  # float64 beyond float32's range rounds to inf, as intended
        f32 = c.astype(np.float32)
    return {
        "name": name,
        "descr": np.lib.format.dtype_to_descr(a.dtype),
        "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
        "shape": list(a.shape),
        "npy": base64.b64encode(npy_bytes(a, version)).decode("ascii"),
        "float64": [number(v) for v in c.astype(np.float64).ravel()],
        "float32": [number(v) for v in f32.ravel()],
    }


def main():
    f64 = np.array([[0.1, -2.5, 1e300], [-1e-50, float("nan"), 3.0000001]], dtype="<f8")
    f16 = np.array([0.0, -0.0, 6e-8, 1.0009765625, 65504, -np.inf, np.nan, -2.5], dtype="<f2")
    f32 = np.array([1.5, -0.0, 1e-45, 3.4028235e38], dtype="<f4")
    # int64: 2^24 + 1 (not a float32), 2^53 + 1 (not a double), and 2^60 + 2^36 + 1, which
    # float64 rounds to a float32 tie (2^60 + 2^36) that then rounds down: numpy rounds up.
    i64 = np.array([0, -1, 2**24 + 1, 2**53 + 1, 2**60 + 2**36 + 1, -(2**63), 2**63 - 1], dtype="<i8")
    u64 = np.array([0, 2**64 - 1, 2**60 + 2**36 + 1, 2**24 + 3], dtype="<u8")
    grid = np.arange(24, dtype="<f4").reshape(2, 3, 4) * 0.5 - 3
    cases = [
        case("float64", f64),
        case("float64-big-endian", f64.astype(">f8")),
        case("float16", f16),
        case("float16-big-endian", f16.astype(">f2")),
        case("float32-big-endian", f32.astype(">f4")),
        case("float32-fortran", np.asfortranarray(grid)),
        case("int16-big-endian-fortran", np.asfortranarray(np.array([[1, -2], [300, -32768], [32767, 7]], dtype=">i2"))),
        case("int8", np.array([[-128, -1, 0], [1, 64, 127]], dtype="|i1")),
        case("uint8", np.array([0, 1, 200, 255], dtype="|u1")),
        case("int16", np.array([-32768, -1, 0, 32767], dtype="<i2")),
        case("uint16", np.array([0, 65535, 1234], dtype="<u2")),
        case("int32", np.array([-(2**31), -1, 2**24 + 1, 2**31 - 1], dtype="<i4")),
        case("uint32", np.array([0, 2**32 - 1, 2**24 + 1, 16777216], dtype="<u4")),
        case("int64", i64),
        case("int64-big-endian", i64.astype(">i8")),
        case("uint64", u64),
        case("bool", np.array([[True, False], [False, True]], dtype="|b1")),
        case("int32-version-2", np.array([5, -6, 7], dtype="<i4"), version=(2, 0)),
        case("float64-scalar", np.array(-0.75, dtype="<f8")),
        case("float64-empty", np.zeros((0, 3), dtype="<f8")),
    ]
    unsupported = [
        {"descr": d, "npy": base64.b64encode(npy_bytes(a)).decode("ascii")}
        for d, a in [
            ("<c8", np.array([1 + 2j], dtype="<c8")),
            ("<U2", np.array(["ab"], dtype="<U2")),
            ("|V4", np.zeros(2, dtype="V4")),
        ]
    ]
    doc = {
        "generator": "tools/npy-dtypes/make.py",
        "numpy": np.__version__,
        "cases": cases,
        "unsupported": unsupported,
    }
    with open(OUT_PATH, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT_PATH}: {len(cases)} cases, {len(unsupported)} unsupported dtypes")


if __name__ == "__main__":
    main()
