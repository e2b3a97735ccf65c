"""Train the edge network within a wall-clock budget; resumable; writes checkpoint + ONNX to --out.

python3 training/train.py --out training/runs/cpu --minutes 90 [--resume training/runs/cpu/checkpoint.pt]
python3 training/train.py --out training/runs/v3 --minutes 30 --plan-minutes 95 --init-onnx models/docedge-fp32.onnx
python3 training/train.py --out training/runs/lite --minutes 15 --arch lite --teacher models/docedge-fp32.onnx --distill 0.5
python3 training/train.py --out training/runs/pruned --minutes 100 --init-weights training/runs/pruned.pt \
    --teacher models/docedge-fp32.onnx --distill 1.0 --distill-features 1.0 --lr 3e-4   (training/distill.py)
    ... --mix v7 --distill-boundary-px 3   (the teacher silent within 3 px of the labelled outline)

bf16 autocast and channels_last on CPU and GPU alike (on a Zen 4 CPU with AVX-512 BF16 they made a
training step 2.3-4.7x faster). On a GPU machine the synthetic images are made in DataLoader worker
processes (one per spare core).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

sys.path.insert(0, os.path.dirname(__file__))
from distill import FeatureTaps, boundary_keep, map_distillation  # noqa: E402
from losses import edge_loss  # noqa: E402
from model import ARCHS, EdgeNet, count_params  # noqa: E402
from synth import MIXES, NEGATIVE_MIX, PLAIN_MIX, V3_MIX, AssetPools, Mix, make_sample  # noqa: E402


class SynthStream(IterableDataset):
    def __init__(self, assets: str, size: int, seed: int, mix: Mix):
        self.assets, self.size, self.seed, self.mix = assets, size, seed, mix

    def __iter__(self):
        info = get_worker_info()
        wid = info.id if info else 0
        rng = np.random.default_rng([self.seed, wid, int(time.time() * 1000) % 100000])
        pools = AssetPools.load(self.assets)
        while True:
            img, label, _ = make_sample(rng, pools, self.size, mix=self.mix)
            yield torch.from_numpy(img).permute(2, 0, 1).contiguous(), torch.from_numpy(label)[None]


def fixed_validation(assets: str, size: int, n: int = 64, mix: Mix = V3_MIX, seed: int = 12345):
    rng = np.random.default_rng(seed)
    pools = AssetPools.load(assets)
    xs, ys = [], []
    for _ in range(n):
        img, label, _ = make_sample(rng, pools, size, mix=mix)
        xs.append(torch.from_numpy(img).permute(2, 0, 1))
        ys.append(torch.from_numpy(label)[None])
    return torch.stack(xs).float() / 255.0, torch.stack(ys)


def resumed_peak_lr(ckpt: dict) -> float:
    """The peak learning rate a checkpoint's run was planned at. Recorded since 2026-11-30; for an
    older checkpoint, the optimiser's last rate with the schedule's factor at the saved position
    undone (the same warm-up and cosine as the training loop), to two significant digits."""
    if "lr" in ckpt:
        return float(ckpt["lr"])
    last = ckpt["optim"]["param_groups"][0]["lr"]
    total = ckpt.get("plan_seconds") or ckpt["train_seconds"]
    frac = min(1.0, ckpt["train_seconds"] / total) if total > 0 else 1.0
    return float(f"{last / schedule_factor(max(1, ckpt['steps']), frac):.2g}")


def schedule_factor(step: int, frac: float) -> float:
    """The share of the peak learning rate at a 1-based step, `frac` of the planned time in:
    a 100-step linear warm-up, then a cosine to 5%."""
    return min(1.0, step / 100) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, required=True, help="wall-clock training budget")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--batch", type=int, default=0, help="0: 32 on CPU, 256 on GPU")
    ap.add_argument("--lr", type=float, default=None,
                    help="peak learning rate; default: the resumed run's, else 3e-3")
    ap.add_argument("--workers", type=int, default=-1)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--resume", default="")
    ap.add_argument("--init-onnx", default="", help="start from an exported float32 model (trains without BatchNorm)")
    ap.add_argument("--init-weights", default="",
                    help="start from a checkpoint's weights only: a new optimiser, schedule and image count")
    ap.add_argument("--mix", choices=sorted(MIXES), default="",
                    help="scene mix (training/synth.py); default: the resumed checkpoint's, else v3")
    ap.add_argument("--plan-minutes", type=float, default=0,
                    help="the whole planned run (all segments); the cosine schedule spans it. 0: this segment's budget")
    ap.add_argument("--assets", default=os.path.join(os.path.dirname(__file__), "assets"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (tests)")
    ap.add_argument("--arch", choices=sorted(ARCHS), default="",
                    help="a new run's architecture (training/model.py ARCHS); a resumed run keeps its checkpoint's")
    ap.add_argument("--teacher", default="",
                    help="distil from an exported float32 model (e.g. models/docedge-fp32.onnx); default: the resumed run's")
    ap.add_argument("--distill", type=float, default=-1,
                    help="weight W of the distillation term: loss = (1-W) edge loss + W BCE(student, teacher); "
                         "default: the resumed run's, else 0.5 with --teacher")
    ap.add_argument("--distill-features", type=float, default=-1,
                    help="weight F of a feature term added to the loss: each inverted-residual block's output against "
                         "the teacher's, per channel in units of the teacher's spread (needs block outputs shaped like "
                         "the teacher's: a network from training/prune.py); default: the resumed run's, else 0")
    ap.add_argument("--distill-boundary-px", type=int, default=-1,
                    help="drop the map (and feature) distillation within R output pixels of a positive's labelled "
                         "outline, so the synthetic label alone decides where the boundary is (the teacher keeps the "
                         "background and the negatives); default: the resumed run's, else 0 (the teacher everywhere)")
    args = ap.parse_args()

    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    if args.threads:
        torch.set_num_threads(args.threads)
    batch = args.batch or (256 if cuda else 32)
    workers = args.workers if args.workers >= 0 else (max(1, (os.cpu_count() or 2) - 2) if cuda else 1)
    os.makedirs(args.out, exist_ok=True)

    ckpt = None
    if args.resume and os.path.exists(args.resume):
        ckpt = torch.load(args.resume, map_location="cpu", weights_only=False)
    init = torch.load(args.init_weights, map_location="cpu", weights_only=False) if args.init_weights else None
    if init is not None and ckpt is None:
        arch = init.get("arch", {})
    else:
        arch = ckpt.get("arch", {}) if ckpt else ({"batchnorm": False} if args.init_onnx else {})
    if args.arch and ckpt is None and init is None:
        arch = {**arch, **ARCHS[args.arch]}
    elif args.arch and ARCHS[args.arch] != {k: v for k, v in arch.items() if k != "batchnorm"}:
        raise SystemExit(f"--arch {args.arch}: the weights this run starts from have another architecture ({arch})")
    teacher_path = args.teacher or (ckpt or {}).get("teacher", "")
    distill_w = args.distill if args.distill >= 0 else ((ckpt or {}).get("distill", 0.5) if teacher_path else 0.0)
    if not 0.0 <= distill_w <= 1.0:
        raise SystemExit(f"--distill {distill_w}: a weight in [0, 1]")
    feature_w = args.distill_features if args.distill_features >= 0 else (ckpt or {}).get("distill_features", 0.0)
    if feature_w > 0 and not teacher_path:
        raise SystemExit("--distill-features needs a teacher (--teacher)")
    boundary_px = args.distill_boundary_px if args.distill_boundary_px >= 0 else int((ckpt or {}).get("distill_boundary_px", 0))
    if boundary_px > 0 and not teacher_path:
        raise SystemExit("--distill-boundary-px needs a teacher (--teacher)")
    if boundary_px > 0 and distill_w >= 1.0:
        raise SystemExit("--distill-boundary-px with --distill 1.0: the label has no weight, so nothing would train the band "
                         "(use --distill below 1, e.g. 0.5)")
    # What the weights had already learnt before this run's first step (the model card counts it).
    based_on = (ckpt or {}).get("based_on") or ({"checkpoint": os.path.basename(args.init_weights),
                                                 "images_seen": init["images_seen"]} if init else None)
    mix_name = args.mix or (ckpt.get("mix", "v3") if ckpt else "v3")
    if ckpt is None and init is not None:
        net = EdgeNet(**arch)
        net.load_state_dict(init["model"])
        print(f"initialised from the weights of {args.init_weights} ({init['images_seen']} images)", flush=True)
    elif ckpt is None and args.init_onnx:
        from export import net_from_onnx
        net = net_from_onnx(args.init_onnx, {k: v for k, v in arch.items() if k != "batchnorm"} or None)
        print(f"initialised from {args.init_onnx} (BatchNorm folded: trained without it)", flush=True)
    else:
        net = EdgeNet(**arch)
    net = net.to(device).to(memory_format=torch.channels_last)
    # A resumed run goes on at its own peak rate: a segment resumed at another one would jump
    # (3e-3 where a distillation run planned 3e-4) and undo what the run had learnt.
    peak_lr = args.lr if args.lr is not None else (resumed_peak_lr(ckpt) if ckpt is not None else 3e-3)
    opt = torch.optim.AdamW(net.parameters(), lr=peak_lr, weight_decay=1e-4)
    seen, steps, trained_s = 0, 0, 0.0
    plan_s = args.plan_minutes * 60
    if ckpt is not None:
        net.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optim"])
        seen, steps, trained_s = ckpt["images_seen"], ckpt["steps"], ckpt["train_seconds"]
        plan_s = plan_s or ckpt.get("plan_seconds", 0)
        print(f"resumed from {args.resume}: {seen} images, {steps} steps, peak learning rate {peak_lr:g}", flush=True)
    print(f"device={device} params={count_params(net)} batch={batch} size={args.size} workers={workers} mix={mix_name}",
          flush=True)
    teacher = None
    if teacher_path and (distill_w > 0 or feature_w > 0):
        from export import net_from_onnx
        # The teacher as exported (BatchNorm folded), checked against onnxruntime when loaded; frozen.
        teacher = net_from_onnx(teacher_path).to(device).to(memory_format=torch.channels_last).eval()
        for p in teacher.parameters():
            p.requires_grad_(False)
        print(f"distilling from {teacher_path} with weight {distill_w}", flush=True)
        if boundary_px > 0:
            print(f"no distillation within {boundary_px} px of a labelled outline", flush=True)
    features = FeatureTaps(net, teacher) if teacher is not None and feature_w > 0 else None
    if features is not None:
        features.check_shapes(args.size, device)
        print(f"feature distillation over {len(features.student_blocks)} blocks with weight {feature_w}", flush=True)

    loader = DataLoader(SynthStream(args.assets, args.size, args.seed + steps, MIXES[mix_name]), batch_size=batch,
                        num_workers=workers, persistent_workers=workers > 0, prefetch_factor=4 if workers > 0 else None)
    # "val" is drawn from v3's mix whatever the run trains on, so runs stay comparable; the two slices
    # show drift away from the commonest real photos (a plain page; no page at all) early.
    slices = {"val": fixed_validation(args.assets, args.size),
              "val_plain": fixed_validation(args.assets, args.size, mix=PLAIN_MIX, seed=23456),
              "val_neg": fixed_validation(args.assets, args.size, mix=NEGATIVE_MIX, seed=34567)}
    slices = {k: (x.to(device), y.to(device)) for k, (x, y) in slices.items()}

    budget = args.minutes * 60
    # A resumed run continues the cosine schedule: its position is the share of the planned run's
    # time already spent (without a plan: earlier segments plus this segment's budget).
    prior_s = trained_s
    total_s = plan_s or (prior_s + budget)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    start = time.time()
    last_save = start
    log = open(os.path.join(args.out, "train.log"), "a")

    def save(final: bool) -> None:
        state = {"model": net.state_dict(), "optim": opt.state_dict(), "images_seen": seen, "steps": steps,
                 "train_seconds": trained_s + (time.time() - start), "size": args.size, "arch": arch,
                 "plan_seconds": plan_s, "lr": peak_lr, "mix": mix_name, "based_on": based_on,
                 "teacher": teacher_path if teacher is not None else "", "distill": distill_w if teacher is not None else 0.0,
                 "distill_features": feature_w if features is not None else 0.0,
                 "distill_boundary_px": boundary_px if teacher is not None else 0,
                 "device": str(device), "torch": torch.__version__}
        torch.save(state, os.path.join(args.out, "checkpoint.tmp"))
        os.replace(os.path.join(args.out, "checkpoint.tmp"), os.path.join(args.out, "checkpoint.pt"))

    def validate() -> dict:
        net.eval()
        losses = {}
        with torch.no_grad():
            for name, (vx, vy) in slices.items():
                logits = net(vx.to(memory_format=torch.channels_last))
                losses[name] = round(edge_loss(logits, [], vy, 0.0).item(), 4)
        net.train()
        return losses

    net.train()
    ema_loss = None
    ema_parts: dict[str, float] = {}
    t_log = time.time()

    def batches():
        # A data worker that dies (killed, out of memory) ends the segment with its steps saved.
        try:
            yield from loader
        except RuntimeError as error:
            print(json.dumps({"data_worker_failed": str(error)[:200]}), flush=True)

    for x, y in batches():
        elapsed = time.time() - start
        if elapsed >= budget or stop["now"]:
            break
        frac = min(1.0, (prior_s + elapsed) / total_s)
        lr = peak_lr * schedule_factor(steps + 1, frac)
        for grp in opt.param_groups:
            grp["lr"] = lr
        x = x.to(device, non_blocking=True).float().div_(255.0).contiguous(memory_format=torch.channels_last)
        y = y.to(device, non_blocking=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16):
            fused, sides = net(x)
        side_w = 0.5 * (1 - frac) + 0.1  # deep supervision early, the fused output alone late
        loss = edge_loss(fused.float(), [s.float() for s in sides], y, side_w)
        parts = {"edge_loss": loss.item()}
        if teacher is not None:
            with torch.no_grad(), torch.autocast(device_type=device.type, dtype=torch.bfloat16):
                target = torch.sigmoid(teacher(x).float())
            # Per pixel, unweighted: the teacher's probabilities carry its soft edges and its
            # "no edge here" everywhere else, which is what the small network should copy; with
            # --distill-boundary-px, not next to the label's outline, where the teacher's line
            # (a spiral's paper edge, beside the coil) and the label's (the ring line) differ.
            keep = boundary_keep(y, boundary_px)
            soft = map_distillation(fused.float(), target.float(), keep)
            if keep is not None:
                parts["distill_band"] = 1.0 - keep.mean().item()  # the share of map pixels the teacher left
            parts["distill_loss"] = soft.item()
            loss = (1.0 - distill_w) * loss + distill_w * soft
            if features is not None:
                matched = features.loss(keep)
                parts["feature_loss"] = matched.item()
                loss = loss + feature_w * matched
        for k, v in parts.items():
            ema_parts[k] = v if k not in ema_parts else 0.98 * ema_parts[k] + 0.02 * v
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        steps += 1
        seen += x.shape[0]
        ema_loss = loss.item() if ema_loss is None else 0.98 * ema_loss + 0.02 * loss.item()
        if time.time() - t_log > 60 or steps == 1:
            rate = (seen) / max(1e-6, trained_s + time.time() - start)
            msg = {"t": round(time.time() - start), "steps": steps, "seen": seen, "loss": round(ema_loss, 4),
                   "lr": round(lr, 6), "img_per_s": round(rate, 1)}
            if teacher is not None:
                msg.update({k: round(v, 4) for k, v in ema_parts.items()})
            if steps % 10 == 0 or steps == 1:
                msg.update(validate())
            print(json.dumps(msg), flush=True)
            log.write(json.dumps(msg) + "\n")
            log.flush()
            t_log = time.time()
        if time.time() - last_save > 300:
            save(False)
            last_save = time.time()
        if args.max_steps and steps >= args.max_steps:
            break
    save(True)
    final = {"final": True, "steps": steps, "seen": seen, "loss": ema_loss, **validate(),
             "train_seconds": round(trained_s + time.time() - start)}
    print(json.dumps(final), flush=True)
    log.write(json.dumps(final) + "\n")
    log.close()
    from export import export_fp32
    export_fp32(net.cpu().float().to(memory_format=torch.contiguous_format), args.size,
                os.path.join(args.out, "docedge-fp32.onnx"))


if __name__ == "__main__":
    main()
