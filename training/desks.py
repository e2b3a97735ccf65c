"""Scenes with no paper in them that the v3-family models took for pages (v6 mix): close-ups of
office machines (pale panels, recessed trays and lids with rounded corners, control panels),
desks seen from above where a laptop or monitor base cut by the frame leaves a straight strip of
desk against the frame's border, and boxy desk objects (trays, organizers, boxes, books, drawers)
whose top face is a rectangle. Also a page lying among such things (the positive variant).

Every function draws at canvas resolution (twice the output) in place and returns the outlines of
what it drew (canvas pixels), so tests can check that the objects are there; none labels anything.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from shapes import polygon_coverage, rounded_outline


def _col(rng: np.random.Generator, lo: int = 0, hi: int = 256) -> list[int]:
    return [int(v) for v in rng.integers(lo, hi, 3)]


def _rrect(img: np.ndarray, x0: float, y0: float, x1: float, y1: float, r: float, colour,
           thickness: int = -1) -> np.ndarray:
    """A rounded rectangle, filled or outlined, anti-aliased; returns its outline."""
    r = max(0.5, min(r, (x1 - x0) / 2 - 0.5, (y1 - y0) / 2 - 0.5))
    poly = rounded_outline(max(1.0, x1 - x0), max(1.0, y1 - y0), r) + [x0, y0]
    pts = [np.round((poly - 0.5) * 16).astype(np.int32)]
    colour = [float(c) for c in colour]
    if thickness < 0:
        cv2.fillPoly(img, pts, colour, cv2.LINE_AA, shift=4)
    else:
        cv2.polylines(img, pts, True, colour, thickness, cv2.LINE_AA, shift=4)
    return poly


def _shade(colour, k: float) -> list[float]:
    return [float(np.clip(c * k, 0, 255)) for c in colour]


def _quad_around(rng: np.random.Generator, g: int, w: float, h: float, scale: tuple[float, float],
                 turn: float = 0.12, tilt: float = 0.06) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of a w x h face photographed up close: its longer side `scale` times
    the frame, near the centre, turned a little (sometimes a quarter), with some perspective."""
    s = g * rng.uniform(*scale) / max(w, h)
    hw, hh = w * s / 2, h * s / 2
    ang = rng.normal(0, turn) + (math.pi / 2 * int(rng.integers(1, 4)) if rng.random() < 0.15 else 0.0)
    c, sn = math.cos(ang), math.sin(ang)
    pts = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]]) @ np.array([[c, sn], [-sn, c]])
    pts += rng.normal(0, tilt * max(hw, hh), pts.shape)
    return (pts + g / 2 + rng.normal(0, 0.12 * g, 2)).astype(np.float32)


def _warp(canvas: np.ndarray, sprite: np.ndarray, alpha: np.ndarray, quad: np.ndarray) -> None:
    g = canvas.shape[0]
    h, w = sprite.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32) - 0.5
    hm = cv2.getPerspectiveTransform(src, np.asarray(quad, np.float32) - 0.5)
    warped = cv2.warpPerspective(sprite, hm, (g, g), flags=cv2.INTER_AREA if w > g else cv2.INTER_LINEAR)
    m = cv2.warpPerspective(alpha, hm, (g, g), flags=cv2.INTER_LINEAR)[..., None]
    canvas[:] = (canvas * (1 - m) + warped * m).astype(np.uint8)


def _text_lines(rng: np.random.Generator, img: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour) -> None:
    """Tiny print: a few short dark strokes, as a label's text reads at this size."""
    step = max(3, int((y1 - y0) / rng.uniform(2.5, 5)))
    for y in range(y0 + step // 2, y1 - 1, step):
        x = x0 + 1
        while x < x1 - 3:
            wd = int(rng.integers(3, max(4, (x1 - x0) // 3)))
            cv2.line(img, (x, y), (min(x1 - 2, x + wd), y), colour, 1, cv2.LINE_AA)
            x += wd + int(rng.integers(2, 5))


# ---------------------------------------------------------------- office machines

def machine_face(rng: np.random.Generator, w: int = 480, h: int = 360) -> np.ndarray:
    """The front or top of a copier, printer, scanner or shredder: pale grey-white plastic panels in
    bands lit differently (strong shading between them), seams, recessed trays and lids with
    rounded corners, a control panel with a screen and buttons, labels, icons and vents. No paper."""
    base = np.array([rng.uniform(185, 240)] * 3) + rng.uniform(-8, 8, 3)
    if rng.random() < 0.15:  # a dark machine (some shredders, printers)
        base = np.array([rng.uniform(40, 90)] * 3) + rng.uniform(-5, 5, 3)
    img = np.zeros((h, w, 3), np.float32)
    n = int(rng.integers(2, 5))
    cuts = [0] + sorted(int(v) for v in rng.uniform(0.15, 0.85, n - 1) * h) + [h]
    bands = []
    for i in range(n):
        y0, y1 = cuts[i], cuts[i + 1]
        if y1 - y0 < 12:
            continue
        level = rng.uniform(0.7, 1.08)
        ramp = np.linspace(1 + rng.uniform(-0.08, 0.08), 1 + rng.uniform(-0.12, 0.04), y1 - y0)[:, None, None]
        img[y0:y1] = base * level * ramp
        if rng.random() < 0.3:  # a side panel at another angle
            x = int(w * rng.uniform(0.65, 0.9) if rng.random() < 0.5 else w * rng.uniform(0.1, 0.35))
            img[y0:y1, x:] *= rng.uniform(0.75, 0.92)
            cv2.line(img, (x, y0), (x, y1), _shade(base, 0.45), 1, cv2.LINE_AA)
        bands.append((y0, y1, level))
    for y in cuts[1:-1]:  # seams: a dark gap with a lit lip below it
        t = int(rng.integers(1, 4))
        cv2.line(img, (0, y), (w, y), _shade(base, rng.uniform(0.3, 0.55)), t, cv2.LINE_AA)
        cv2.line(img, (0, y + t), (w, y + t), _shade(base, 1.12), 1, cv2.LINE_AA)
    kinds = ["tray", "tray", "lid", "panel", "label", "vents", "slot", "logo"]
    for y0, y1, level in bands:
        bh = y1 - y0
        for kind in rng.choice(kinds, int(rng.integers(1, 3)), replace=False):
            tone = base * level
            if kind == "tray" and bh > 30:  # recessed: dark inner wall at the top, lit lip below
                tw, th = w * rng.uniform(0.45, 0.95), bh * rng.uniform(0.45, 0.85)
                x0, yy = rng.uniform(0, w - tw), y0 + rng.uniform(0.05, 0.95) * (bh - th)
                r = rng.uniform(2, max(3, 0.35 * min(tw, th)))
                _rrect(img, x0, yy, x0 + tw, yy + th, r, _shade(tone, rng.uniform(0.45, 0.65)))
                k = rng.uniform(2, max(3, 0.2 * th))
                _rrect(img, x0 + 2, yy + k, x0 + tw - 2, yy + th - 2, r, _shade(tone, rng.uniform(0.75, 0.95)))
                _rrect(img, x0, yy, x0 + tw, yy + th, r, _shade(tone, 1.15), 1)
                gw = tw * rng.uniform(0.15, 0.35)
                gy = yy + th * (rng.uniform(0.1, 0.25) if rng.random() < 0.5 else rng.uniform(0.65, 0.8))
                _rrect(img, x0 + tw / 2 - gw / 2, gy, x0 + tw / 2 + gw / 2, gy + max(4, th * 0.12), 4, _shade(tone, 0.35))
            elif kind == "lid":  # a flush lid: its outline a seam, a slightly different face
                tw, th = w * rng.uniform(0.4, 0.95), bh * rng.uniform(0.5, 0.9)
                x0, yy = rng.uniform(0, w - tw), y0 + rng.uniform(0.05, 0.95) * (bh - th)
                r = rng.uniform(2, max(3, 0.25 * min(tw, th)))
                _rrect(img, x0, yy, x0 + tw, yy + th, r, _shade(tone, rng.uniform(0.94, 1.06)))
                _rrect(img, x0, yy, x0 + tw, yy + th, r, _shade(tone, rng.uniform(0.4, 0.65)), int(rng.integers(1, 3)))
            elif kind == "panel":  # control panel: a darker strip, a screen, buttons
                pw, ph = w * rng.uniform(0.3, 0.7), bh * rng.uniform(0.5, 0.9)
                x0, yy = rng.uniform(0, w - pw), y0 + rng.uniform(0.05, 0.95) * (bh - ph)
                dark = rng.random() < 0.5
                pc = _col(rng, 35, 80) if dark else _shade(tone, rng.uniform(0.7, 0.9))
                _rrect(img, x0, yy, x0 + pw, yy + ph, rng.uniform(2, 12), pc)
                sw = pw * rng.uniform(0.3, 0.5)
                sh = min(ph * 0.8, sw / rng.uniform(1.3, 2.0))
                sx, sy = x0 + pw * 0.06, yy + (ph - sh) / 2
                lcd = _col(rng, 10, 50) if rng.random() < 0.5 else [rng.uniform(110, 170), rng.uniform(140, 190), rng.uniform(160, 220)]
                _rrect(img, sx, sy, sx + sw, sy + sh, 2, lcd)
                for _ in range(int(rng.integers(2, 7))):  # on-screen icons and text
                    bx, by = sx + rng.uniform(0.05, 0.7) * sw, sy + rng.uniform(0.05, 0.7) * sh
                    cv2.rectangle(img, (int(bx), int(by)), (int(bx + sw * rng.uniform(0.08, 0.25)), int(by + sh * rng.uniform(0.06, 0.2))),
                                  _col(rng, 150, 256), -1)
                bx = sx + sw + pw * 0.06
                while bx < x0 + pw * 0.92:
                    br = max(2.0, ph * rng.uniform(0.08, 0.18))
                    by = yy + ph * rng.uniform(0.3, 0.7)
                    colour = _col(rng, 60, 230) if rng.random() < 0.25 else _shade(pc, 1.5 if dark else 0.7)
                    if rng.random() < 0.5:
                        cv2.circle(img, (int(bx + br), int(by)), int(br), colour, -1, cv2.LINE_AA)
                    else:
                        _rrect(img, bx, by - br * 0.7, bx + br * 2.2, by + br * 0.7, br * 0.4, colour)
                    bx += br * 2.6
            elif kind == "label":  # stickers: white or yellow with print, a warning triangle
                for _ in range(int(rng.integers(1, 4))):
                    lw, lh = w * rng.uniform(0.06, 0.18), max(6, bh * rng.uniform(0.1, 0.3))
                    x0, yy = rng.uniform(0, w - lw), y0 + rng.uniform(0, max(1, bh - lh))
                    colour = [250, 250, 248] if rng.random() < 0.6 else [235, 205, 50]
                    cv2.rectangle(img, (int(x0), int(yy)), (int(x0 + lw), int(yy + lh)), colour, -1)
                    _text_lines(rng, img, int(x0), int(yy), int(x0 + lw), int(yy + lh), (40, 40, 40))
                if rng.random() < 0.5:
                    cx, cy, s = rng.uniform(0.1, 0.9) * w, y0 + bh * rng.uniform(0.3, 0.7), rng.uniform(5, 12)
                    tri = np.array([[cx, cy - s], [cx + s, cy + s * 0.8], [cx - s, cy + s * 0.8]], np.int32)
                    cv2.fillConvexPoly(img, tri, (40, 40, 40), cv2.LINE_AA)
            elif kind == "vents":
                vx0, vy0 = rng.uniform(0, 0.6) * w, y0 + bh * rng.uniform(0.1, 0.4)
                ln, gap = rng.uniform(12, 50), rng.uniform(5, 10)
                vertical = rng.random() < 0.5
                for k in range(int(rng.integers(4, 14))):
                    if vertical:
                        a, b = (vx0 + k * gap, vy0), (vx0 + k * gap, min(y1 - 2, vy0 + ln))
                    else:
                        a, b = (vx0, vy0 + k * gap * 0.7), (vx0 + ln * 2, vy0 + k * gap * 0.7)
                        if b[1] > y1 - 2:
                            break
                    cv2.line(img, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), _shade(tone, 0.4), 2, cv2.LINE_AA)
            elif kind == "slot":  # a shredder's or feeder's long slot
                sw = w * rng.uniform(0.5, 0.9)
                x0, yy = rng.uniform(0, w - sw), y0 + bh * rng.uniform(0.3, 0.7)
                _rrect(img, x0, yy, x0 + sw, yy + rng.uniform(4, 10), 3, _shade(tone, 0.2))
                cv2.line(img, (int(x0), int(yy + 11)), (int(x0 + sw), int(yy + 11)), _shade(tone, 1.15), 1, cv2.LINE_AA)
            elif kind == "logo":
                word = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(3, 8))))
                colour = _shade(tone, 0.5) if rng.random() < 0.6 else [rng.uniform(20, 80), rng.uniform(50, 110), rng.uniform(120, 200)]
                m = np.zeros((h, w), np.uint8)  # putText draws on 8-bit images only
                cv2.putText(m, word, (int(rng.uniform(0.05, 0.6) * w), int(y0 + bh * rng.uniform(0.3, 0.9))),
                            cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.4, 0.8), 255, int(rng.integers(1, 3)), cv2.LINE_AA)
                a = (m.astype(np.float32) / 255)[..., None]
                img[:] = img * (1 - a) + np.asarray(colour, np.float32) * a
    # moulded plastic: faint mottle, a little blur
    mottle = cv2.resize(rng.normal(0, 1, (h // 24, w // 24)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    img += mottle[..., None] * rng.uniform(0.5, 3) + rng.normal(0, 1.0, (h, w, 1)).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 0.6)
    return np.clip(img, 0, 255).astype(np.uint8)


def office_machine(rng: np.random.Generator, canvas: np.ndarray) -> list[np.ndarray]:
    """A close-up of an office machine over whatever surface is there (a floor, a wall): mostly it
    fills the frame; sometimes it is smaller, a rounded body with the room round it. Returns the
    machine's quad."""
    g = canvas.shape[0]
    face = machine_face(rng, 480, int(480 / rng.uniform(0.9, 1.8)))
    h, w = face.shape[:2]
    close = rng.random() < 0.7
    quad = _quad_around(rng, g, w, h, (1.1, 2.0) if close else (0.6, 1.0))
    alpha = np.zeros((h, w), np.float32)
    _rrect(alpha, 0, 0, w, h, rng.uniform(2, 40), [1.0])
    if not close:  # its shadow on the floor or desk
        m = np.zeros((g, g), np.float32)
        cv2.fillConvexPoly(m, np.round(quad + rng.normal(0, 0.015 * g, 2)).astype(np.int32), 1.0, cv2.LINE_AA)
        m = cv2.GaussianBlur(m, (0, 0), rng.uniform(2, 0.03 * g + 2))
        canvas[:] = (canvas * (1 - rng.uniform(0.2, 0.5) * m[..., None])).astype(np.uint8)
    _warp(canvas, face, alpha, quad)
    return [quad]
