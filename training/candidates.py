"""Export each candidate architecture (training/model.py ARCHS) at random initialisation through the
real export path (float32, weight-only int8, the server .opt copy) and print its multiply-adds and
parameters, for bench/inference-arch.ts to time against the shipped model.

python3 training/candidates.py --out /tmp/arch [--size 128] [--names lite,lean]

Random weights time like trained ones: the graph and its shapes are what ONNX Runtime runs.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from export import compact_names, export_fp32, quantize_weights_int8, write_server_copy  # noqa: E402
from model import ARCHS, EdgeNet, count_macs, count_params  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--names", default=",".join(n for n in ARCHS if n != "shipped"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    table = {}
    for name in args.names.split(","):
        torch.manual_seed(0)
        net = EdgeNet(**ARCHS[name]).eval()
        fp32 = os.path.join(args.out, f"{name}-fp32.onnx")
        int8 = os.path.join(args.out, f"{name}-int8.onnx")
        export_fp32(net, args.size, fp32)
        compact_names(fp32)
        quantize_weights_int8(fp32, int8)
        compact_names(int8)
        server = write_server_copy(int8)
        # Parameters as shipped: BatchNorm folded into the convs.
        folded = EdgeNet(**{**ARCHS[name], "batchnorm": False})
        table[name] = {"params": count_params(folded), **count_macs(net, args.size), "server_copy": server}
        print(json.dumps({name: table[name]}), flush=True)
    with open(os.path.join(args.out, "candidates.json"), "w") as f:
        json.dump(table, f, indent=1)


if __name__ == "__main__":
    main()
