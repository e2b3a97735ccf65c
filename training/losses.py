from __future__ import annotations

import torch
import torch.nn.functional as F


def balanced_bce(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """HED's class-balanced sigmoid cross-entropy: positives weighted by neg/(neg+pos)."""
    pos = (target > 0.5).float()
    n_pos = pos.sum()
    n_all = float(target.numel())
    beta = (n_all - n_pos) / n_all
    weight = torch.where(target > 0.5, beta, 1 - beta).clamp_min(1e-3)
    return F.binary_cross_entropy_with_logits(logits, target, weight=weight, reduction="sum") / n_all * 10.0


def dice_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Sharpens edges where balanced BCE alone paints them thick; per image, with an empty-map term."""
    p = torch.sigmoid(logits).flatten(1)
    t = target.flatten(1)
    inter = (p * t).sum(1)
    denom = (p * p).sum(1) + (t * t).sum(1)
    return (1 - (2 * inter + 1) / (denom + 1)).mean()


def edge_loss(fused: torch.Tensor, sides: list[torch.Tensor], target: torch.Tensor, side_weight: float) -> torch.Tensor:
    loss = balanced_bce(fused, target) + dice_loss(fused, target)
    if side_weight > 0:
        loss = loss + side_weight * sum(balanced_bce(s, target) for s in sides) / len(sides)
    return loss
