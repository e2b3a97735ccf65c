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


# ---------------------------------------------------------------- desks seen from above

WOODS = ((200, 160, 110), (170, 120, 75), (120, 78, 48), (75, 48, 32), (215, 190, 150), (190, 140, 95))
LAMINATES = ((228, 224, 216), (150, 150, 146), (48, 45, 43), (200, 200, 196))


def wood_desk(rng: np.random.Generator, g: int) -> np.ndarray:
    """A desk top: wood with grain and plank seams (70%) or a laminate with faint texture."""
    wood = rng.random() < 0.7
    base = np.asarray((WOODS if wood else LAMINATES)[int(rng.integers(len(WOODS) if wood else len(LAMINATES)))], np.float32)
    base = base * rng.uniform(0.85, 1.1) + rng.uniform(-8, 8, 3)
    big = int(g * 1.5)
    # grain runs along x: noise that varies fast across the grain and slowly along it
    coarse = cv2.resize(rng.normal(0, 1, (max(2, big // 6), 4)).astype(np.float32), (big, big), interpolation=cv2.INTER_CUBIC)
    fine = cv2.resize(rng.normal(0, 1, (big // 2, 12)).astype(np.float32), (big, big), interpolation=cv2.INTER_CUBIC)
    yy = np.arange(big, dtype=np.float32)[:, None]
    xx = np.arange(big, dtype=np.float32)[None, :]
    rings = np.sin(yy * rng.uniform(0.05, 0.25) + 6 * np.sin(xx * rng.uniform(0.002, 0.01) + yy * 0.01) + coarse * 2)
    amp = rng.uniform(0.04, 0.12) if wood else rng.uniform(0.0, 0.02)
    shade = 1 + amp * (0.6 * coarse + 0.5 * fine + 0.5 * rings)
    if wood:  # planks: a brightness per plank and a dark seam between them
        pitch = int(big * rng.uniform(0.2, 0.6))
        y = int(rng.integers(0, pitch))
        while y < big:
            shade[y:y + pitch] *= rng.uniform(0.9, 1.08)
            shade[max(0, y - 1):y + 1] *= rng.uniform(0.5, 0.8)
            y += pitch
    img = base[None, None, :] * shade[..., None] + rng.normal(0, 1.5, (big, big, 1)).astype(np.float32)
    ang = rng.uniform(0, 180)
    rot = cv2.getRotationMatrix2D((big / 2, big / 2), ang, 1.0)
    rot[:, 2] -= (big - g) / 2
    img = cv2.warpAffine(img, rot, (g, g), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return np.clip(img, 0, 255).astype(np.uint8)


def _soft_shadow(canvas: np.ndarray, poly: np.ndarray, offset, blur: float, strength: float) -> None:
    g = canvas.shape[0]
    m = cv2.GaussianBlur(polygon_coverage(np.asarray(poly, np.float64) + offset, g), (0, 0), max(0.5, blur))
    canvas[:] = (canvas * (1 - strength * m[..., None])).astype(np.uint8)


def _blend(canvas: np.ndarray, colour, cover: np.ndarray) -> None:
    m = cover[..., None]
    canvas[:] = (canvas * (1 - m) + np.asarray(colour, np.float32) * m).astype(np.uint8)


def _ellipse_poly(c, ax: float, ay: float, ang: float, n: int = 48) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    p = np.stack([ax * np.cos(t), ay * np.sin(t)], 1)
    cs, sn = math.cos(ang), math.sin(ang)
    return p @ np.array([[cs, sn], [-sn, cs]]) + np.asarray(c, np.float64)


def mouse(rng: np.random.Generator, canvas: np.ndarray, c: np.ndarray) -> np.ndarray:
    """A computer mouse from above: a shaded egg, the buttons' split, a wheel, its shadow."""
    g = canvas.shape[0]
    ax, ay = g * rng.uniform(0.05, 0.08), g * rng.uniform(0.09, 0.13)
    ang = rng.normal(0, 0.4) + (math.pi if rng.random() < 0.2 else 0.0)
    poly = _ellipse_poly(c, ax, ay, ang)
    body = _col(rng, 20, 60) if rng.random() < 0.5 else _col(rng, 190, 240) if rng.random() < 0.6 else _col(rng, 80, 200)
    _soft_shadow(canvas, poly, rng.normal(0, 0.006 * g, 2), 0.01 * g + 1, rng.uniform(0.3, 0.5))
    _blend(canvas, body, polygon_coverage(poly, g))
    hi = _ellipse_poly(np.asarray(c) + rng.normal(0, 0.2 * ax, 2), ax * 0.5, ay * 0.6, ang)
    _blend(canvas, _shade(body, 1.3) if body[0] < 120 else [255, 255, 255],
           cv2.GaussianBlur(polygon_coverage(hi, g), (0, 0), 0.3 * ax) * 0.35)
    fwd = np.array([-math.sin(ang), math.cos(ang)])  # the ellipse's long (y) axis
    a, b = np.asarray(c) - fwd * ay, np.asarray(c) - fwd * ay * 0.2
    cv2.line(canvas, tuple(int(v) for v in a), tuple(int(v) for v in b), _shade(body, 0.55), 1, cv2.LINE_AA)
    w0 = np.asarray(c) - fwd * ay * 0.55
    cv2.circle(canvas, (int(w0[0]), int(w0[1])), max(1, int(ax * 0.15)), _shade(body, 0.4), -1, cv2.LINE_AA)
    return poly


def cup(rng: np.random.Generator, canvas: np.ndarray, c: np.ndarray) -> np.ndarray:
    """A mug or glass from above: the body's rim, the drink or the empty inside, a handle, a shadow."""
    g = canvas.shape[0]
    r = g * rng.uniform(0.08, 0.14)
    body = _col(rng, 200, 250) if rng.random() < 0.4 else _col(rng, 20, 230)
    outer = _ellipse_poly(c, r, r * rng.uniform(0.92, 1.0), rng.uniform(0, math.pi))
    hand_ang = rng.uniform(0, 2 * math.pi)
    hc = np.asarray(c) + np.array([math.cos(hand_ang), math.sin(hand_ang)]) * r * 1.1
    _soft_shadow(canvas, outer, rng.normal(0.01 * g, 0.01 * g, 2), 0.02 * g + 1, rng.uniform(0.3, 0.55))
    cv2.ellipse(canvas, (int(hc[0]), int(hc[1])), (int(r * 0.45), int(r * 0.3)), math.degrees(hand_ang), 0, 360,
                body, max(2, int(r * 0.18)), cv2.LINE_AA)
    _blend(canvas, body, polygon_coverage(outer, g))
    inner = _ellipse_poly(c, r * rng.uniform(0.8, 0.88), r * 0.8, 0.0)
    drink = [rng.uniform(40, 90), rng.uniform(25, 55), rng.uniform(10, 30)] if rng.random() < 0.6 else _shade(body, 0.7)
    _blend(canvas, drink, polygon_coverage(inner, g))
    cv2.ellipse(canvas, (int(c[0]), int(c[1])), (int(r * 0.84), int(r * 0.8)), 0, 200, 320, _shade(body, 1.2), 1, cv2.LINE_AA)
    return outer


def cable(rng: np.random.Generator, canvas: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """A cable from a to b, sagging in a smooth curve, with its shadow."""
    g = canvas.shape[0]
    d = b - a
    n = np.array([-d[1], d[0]]) / (np.linalg.norm(d) + 1e-9)
    t = np.linspace(0, 1, 40)[:, None]
    pts = a + d * t + n * rng.uniform(-0.25, 0.25) * g * np.sin(math.pi * t) + n * rng.uniform(-0.03, 0.03) * g * np.sin(3 * math.pi * t)
    colour = _col(rng, 10, 50) if rng.random() < 0.6 else _col(rng, 200, 245)
    width = int(rng.integers(3, 7))
    pts_i = [np.round(pts * 16).astype(np.int32)]
    sh = np.zeros(canvas.shape[:2], np.float32)
    cv2.polylines(sh, [np.round((pts + 0.006 * g) * 16).astype(np.int32)], False, 1.0, width, cv2.LINE_AA, shift=4)
    sh = cv2.GaussianBlur(sh, (0, 0), 1.5)
    canvas[:] = (canvas * (1 - 0.35 * sh[..., None])).astype(np.uint8)
    cv2.polylines(canvas, pts_i, False, colour, width, cv2.LINE_AA, shift=4)


def _laptop_surface(rng: np.random.Generator, canvas: np.ndarray, body: np.ndarray, front: float,
                    xl: float | None, kind: str, colour) -> None:
    """The body's top, drawn inside its outline: a closed lid, an open keyboard deck with a palm rest and trackpad, a monitor's foot, or a
    keyboard."""
    g = canvas.shape[0]
    cover = polygon_coverage(body, g)
    tex = np.zeros_like(canvas, dtype=np.float32) + np.asarray(colour, np.float32)
    tex += rng.normal(0, 1.5, (g, g, 1)).astype(np.float32)
    ys = np.arange(g, dtype=np.float32)[:, None, None]
    tex *= (1 + rng.uniform(-0.1, 0.1) * (ys / g - 0.5))
    if kind in ("deck", "keyboard"):
        key = _shade(colour, 0.35) if colour[0] > 90 else _shade(colour, 2.2)
        pitch = g * rng.uniform(0.06, 0.1)
        top = front - g * (rng.uniform(0.15, 0.32) if kind == "deck" else rng.uniform(0.02, 0.05))
        xs = body[:, 0]
        margin = g * rng.uniform(0.03, 0.08) if kind == "deck" else pitch * 0.2
        left, right = xs.min() + margin, xs.max() - margin
        gap = pitch * rng.uniform(0.12, 0.25)
        y = top
        for row in range(int(rng.integers(4, 7))):
            x = left
            if row == 0 and kind == "deck":  # the space bar row: one long key in the middle
                mid = (left + right) / 2 if xl is not None else g * rng.uniform(0.3, 0.7)
                _rrect(tex, mid - pitch * 2.5, y - pitch + gap, mid + pitch * 2.5, y, pitch * 0.1, key)
            else:
                while x + pitch - gap < right:
                    _rrect(tex, x, y - pitch + gap, x + pitch - gap, y, pitch * 0.1, key)
                    x += pitch
            y -= pitch
            if y < -pitch:
                break
        if kind == "deck":  # trackpad in the palm rest
            cx = (xl if xl is not None else 0) + g * rng.uniform(0.25, 0.5)
            tw, th = g * rng.uniform(0.25, 0.4), (front - top) * rng.uniform(0.55, 0.75)
            ty = top + (front - top - th) / 2
            _rrect(tex, cx - tw / 2, ty, cx + tw / 2, ty + th, g * 0.015, _shade(colour, rng.uniform(0.9, 1.08)))
            _rrect(tex, cx - tw / 2, ty, cx + tw / 2, ty + th, g * 0.015, _shade(colour, 0.75), 1)
    elif kind == "lid" and rng.random() < 0.5:  # a logo far up the lid
        cx = (xl if xl is not None else 0) + g * rng.uniform(0.3, 0.6)
        cv2.circle(tex, (int(cx), int(front - g * rng.uniform(0.3, 0.6))), int(g * 0.04), _shade(colour, 1.15), -1, cv2.LINE_AA)
    m = cover[..., None]
    canvas[:] = (canvas * (1 - m) + np.clip(tex, 0, 255) * m).astype(np.uint8)


def laptop_desk(rng: np.random.Generator, canvas: np.ndarray) -> list[np.ndarray]:
    """A desk from above with a laptop, a monitor's foot or a keyboard cut by the frame: its straight
    front edge runs nearly parallel to one border 15-55% of the frame from the opposite one, so the
    desk between them is a long strip closed by the frame; a mouse, a cable, a cup, a pen on it.
    Returns the outlines of the body (its part in the frame reaches past it) and the things."""
    g = canvas.shape[0]
    k = int(rng.integers(0, 4))
    work = np.ascontiguousarray(np.rot90(canvas, -k))  # drawn with the body at the top, then turned
    slope = rng.normal(0, 0.07)
    front = g * rng.uniform(0.45, 0.85)
    xl = g * rng.uniform(0.02, 0.4) if rng.random() < 0.4 else None  # a front corner in view
    kind = str(rng.choice(["deck", "deck", "lid", "foot", "keyboard"]))
    if kind == "foot":
        front = g * rng.uniform(0.3, 0.6)
        xl = g * rng.uniform(0.1, 0.4)
    r = g * rng.uniform(0.01, 0.05)
    x0 = xl if xl is not None else -0.3 * g
    x1 = g * 1.3 if kind != "foot" else g - xl + rng.uniform(-0.1, 0.1) * g
    far = -0.6 * g
    def edge(x):
        return front + slope * (x - g / 2)
    body = rounded_outline(x1 - x0, front - far, r) + [x0, far]
    body[:, 1] += slope * (body[:, 0] - g / 2) * (body[:, 1] - far) / (front - far)  # the front edge tilted
    colour = (_col(rng, 160, 215) if rng.random() < 0.45 else _col(rng, 20, 55) if rng.random() < 0.6 else _col(rng, 85, 130))
    colour = [float(np.mean(colour)) + rng.uniform(-4, 4) for _ in range(3)]
    _soft_shadow(work, body, np.array([rng.normal(0, 0.006), rng.uniform(0.004, 0.02)]) * g,
                 rng.uniform(1, 0.015 * g + 1), rng.uniform(0.3, 0.6))
    _laptop_surface(rng, work, body, front, xl, kind, colour)
    # the front edge's chamfer catches the light
    edge_pts = body[(body[:, 1] > front - r * 1.5 + slope * (body[:, 0] - g / 2) - 1)]
    if len(edge_pts) > 1:
        cv2.polylines(work, [np.round((edge_pts - [0, 1.5] - 0.5) * 16).astype(np.int32)], False,
                      _shade(colour, 1.35 if colour[0] < 150 else 1.1), 1, cv2.LINE_AA, shift=4)
    if kind == "foot":  # the stand's neck running off the top
        cx = (x0 + x1) / 2
        nw = g * rng.uniform(0.06, 0.12)
        neck = np.array([[cx - nw / 2, -5], [cx + nw / 2, -5], [cx + nw / 2, front * 0.6], [cx - nw / 2, front * 0.6]])
        _soft_shadow(work, neck, np.array([0, 0.01 * g]), 3, 0.4)
        _blend(work, _shade(colour, 0.85), polygon_coverage(neck, g))
    things = [body]
    near = edge(g / 2) + g * 0.06  # the strip's near side
    if rng.random() < 0.7:
        c = np.array([rng.uniform(0.15, 0.85) * g, rng.uniform(near, g * 1.02)])
        things.append(mouse(rng, work, c))
        if rng.random() < 0.6:
            cable(rng, work, c, np.array([c[0] + rng.uniform(-0.3, 0.3) * g, edge(c[0]) - 0.05 * g]))
    if rng.random() < 0.5:
        cable(rng, work, np.array([rng.uniform(-0.1, 1.1) * g, g * 1.05]), np.array([rng.uniform(0, g), rng.uniform(front * 0.6, g)]))
    if rng.random() < 0.5:
        c = np.array([rng.uniform(0.1, 0.9) * g, rng.uniform(near, g * 1.05)])
        things.append(cup(rng, work, c))
    if rng.random() < 0.3:  # a pen
        p = np.array([rng.uniform(0.1, 0.9) * g, rng.uniform(near, g)])
        a = rng.uniform(0, math.pi)
        d = np.array([math.cos(a), math.sin(a)]) * g * rng.uniform(0.1, 0.2)
        colour_p = _col(rng)
        cv2.line(work, tuple(int(v) for v in p), tuple(int(v) for v in p + d), _shade(colour_p, 0.5), 5, cv2.LINE_AA)
        cv2.line(work, tuple(int(v) for v in p), tuple(int(v) for v in p + d), colour_p, 3, cv2.LINE_AA)
    canvas[:] = np.rot90(work, k)
    out = []
    for poly in things:  # into the turned frame: (x, y) -> (y, g - x) per quarter turn
        p = np.asarray(poly, np.float64)
        for _ in range(k):
            p = np.stack([p[:, 1], g - p[:, 0]], 1)
        out.append(p)
    return out


# ---------------------------------------------------------------- boxy things on a desk

def _fibres(rng: np.random.Generator, h: int, w: int, amp: float) -> np.ndarray:
    small = rng.normal(0, 1, (max(2, h // 6), max(2, w // 6))).astype(np.float32)
    return (cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC) * amp + rng.normal(0, amp * 0.4, (h, w)).astype(np.float32))[..., None]


def box_top(rng: np.random.Generator, kind: str, w: int, h: int) -> tuple[np.ndarray, list[float]]:
    """The top face of a boxy thing (w x h px) and the colour its sides are made of."""
    if kind == "cardboard":
        base = np.array([rng.uniform(160, 205), rng.uniform(115, 150), rng.uniform(70, 100)], np.float32)
        img = base + _fibres(rng, h, w, 4)
        if rng.random() < 0.7:  # packing tape along the flaps' seam, the seam itself
            tw = int(min(w, h) * rng.uniform(0.12, 0.22))
            y = h // 2
            img[y - tw // 2:y + tw // 2] = img[y - tw // 2:y + tw // 2] * 0.92 + 25
            cv2.line(img, (0, y), (w, y), _shade(base, 0.6), 1, cv2.LINE_AA)
        for _ in range(int(rng.integers(0, 3))):  # printed marks: arrows, a symbol, a code
            x, y = int(rng.uniform(0.1, 0.8) * w), int(rng.uniform(0.1, 0.8) * h)
            cv2.arrowedLine(img, (x, y), (x, y - int(h * 0.15)), (60, 45, 35), 2, cv2.LINE_AA, tipLength=0.4)
        return img, base.tolist()
    if kind == "wood":
        img = cv2.resize(wood_desk(rng, 256), (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
        return img, img.reshape(-1, 3).mean(0).tolist()
    if kind == "book":  # a closed book: cloth or printed cover, a spine band, maybe a title block
        base = np.array(_col(rng, 20, 200), np.float32)
        img = base + _fibres(rng, h, w, 2.5)
        sx = int(w * rng.uniform(0.06, 0.12))
        img[:, :sx] *= rng.uniform(0.75, 0.9)
        if rng.random() < 0.6:
            y0 = int(h * rng.uniform(0.15, 0.4))
            colour = [rng.uniform(180, 230), rng.uniform(150, 200), rng.uniform(60, 120)] if rng.random() < 0.5 else _col(rng)
            _text_lines(rng, img, int(w * 0.25), y0, int(w * 0.85), y0 + int(h * 0.12), colour)
        return img, [float(rng.uniform(220, 240)), float(rng.uniform(210, 230)), float(rng.uniform(185, 210))]  # the page block
    if kind == "tray":  # an open tray or organizer: a rim, a darker floor, dividers, a few small things
        base = np.array(_col(rng, 20, 230) if rng.random() < 0.6 else [rng.uniform(20, 60)] * 3, np.float32)
        img = np.broadcast_to(base, (h, w, 3)).astype(np.float32).copy()
        rim = int(min(w, h) * rng.uniform(0.04, 0.09))
        floor = _shade(base, rng.uniform(0.5, 0.75))
        _rrect(img, rim, rim, w - rim, h - rim, rim * 0.8, floor)
        wall = int(rim * rng.uniform(1.0, 2.0))  # the inner wall under the top rim, in shade
        img[rim:rim + wall, rim:w - rim] = _shade(base, 0.4)
        n = int(rng.integers(0, 4))
        vertical = rng.random() < 0.5
        for i in range(1, n + 1):
            if vertical:
                x = int(rim + (w - 2 * rim) * i / (n + 1))
                cv2.line(img, (x, rim), (x, h - rim), base.tolist(), max(2, rim // 2), cv2.LINE_AA)
            else:
                y = int(rim + (h - 2 * rim) * i / (n + 1))
                cv2.line(img, (rim, y), (w - rim, y), base.tolist(), max(2, rim // 2), cv2.LINE_AA)
        for _ in range(int(rng.integers(0, 5))):  # pens, clips, an eraser
            a = (int(rng.uniform(0.15, 0.85) * w), int(rng.uniform(0.15, 0.85) * h))
            b = (a[0] + int(rng.uniform(-0.3, 0.3) * w), a[1] + int(rng.uniform(-0.1, 0.1) * h))
            cv2.line(img, a, b, _col(rng), int(rng.integers(2, 6)), cv2.LINE_AA)
        if rng.random() < 0.4:  # a wire mesh organizer
            for y in range(rim, h - rim, 6):
                for x in range(rim + (y // 6 % 2) * 3, w - rim, 6):
                    cv2.circle(img, (x, y), 1, _shade(floor, 1.6 if floor[0] < 100 else 0.6), -1)
        return img, base.tolist()
    if kind == "holder":  # a square pen holder seen from above: rim, dark inside, pens standing up
        base = np.array(_col(rng, 20, 230), np.float32)
        img = np.broadcast_to(base, (h, w, 3)).astype(np.float32).copy()
        rim = int(min(w, h) * rng.uniform(0.05, 0.1))
        img[rim:h - rim, rim:w - rim] = _shade(base, 0.25)
        for _ in range(int(rng.integers(2, 8))):
            c = (int(rng.uniform(0.25, 0.75) * w), int(rng.uniform(0.25, 0.75) * h))
            cv2.circle(img, c, int(min(w, h) * rng.uniform(0.04, 0.08)), _col(rng), -1, cv2.LINE_AA)
        return img, base.tolist()
    # plastic: a solid colour, a moulded rim, a glossy band
    base = np.array(_col(rng, 20, 240) if rng.random() < 0.6 else [rng.uniform(25, 235)] * 3, np.float32)
    img = np.broadcast_to(base, (h, w, 3)).astype(np.float32).copy()
    img *= np.linspace(1 + rng.uniform(-0.08, 0.08), 1 + rng.uniform(-0.08, 0.08), w, dtype=np.float32)[None, :, None]
    if rng.random() < 0.6:
        m = int(min(w, h) * rng.uniform(0.05, 0.12))
        _rrect(img, m, m, w - m, h - m, m, _shade(base, rng.uniform(0.8, 0.95)), 1)
    if rng.random() < 0.5:
        band = np.zeros((h, w), np.float32)
        x = int(rng.uniform(0.2, 0.8) * w)
        cv2.line(band, (x, 0), (x + int(rng.uniform(-0.3, 0.3) * w), h), 1.0, int(w * rng.uniform(0.05, 0.15)))
        img += cv2.GaussianBlur(band, (0, 0), w * 0.04)[..., None] * rng.uniform(15, 45)
    return img, base.tolist()


def box_side(rng: np.random.Generator, kind: str, colour, w: int, h: int, front: bool) -> np.ndarray:
    """A side face (w along the top edge, h its height): plain, a book's page block, or drawer
    fronts with handles on a cabinet's front."""
    img = np.broadcast_to(np.asarray(colour, np.float32), (h, w, 3)).astype(np.float32).copy()
    img += rng.normal(0, 1.2, (h, w, 1)).astype(np.float32)
    if kind == "book":
        for y in range(1, h, 2):
            img[y] *= rng.uniform(0.9, 0.97)
    elif kind == "drawers" and front:
        n = int(rng.integers(1, 4))
        for i in range(n):
            y0, y1 = int(h * i / n), int(h * (i + 1) / n)
            cv2.line(img, (0, y0), (w, y0), _shade(colour, 0.4), 2, cv2.LINE_AA)
            cy = (y0 + y1) // 2
            if rng.random() < 0.6:
                hw = int(w * rng.uniform(0.1, 0.3))
                _rrect(img, w / 2 - hw, cy - 2, w / 2 + hw, cy + 3, 2, _col(rng, 60, 200))
            else:
                cv2.circle(img, (w // 2, cy), max(2, int(h / n * 0.12)), _shade(colour, 0.5), -1, cv2.LINE_AA)
    return img


def boxy_thing(rng: np.random.Generator, canvas: np.ndarray, centre: np.ndarray, kind: str) -> np.ndarray:
    """A box-shaped thing on the desk seen from above at a slant: its top face a rectangle in
    perspective and the sides that face the camera below it, darker, with a soft shadow. Returns
    the outline of all it covers (the top face and the visible sides)."""
    g = canvas.shape[0]
    long_side = g * rng.uniform(0.2, 0.6) if kind != "organiser" else g * rng.uniform(0.3, 0.65)
    aspect = {"holder": (1.0, 1.3), "organiser": (1.6, 3.5)}.get(kind, (1.0, 2.2))
    aspect = rng.uniform(*aspect)
    w, h = long_side, long_side / aspect
    if kind == "holder":
        w, h = w * 0.5, h * 0.5
    ang = rng.normal(0, 0.3) if rng.random() < 0.7 else rng.uniform(0, math.pi)
    cs, sn = math.cos(ang), math.sin(ang)
    top = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) @ np.array([[cs, sn], [-sn, cs]])
    top = top + rng.normal(0, 0.03 * w, top.shape) + centre
    height = g * (rng.uniform(0.02, 0.06) if kind in ("book", "tray") else rng.uniform(0.04, 0.16))
    if kind == "holder":
        height = g * rng.uniform(0.1, 0.25)
    elif kind == "organiser":
        height = g * rng.uniform(0.03, 0.1)
    d_ang = math.pi / 2 + rng.normal(0, 0.5)
    d = np.array([math.cos(d_ang), math.sin(d_ang)]) * height
    hull = cv2.convexHull(np.concatenate([top, top + d]).astype(np.float32))[:, 0].astype(np.float64)
    light = rng.normal(0, 0.02, 2) * g + d * rng.uniform(0.2, 0.8)
    _soft_shadow(canvas, hull, light, rng.uniform(1.5, 0.025 * g + 2), rng.uniform(0.3, 0.6))
    if kind == "organiser":
        sprite, side_col = organiser_top(rng, max(8, int(w)), max(8, int(h)))
    else:
        sprite, side_col = box_top(rng, kind, max(8, int(w)), max(8, int(h)))
    area2 = sum(top[i, 0] * top[(i + 1) % 4, 1] - top[(i + 1) % 4, 0] * top[i, 1] for i in range(4))
    sides = []
    for i in range(4):
        a, b = top[i], top[(i + 1) % 4]
        e = b - a
        out_n = np.array([e[1], -e[0]]) * (1 if area2 > 0 else -1)
        if np.dot(out_n, d) > 0:
            sides.append((float(np.dot(out_n, d) / (np.linalg.norm(out_n) * height + 1e-9)), i))
    sides.sort()
    for k, (facing, i) in enumerate(sides):  # the face turned most toward the camera last (the front)
        a, b = top[i], top[(i + 1) % 4]
        quad = np.array([a, b, b + d, a + d])
        shade = rng.uniform(0.55, 0.85) * (0.85 + 0.15 * facing)
        tex = box_side(rng, "drawers" if kind == "drawers" else kind, _shade(side_col, shade if kind != "book" else 1.0),
                       max(8, int(np.linalg.norm(b - a))), max(4, int(height)), front=k == len(sides) - 1)
        _warp(canvas, np.clip(tex, 0, 255).astype(np.uint8), np.ones(tex.shape[:2], np.float32), quad)
        cv2.line(canvas, tuple(int(v) for v in a), tuple(int(v) for v in b), _shade(side_col, 1.2), 1, cv2.LINE_AA)
    _warp(canvas, np.clip(sprite, 0, 255).astype(np.uint8), np.ones(sprite.shape[:2], np.float32), top)
    if kind == "holder" or (kind == "organiser" and rng.random() < 0.7):  # pens standing in it lean out over the top face
        for _ in range(int(rng.integers(2, 6)) if kind == "holder" else int(rng.integers(1, 5))):
            p = top.mean(0) + rng.normal(0, 0.15, 2) * (w, h)
            tip = p - d * rng.uniform(0.5, 1.5) + rng.normal(0, 0.05 * g, 2)
            colour = _col(rng)
            cv2.line(canvas, tuple(int(v) for v in p), tuple(int(v) for v in tip), colour, int(rng.integers(3, 6)), cv2.LINE_AA)
    return hull


def pouch(rng: np.random.Generator, canvas: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """A soft pencil case or pouch: rounded outline, fabric, a zip along one long side."""
    g = canvas.shape[0]
    w, h = g * rng.uniform(0.25, 0.5), g * rng.uniform(0.1, 0.2)
    poly = rounded_outline(w, h, h * rng.uniform(0.2, 0.5)) - [w / 2, h / 2]
    ang = rng.uniform(0, math.pi)
    cs, sn = math.cos(ang), math.sin(ang)
    poly = poly @ np.array([[cs, sn], [-sn, cs]]) + centre
    fabric = _col(rng, 20, 230)
    _soft_shadow(canvas, poly, np.array([0.005, 0.012]) * g, 0.02 * g + 1, rng.uniform(0.3, 0.5))
    cover = polygon_coverage(poly, g)
    tex = np.asarray(fabric, np.float32) + _fibres(rng, g, g, 5)
    m = cover[..., None]
    canvas[:] = (canvas * (1 - m) + np.clip(tex, 0, 255) * m).astype(np.uint8)
    zip_y = -h / 2 + h * rng.uniform(0.2, 0.35)
    zp = np.array([[-w / 2 + h * 0.3, zip_y], [w / 2 - h * 0.3, zip_y]]) @ np.array([[cs, sn], [-sn, cs]]) + centre
    cv2.line(canvas, tuple(int(v) for v in zp[0]), tuple(int(v) for v in zp[1]), _shade(fabric, 0.45), 3, cv2.LINE_AA)
    cv2.circle(canvas, tuple(int(v) for v in zp[1]), 4, _col(rng, 150, 230), -1, cv2.LINE_AA)
    return poly


def cabinet_face(rng: np.random.Generator, w: int = 420, h: int = 360) -> np.ndarray:
    """A drawer unit or cabinet front close up: drawer fronts with gaps between them, handles, knobs
    or grips, label holders; wood, white or grey laminate, or painted metal."""
    r = rng.random()
    if r < 0.35:
        img = cv2.resize(wood_desk(rng, 256), (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    else:
        base = [rng.uniform(200, 240)] * 3 if r < 0.7 else _col(rng, 60, 200)
        img = np.asarray(base, np.float32) + _fibres(rng, h, w, 1.5)
    colour = img.reshape(-1, 3).mean(0).tolist()
    n = int(rng.integers(2, 5))
    cols = 1 if rng.random() < 0.7 else 2
    for j in range(cols):
        for i in range(n):
            x0, x1 = w * j / cols, w * (j + 1) / cols
            y0, y1 = h * i / n, h * (i + 1) / n
            cv2.rectangle(img, (int(x0), int(y0)), (int(x1), int(y1)), _shade(colour, 0.35), int(rng.integers(2, 5)))
            cy, cx = (y0 + y1) / 2 if rng.random() < 0.5 else y0 + (y1 - y0) * 0.25, (x0 + x1) / 2
            style = rng.random()
            if style < 0.45:
                hw = (x1 - x0) * rng.uniform(0.1, 0.3)
                _rrect(img, cx - hw, cy - 4, cx + hw, cy + 5, 3, _col(rng, 90, 220))
            elif style < 0.75:
                cv2.circle(img, (int(cx), int(cy)), int(rng.uniform(5, 10)), _shade(colour, 0.6), -1, cv2.LINE_AA)
            else:
                hw = (x1 - x0) * rng.uniform(0.1, 0.2)
                _rrect(img, cx - hw, cy - 6, cx + hw, cy + 6, 6, _shade(colour, 0.3))
    return np.clip(img, 0, 255).astype(np.uint8)


BOXY_KINDS = ("cardboard", "plastic", "wood", "tray", "tray", "book", "holder", "drawers", "pouch")


def boxy_desk(rng: np.random.Generator, canvas: np.ndarray) -> list[np.ndarray]:
    """Boxy things on a desk: one to three trays, organizers, boxes (cardboard, plastic, wood),
    closed books, pen holders, drawer units or pouches, from above at a slant; or (15%) a drawer
    unit's front close up. A mug, a pen or a cable now and then. Returns their outlines."""
    g = canvas.shape[0]
    if rng.random() < 0.15:
        face = cabinet_face(rng)
        h, w = face.shape[:2]
        quad = _quad_around(rng, g, w, h, (0.9, 1.8))
        alpha = np.ones((h, w), np.float32)
        _warp(canvas, face, alpha, quad)
        return [quad]
    out = []
    centres = rng.uniform(0.2, 0.8, (int(rng.integers(1, 4)), 2)) * g
    for c in centres[np.argsort(centres[:, 1])]:  # back to front
        kind = str(rng.choice(BOXY_KINDS))
        out.append(pouch(rng, canvas, c) if kind == "pouch" else boxy_thing(rng, canvas, c, kind))
    if rng.random() < 0.3:
        out.append(cup(rng, canvas, rng.uniform(0, 1, 2) * g))
    if rng.random() < 0.3:
        cable(rng, canvas, rng.uniform(-0.1, 1.1, 2) * g, rng.uniform(-0.1, 1.1, 2) * g)
    return out


# ---------------------------------------------------------------- pale holders and paper trays (v10)
# Two kinds of real non-document that networks fine-tuned on v9 took for pages, while the boxy
# things above did not reach them: a pale desk organiser with things standing in its compartments,
# and a printer's paper tray close up, a large pale moulded surface whose outline runs off the frame.

def organiser_top(rng: np.random.Generator, w: int, h: int) -> tuple[np.ndarray, list[float]]:
    """The top of a long pale desk organiser (w x h px, w the long side): a rim, compartments in
    shade, and what stands in them seen end on (pen and marker caps, cards or sheets on edge as
    tight parallel lines, a phone or a stapler lying in one)."""
    level = rng.uniform(200, 248)
    base = np.array([level] * 3, np.float32) + rng.uniform(-6, 6, 3).astype(np.float32)
    img = base + _fibres(rng, h, w, 0.8)
    rim = max(2, int(min(w, h) * rng.uniform(0.05, 0.1)))
    n = int(rng.integers(2, 6))
    cuts = np.concatenate([[rim], np.sort(rng.uniform(0.15, 0.85, n - 1)) * w, [w - rim]]).astype(int)
    for i in range(n):
        x0, x1 = cuts[i] + (rim // 2 if i else 0), cuts[i + 1] - (rim // 2 if i < n - 1 else 0)
        if x1 - x0 < 4:
            continue
        floor = _shade(base, rng.uniform(0.55, 0.85))
        _rrect(img, x0, rim, x1, h - rim, rim * 0.6, floor)
        wall = max(1, int((h - 2 * rim) * rng.uniform(0.1, 0.3)))  # the inner wall on the far side, in shade
        img[rim:rim + wall, x0:x1] = _shade(base, rng.uniform(0.35, 0.6))
        content = rng.random()
        if content < 0.35:  # pens and markers standing: their caps, end on
            for _ in range(int(rng.integers(1, 7))):
                c = (int(rng.uniform(x0 + 2, max(x0 + 3, x1 - 2))), int(rng.uniform(rim + wall, h - rim)))
                r = max(2, int(min(w, h) * rng.uniform(0.04, 0.1)))
                cv2.circle(img, c, r, _col(rng, 10, 250), -1, cv2.LINE_AA)
                cv2.circle(img, c, max(1, r // 3), _col(rng, 10, 250), -1, cv2.LINE_AA)
        elif content < 0.65:  # cards or sheets on edge: pale lines close together
            k = int(rng.integers(3, 14))
            for j in range(k):
                x = int(x0 + (x1 - x0) * (j + rng.uniform(0.2, 0.8)) / k)
                cv2.line(img, (x, rim + wall // 2), (x, h - rim - 1), _col(rng, 215, 256), 1, cv2.LINE_AA)
        elif content < 0.8:  # something lying in it: a phone, a stapler, a tape roll
            cx, cy = (x0 + x1) / 2, h / 2
            hw, hh = (x1 - x0) * rng.uniform(0.25, 0.45), (h - 2 * rim) * rng.uniform(0.2, 0.4)
            _rrect(img, cx - hw, cy - hh, cx + hw, cy + hh, min(hw, hh) * 0.4, _col(rng, 10, 230))
    for y in (rim, h - rim):  # the rim's lit lip
        cv2.line(img, (rim, y), (w - rim, y), _shade(base, 1.06), 1, cv2.LINE_AA)
    return img, base.tolist()


def pale_organiser_desk(rng: np.random.Generator, canvas: np.ndarray) -> list[np.ndarray]:
    """A desk from above with a pale organiser on it (pens leaning out of it, a cable through it),
    and now and then a pouch, another boxy thing, a mug or a small pale case beside it. Returns the
    outlines."""
    g = canvas.shape[0]
    out = []
    if rng.random() < 0.5:  # behind it: a pouch or another boxy thing
        c = rng.uniform(0.15, 0.85, 2) * g
        kind = str(rng.choice(BOXY_KINDS))
        out.append(pouch(rng, canvas, c) if kind == "pouch" else boxy_thing(rng, canvas, c, kind))
    out.append(boxy_thing(rng, canvas, rng.uniform(0.3, 0.7, 2) * g, "organiser"))
    if rng.random() < 0.5:  # a small pale case (earbuds, a charger): a rounded box with a seam
        c = rng.uniform(0.15, 0.85, 2) * g
        s = g * rng.uniform(0.05, 0.1)
        poly = rounded_outline(s * 1.3, s, s * 0.4) - [s * 0.65, s * 0.5] + c
        _soft_shadow(canvas, poly, np.array([0.006, 0.01]) * g, 0.01 * g + 1, rng.uniform(0.3, 0.5))
        _blend(canvas, _col(rng, 225, 252), polygon_coverage(poly, g))
        cv2.line(canvas, (int(c[0] - s * 0.6), int(c[1] - s * 0.1)), (int(c[0] + s * 0.6), int(c[1] - s * 0.1)),
                 _col(rng, 150, 190), 1, cv2.LINE_AA)
        out.append(poly)
    if rng.random() < 0.3:
        out.append(cup(rng, canvas, rng.uniform(0, 1, 2) * g))
    if rng.random() < 0.5:
        cable(rng, canvas, rng.uniform(-0.1, 1.1, 2) * g, rng.uniform(-0.1, 1.1, 2) * g)
    return out


def tray_face(rng: np.random.Generator, w: int = 480, h: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """A printer's or copier's paper tray (w x h px) and its alpha: pale moulded plastic, lit
    unevenly, its outline a rounded shape with a scooped corner or a finger notch; raised paper
    guides with a shadow on one side, slots, small tabs and a step across it. No paper."""
    level = rng.uniform(175, 240)
    base = np.array([level] * 3, np.float32) + rng.uniform(-8, 8, 3).astype(np.float32)
    ramp = np.linspace(1 + rng.uniform(-0.1, 0.05), 1 + rng.uniform(-0.05, 0.1), w, dtype=np.float32)
    ramp2 = np.linspace(1 + rng.uniform(-0.08, 0.03), 1 + rng.uniform(-0.03, 0.08), h, dtype=np.float32)
    img = base * (ramp[None, :, None] * ramp2[:, None, None]) + _fibres(rng, h, w, 0.7)
    alpha = np.zeros((h, w), np.float32)
    _rrect(alpha, 0, 0, w, h, min(w, h) * rng.uniform(0.02, 0.2), [1.0])
    if rng.random() < 0.6:  # a scooped corner: a large round cut
        r = min(w, h) * rng.uniform(0.2, 0.5)
        cx, cy = (0 if rng.random() < 0.5 else w), (0 if rng.random() < 0.5 else h)
        cv2.circle(alpha, (int(cx), int(cy)), int(r), 0.0, -1, cv2.LINE_AA)
    if rng.random() < 0.5:  # a finger notch in the middle of one side
        r = min(w, h) * rng.uniform(0.05, 0.12)
        cv2.circle(alpha, (int(w * rng.uniform(0.35, 0.65)), int(h if rng.random() < 0.5 else 0)), int(r), 0.0, -1, cv2.LINE_AA)
    if rng.random() < 0.6:  # a step across the tray: one part sits a little lower
        y = int(h * rng.uniform(0.3, 0.7))
        img[y:] *= rng.uniform(0.88, 0.97)
        cv2.line(img, (0, y), (w, y), _shade(base, 0.6), 2, cv2.LINE_AA)
    for _ in range(int(rng.integers(1, 4))):  # raised guides, smaller than a page: a lit face, a shadow on one side
        gw, gh = w * rng.uniform(0.08, 0.3), h * rng.uniform(0.06, 0.2)
        x0, y0 = rng.uniform(0, w - gw), rng.uniform(0, h - gh)
        r = min(gw, gh) * rng.uniform(0.1, 0.4)
        _rrect(img, x0 + 3, y0 + 4, x0 + gw + 3, y0 + gh + 4, r, _shade(base, rng.uniform(0.65, 0.85)))
        _rrect(img, x0, y0, x0 + gw, y0 + gh, r, _shade(base, rng.uniform(0.97, 1.05)))
        _rrect(img, x0, y0, x0 + gw, y0 + gh, r, _shade(base, 0.8), 1)
        # the slot it slides in runs out of it: a guide is part of the tray, not a card lying on it
        sy = int(y0 + gh * rng.uniform(0.3, 0.7))
        cv2.line(img, (int(x0 + gw * rng.uniform(0.2, 0.6)), sy), (int(x0 + gw + w * rng.uniform(0.05, 0.2)), sy),
                 _shade(base, rng.uniform(0.2, 0.45)), int(rng.integers(2, 5)), cv2.LINE_AA)
    for _ in range(int(rng.integers(1, 5))):  # slots the guides slide in
        vertical = rng.random() < 0.5
        ln = (h if vertical else w) * rng.uniform(0.1, 0.35)
        x0, y0 = rng.uniform(0.05, 0.9) * w, rng.uniform(0.05, 0.9) * h
        x1, y1 = (x0, y0 + ln) if vertical else (x0 + ln, y0)
        cv2.line(img, (int(x0), int(y0)), (int(x1), int(y1)), _shade(base, rng.uniform(0.2, 0.45)), int(rng.integers(2, 6)), cv2.LINE_AA)
    for _ in range(int(rng.integers(0, 4))):  # small tabs and their dark recesses
        x0, y0 = rng.uniform(0.05, 0.9) * w, rng.uniform(0.05, 0.9) * h
        s = min(w, h) * rng.uniform(0.03, 0.06)
        cv2.rectangle(img, (int(x0), int(y0)), (int(x0 + s * 1.6), int(y0 + s)), _shade(base, 0.3), -1, cv2.LINE_AA)
        cv2.rectangle(img, (int(x0 + s * 0.3), int(y0 + s * 0.3)), (int(x0 + s * 1.1), int(y0 + s)), _shade(base, 0.85), -1)
    # moulded, not cut: a rim of some thickness round the outline, darker than the face, a lit line inside it
    k = int(min(w, h) * rng.uniform(0.015, 0.04)) + 2
    inner = cv2.erode((alpha > 0.5).astype(np.uint8), np.ones((2 * k + 1, 2 * k + 1), np.uint8))
    band = (alpha > 0.5) & (inner == 0)
    img[band] *= rng.uniform(0.7, 0.88)
    lip = (inner > 0) & (cv2.erode(inner, np.ones((3, 3), np.uint8)) == 0)
    img[lip] = np.minimum(img[lip] * 1.1, 255)
    img = cv2.GaussianBlur(img, (0, 0), 0.6)
    return np.clip(img, 0, 255).astype(np.uint8), cv2.GaussianBlur(alpha, (0, 0), 0.7)


def paper_tray(rng: np.random.Generator, canvas: np.ndarray) -> list[np.ndarray]:
    """A printer's paper tray close up, larger than the frame so that its outline runs off it on at
    least one side, over the machine's own pale panels (or the floor the caller painted). Returns
    the tray's quad (it may reach past the frame)."""
    g = canvas.shape[0]
    if rng.random() < 0.65:
        face = machine_face(rng, 480, int(480 / rng.uniform(0.9, 1.6)))
        h, w = face.shape[:2]
        _warp(canvas, face, np.ones((h, w), np.float32), _quad_around(rng, g, w, h, (1.5, 2.2)))
    tray, alpha = tray_face(rng, 480, int(480 / rng.uniform(0.8, 1.5)))
    h, w = tray.shape[:2]
    quad = _quad_around(rng, g, w, h, (1.0, 1.7), turn=0.35, tilt=0.1)
    ang = rng.uniform(0, 2 * math.pi)  # pushed off centre so at least one side runs off the frame
    quad = quad + np.array([math.cos(ang), math.sin(ang)], np.float32) * g * rng.uniform(0.15, 0.35)
    outline = quad.astype(np.float64)
    _soft_shadow(canvas, outline, rng.normal(0, 0.01 * g, 2) + 0.01 * g, 0.02 * g + 1, rng.uniform(0.2, 0.45))
    _warp(canvas, tray, alpha, quad)
    return [outline]
