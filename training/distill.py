"""Feature distillation: a pruned network's block outputs held to its teacher's.

training/prune.py cuts only each inverted-residual block's hidden (expanded) channels, so every
block's output keeps the teacher's shape. Matching those outputs, and not only the final edge map,
tells the student how the teacher got there: the edge map alone is one channel at the end, and a
student fitted to it on synthetic scenes alone drifted from the teacher on real photos (models/MODEL.md,
"Pruned from the shipped network").
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from model import InvertedResidual


def blocks(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if isinstance(m, InvertedResidual)]


class FeatureTaps:
    """Forward hooks that keep the latest output of every inverted-residual block of both networks."""

    def __init__(self, student: nn.Module, teacher: nn.Module):
        self.student, self.teacher = student, teacher
        self.student_blocks, self.teacher_blocks = blocks(student), blocks(teacher)
        if len(self.student_blocks) != len(self.teacher_blocks):
            raise SystemExit(f"--distill-features: the student has {len(self.student_blocks)} blocks, "
                             f"the teacher {len(self.teacher_blocks)}; it needs a network cut from the teacher by training/prune.py")
        self.student_out: list[torch.Tensor | None] = [None] * len(self.student_blocks)
        self.teacher_out: list[torch.Tensor | None] = [None] * len(self.teacher_blocks)
        for i, b in enumerate(self.student_blocks):
            b.register_forward_hook(self._keep(self.student_out, i))
        for i, b in enumerate(self.teacher_blocks):
            b.register_forward_hook(self._keep(self.teacher_out, i))

    @staticmethod
    def _keep(store: list, i: int):
        def hook(_module, _inputs, output):
            store[i] = output
        return hook

    def check_shapes(self, size: int, device: torch.device) -> None:
        """Both networks on one input: every block output must have the teacher's shape."""
        x = torch.rand(1, 3, size, size, device=device)
        with torch.no_grad():
            self.student(x)
            self.teacher(x)
        for i, (s, t) in enumerate(zip(self.student_out, self.teacher_out)):
            if s is None or t is None or s.shape != t.shape:
                raise SystemExit(f"--distill-features: block {i} outputs {None if s is None else tuple(s.shape)}, "
                                 f"the teacher's {None if t is None else tuple(t.shape)}; it needs a network whose "
                                 "block outputs match the teacher's (one cut by training/prune.py)")

    def loss(self, keep: torch.Tensor | None = None) -> torch.Tensor:
        """Mean over blocks of the squared difference per channel, in units of the teacher's spread
        over the batch (so a block with large activations does not outweigh the others). `keep`
        (B x 1 x H x W at the map's resolution, from `boundary_keep`) drops a block's positions whose
        receptive cell (H / h pixels square) holds a dropped map pixel; the kept ones' sum is still
        divided by all positions, so the term's scale does not move with the band's size."""
        terms = []
        for s, t in zip(self.student_out, self.teacher_out):
            t = t.detach().float()
            spread = t.std(dim=(0, 2, 3), keepdim=True) + 1e-2
            sq = ((s.float() - t) / spread) ** 2
            if keep is None:
                terms.append(sq.mean())
            else:
                cell = 1.0 - F.adaptive_max_pool2d(1.0 - keep.float(), sq.shape[-2:])
                terms.append((sq * cell).sum() / sq.numel())
        return torch.stack(terms).mean()


def boundary_keep(label: torch.Tensor, radius: int) -> torch.Tensor | None:
    """Where the teacher still speaks when the synthetic label alone should decide the boundary:
    0 within `radius` map pixels (square neighbourhood) of a labelled pixel (label > 0: the
    document outline's ~2 px ridge), 1 elsewhere; B x 1 x H x W. None for radius 0 (no band: the
    teacher everywhere, as before the option). Negatives have no labelled pixel, so the teacher
    keeps all of them, and every positive's background away from its outline."""
    if radius <= 0:
        return None
    near = F.max_pool2d((label > 0).float(), 2 * radius + 1, stride=1, padding=radius)
    return 1.0 - near


def map_distillation(fused: torch.Tensor, target: torch.Tensor, keep: torch.Tensor | None) -> torch.Tensor:
    """Per pixel BCE of the student's map logits against the teacher's probabilities, unweighted,
    over the pixels `keep` leaves (the sum divided by all pixels, as the plain mean is without it)."""
    if keep is None:
        return F.binary_cross_entropy_with_logits(fused, target)
    per_pixel = F.binary_cross_entropy_with_logits(fused, target, reduction="none")
    return (per_pixel * keep).sum() / per_pixel.numel()
