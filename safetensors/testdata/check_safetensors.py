#!/usr/bin/env python3
"""Cross-check of safetensors files with the Python safetensors library (and NumPy).

Run by TestPythonSafetensors in ../interop_test.go, which skips when
`python3 -c "import safetensors, numpy"` fails.

    check_safetensors.py read FILE    describe FILE as the library reads it
    check_safetensors.py write FILE   write FIXED below with safetensors.numpy.save_file, then describe it

Both print one JSON object on stdout:

    {"metadata": {...} or null,
     "tensors": {name: {"dtype": "F32", "shape": [3, 4], "sha256": hex or null}}}

sha256 is over the tensor's little-endian row-major bytes; it is null for dtypes NumPy cannot
hold (BF16, F8_*), whose dtype and shape are still reported.
"""
import hashlib
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

# The Go test rebuilds these values bit for bit: keep both in step.
FIXED = {
    "f32": np.arange(12, dtype=np.float32).reshape(3, 4) * np.float32(0.5) - np.float32(1),
    "f64/scalar": np.array(3.25, dtype=np.float64),
    "f16": np.array([1.0, -0.0, 65504.0, 2.0**-24], dtype=np.float16),
    "i64": np.array([-(2**62), 0, 2**62 + 1], dtype=np.int64),
    "i32": np.arange(-3, 3, dtype=np.int32).reshape(2, 3),
    "u16": np.array([0, 1, 65535], dtype=np.uint16),
    "i8": np.array([-128, 127], dtype=np.int8),
    "u8/empty": np.zeros((0, 3), dtype=np.uint8),
    "bool": np.array([[True, False], [False, True]]),
}
FIXED_METADATA = {"writer": "python", "note": "cross-check"}

# Safetensors dtype names of NumPy dtypes, for library versions whose slices lack get_dtype().
NUMPY_TO_SAFETENSORS = {
    "bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "uint16": "U16",
    "float16": "F16", "int32": "I32", "uint32": "U32", "float32": "F32",
    "int64": "I64", "uint64": "U64", "float64": "F64",
}


def describe(path):
    out = {"metadata": None, "tensors": {}}
    with safe_open(path, framework="numpy") as f:
        out["metadata"] = f.metadata()
        for name in f.keys():
            sl = f.get_slice(name)
            entry = {"dtype": None, "shape": [int(d) for d in sl.get_shape()], "sha256": None}
            if hasattr(sl, "get_dtype"):
                entry["dtype"] = sl.get_dtype()
            try:
                arr = f.get_tensor(name)
            except Exception:  # a dtype NumPy has no type for (BF16, F8_*)
                arr = None
            if arr is not None:
                little = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False)
                entry["sha256"] = hashlib.sha256(little.tobytes()).hexdigest()
                if entry["dtype"] is None:
                    entry["dtype"] = NUMPY_TO_SAFETENSORS[arr.dtype.name]
            out["tensors"][name] = entry
    return out


def main(argv):
    if len(argv) != 3 or argv[1] not in ("read", "write"):
        sys.stderr.write(__doc__)
        return 2
    mode, path = argv[1], argv[2]
    if mode == "write":
        save_file(FIXED, path, metadata=FIXED_METADATA)
    json.dump(describe(path), sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
