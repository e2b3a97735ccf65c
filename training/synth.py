"""On-the-fly synthetic document photos with edge labels.

A sample is a photo-like image (H x W x 3 uint8, RGB) and a label map (H x W float32 in [0, 1]) with
the document's boundary drawn ~2 px wide at the network's resolution. Everything is composed at
twice the output size and downscaled with area averaging, so edges are anti-aliased as in a camera.
"""
from __future__ import annotations

import glob
import math
import os
from dataclasses import dataclass, replace

import cv2
import numpy as np

import desks
import scenes
import shapes

cv2.setNumThreads(1)


@dataclass
class AssetPools:
    backgrounds: list[np.ndarray]
    pages: list[np.ndarray]

    @staticmethod
    def load(root: str) -> "AssetPools":
        def read_all(pattern: str) -> list[np.ndarray]:
            out = []
            for p in sorted(glob.glob(pattern)):
                img = cv2.imread(p, cv2.IMREAD_COLOR)
                if img is not None:
                    out.append(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
            return out

        bgs = read_all(os.path.join(root, "backgrounds", "*.jpg"))
        pages = read_all(os.path.join(root, "pages", "*.jpg"))
        if not bgs or not pages:
            raise FileNotFoundError(f"asset pack missing under {root}: run training/build_assets.py")
        return AssetPools(bgs, pages)


# ---------------------------------------------------------------- surfaces

def procedural_surface(rng: np.random.Generator, g: int) -> np.ndarray:
    kind = rng.integers(0, 4)
    base = rng.integers(0, 256, 3).astype(np.float32)
    if rng.random() < 0.35:  # light desks and white tables: the hard low-contrast case
        base = rng.uniform(185, 255, 1).astype(np.float32) * np.ones(3, np.float32) - rng.uniform(0, 20, 3).astype(np.float32)
    yy, xx = np.mgrid[0:g, 0:g].astype(np.float32) / g
    if kind == 0:  # wood grain
        ang = rng.uniform(0, math.pi)
        u = xx * math.cos(ang) + yy * math.sin(ang)
        v = -xx * math.sin(ang) + yy * math.cos(ang)
        freq = rng.uniform(10, 60)
        grain = np.sin(freq * u + 3 * np.sin(rng.uniform(2, 8) * v) + rng.uniform(0, 6)) * 0.5 + 0.5
        amp = rng.uniform(10, 50)
        img = base[None, None, :] * (1 - 0.25 * rng.random()) + amp * (grain[..., None] - 0.5) * np.array([1.0, 0.8, 0.6], np.float32)
    elif kind == 1:  # smooth gradient
        a, b = rng.uniform(-60, 60, 3), rng.uniform(-60, 60, 3)
        img = base[None, None, :] + xx[..., None] * a + yy[..., None] * b
    elif kind == 2:  # cloth / stone noise
        small = rng.normal(0, 1, (g // 8, g // 8, 3)).astype(np.float32)
        noise = cv2.resize(small, (g, g), interpolation=cv2.INTER_CUBIC)
        img = base[None, None, :] + noise * rng.uniform(5, 30)
        img += rng.normal(0, rng.uniform(1, 8), (g, g, 1)).astype(np.float32)
    else:  # flat
        img = np.broadcast_to(base, (g, g, 3)).copy()
    return np.clip(img, 0, 255).astype(np.uint8)


def background(rng: np.random.Generator, pools: AssetPools, g: int) -> np.ndarray:
    if rng.random() < 0.55:
        src = pools.backgrounds[rng.integers(len(pools.backgrounds))]
        h, w = src.shape[:2]
        ch = int(h * rng.uniform(0.3, 1.0))
        cw = int(min(w, ch * rng.uniform(0.6, 1.6)))
        y0 = rng.integers(0, h - ch + 1)
        x0 = rng.integers(0, w - cw + 1)
        img = cv2.resize(src[y0:y0 + ch, x0:x0 + cw], (g, g), interpolation=cv2.INTER_AREA)
        if rng.random() < 0.5:
            img = np.ascontiguousarray(np.rot90(img, rng.integers(1, 4)))
        return img
    return procedural_surface(rng, g)


# ---------------------------------------------------------------- geometry

def random_doc_quad(rng: np.random.Generator, g: int, aspect: float, allow_out: bool) -> np.ndarray:
    """Corners TL, TR, BR, BL (clockwise in image coordinates) of a page of height/width `aspect`."""
    for _ in range(50):
        r = rng.random()
        long_frac = rng.uniform(0.55, 1.0) if r < 0.7 else rng.uniform(0.3, 0.55) if r < 0.9 else rng.uniform(0.15, 0.3)
        if allow_out:
            long_frac = rng.uniform(0.6, 1.5)
        h = g * long_frac
        w = h / aspect
        if w > g * 1.4:
            w = g * rng.uniform(0.5, 1.2)
            h = w * aspect
        r = rng.random()
        if r < 0.55:
            ang = rng.normal(0, 0.12)
        elif r < 0.7:
            ang = math.pi / 2 + rng.normal(0, 0.12)
        else:
            ang = rng.uniform(-math.pi, math.pi)
        pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
        c, s = math.cos(ang), math.sin(ang)
        pts = pts @ np.array([[c, s], [-s, c]], np.float32)
        # Perspective: shrink one side (camera tilt) and jitter every corner.
        # Up to 60% shorter on the far side: a page photographed at a steep angle.
        r = rng.random()
        tilt = rng.uniform(0, 0.35) if r < 0.55 else rng.uniform(0.35, 0.6) if r < 0.72 else 0.0
        side = rng.integers(0, 4)
        a, b = side, (side + 1) % 4
        mid = (pts[a] + pts[b]) / 2
        pts[a] = mid + (pts[a] - mid) * (1 - tilt)
        pts[b] = mid + (pts[b] - mid) * (1 - tilt)
        pts += rng.normal(0, 0.04 * min(w, h), pts.shape).astype(np.float32)
        if allow_out:
            cx, cy = rng.uniform(0.1 * g, 0.9 * g, 2)
        else:
            lo = pts.min(0)
            hi = pts.max(0)
            span = hi - lo
            if span[0] > g * 0.98 or span[1] > g * 0.98:
                continue
            cx = rng.uniform(-lo[0] + 0.01 * g, g - hi[0] - 0.01 * g)
            cy = rng.uniform(-lo[1] + 0.01 * g, g - hi[1] - 0.01 * g)
        pts += np.array([cx, cy], np.float32)
        if not is_convex(pts):
            continue
        if visible_fraction(pts, g) < (0.25 if allow_out else 0.99):
            continue
        # Re-order so that the first corner is the top-left-most; the label does not care, but keep tidy.
        return pts
    return np.array([[0.2 * g, 0.2 * g], [0.8 * g, 0.2 * g], [0.8 * g, 0.8 * g], [0.2 * g, 0.8 * g]], np.float32)


def is_convex(q: np.ndarray) -> bool:
    signs = []
    for i in range(4):
        a, b, c = q[i], q[(i + 1) % 4], q[(i + 2) % 4]
        signs.append(np.sign((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])))
    return all(s > 0 for s in signs) or all(s < 0 for s in signs)


def visible_fraction(q: np.ndarray, g: int) -> float:
    mask = np.zeros((64, 64), np.uint8)
    cv2.fillConvexPoly(mask, np.round(q * 64 / g * 16).astype(np.int32), 1, lineType=cv2.LINE_8, shift=4)
    area = abs(cv2.contourArea(q * 64 / g))
    return float(mask.sum()) / max(area, 1e-6)


# ---------------------------------------------------------------- compositing

def to_cv(q: np.ndarray) -> np.ndarray:
    """Our coordinates put pixel i on [i, i+1); OpenCV puts pixel centres on integers. Every cv2
    drawing and warp goes through this, so the page, its shadow and its label share one boundary."""
    return (np.asarray(q, np.float32) - 0.5).astype(np.float32)


def coverage_mask(q: np.ndarray, g: int) -> np.ndarray:
    """Anti-aliased coverage of a convex quad, from each pixel centre's signed distance to the four
    sides. cv2.fillConvexPoly is not used for this: it fills float images without anti-aliasing and
    includes the right/bottom boundary pixel, which shifts those sides by up to a pixel."""
    q = np.asarray(q, np.float64)
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float32) + 0.5
    area2 = sum(q[i, 0] * q[(i + 1) % 4, 1] - q[(i + 1) % 4, 0] * q[i, 1] for i in range(4))
    orient = 1.0 if area2 > 0 else -1.0
    cover = np.ones((g, g), np.float32)
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        n = np.hypot(d[0], d[1])
        if n < 1e-9:
            continue
        # Positive inside for either winding.
        dist = orient * ((xs - a[0]) * d[1] - (ys - a[1]) * d[0]) / n * -1.0
        cover *= np.clip(dist + 0.5, 0.0, 1.0).astype(np.float32)
    return cover


def warp_onto(canvas: np.ndarray, src: np.ndarray, quad: np.ndarray, alpha_blur: float = 0.7) -> np.ndarray:
    """Warp `src` into `quad` on `canvas`; returns the coverage mask in [0, 1]."""
    g = canvas.shape[0]
    h, w = src.shape[:2]
    srcq = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32) - 0.5
    hm = cv2.getPerspectiveTransform(srcq, to_cv(quad))
    warped = cv2.warpPerspective(src, hm, (g, g), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mask = coverage_mask(quad, g)
    if alpha_blur > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), alpha_blur)
    m = mask[..., None]
    canvas[:] = (canvas * (1 - m) + warped * m).astype(np.uint8)
    return mask


def drop_shadow(rng: np.random.Generator, canvas: np.ndarray, quad: np.ndarray) -> None:
    g = canvas.shape[0]
    off = rng.normal(0, 0.01 * g, 2)
    m = coverage_mask(quad + off, g)
    m = cv2.GaussianBlur(m, (0, 0), rng.uniform(1, 0.02 * g + 1))
    canvas[:] = (canvas * (1 - rng.uniform(0.1, 0.45) * m[..., None])).astype(np.uint8)


def saturated_colour(rng: np.random.Generator) -> np.ndarray:
    hsv = np.array([[[rng.integers(0, 180), rng.integers(120, 256), rng.integers(60, 256)]]], np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(np.int32)


def title_block(rng: np.random.Generator, img: np.ndarray, x: int, y: int, w: int, colour: list[int]) -> None:
    """Big display type: the strong inner edges a magazine or book cover adds."""
    text = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(3, 9))))
    font = int(rng.choice([cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX]))
    thick = int(rng.integers(2, 9))
    (tw, th), _ = cv2.getTextSize(text, font, 1.0, thick)
    scale = max(0.3, w / max(tw, 1))
    cv2.putText(img, text, (x, y + int(th * scale)), font, scale, colour, max(1, int(thick * scale)), cv2.LINE_AA)


def cover_page(rng: np.random.Generator, pools: AssetPools) -> np.ndarray:
    """Documents that are not white paper: magazine and book covers, folders, notebooks with a
    coloured band, menus. Their boundary is a colour edge, and their strongest inner edges (a band,
    a photo, big type) run parallel to it: the network must learn that only the outline counts."""
    h = 300
    w = int(h / rng.uniform(1.2, 1.5))
    kind = rng.integers(0, 4)
    if kind == 0:  # full-bleed colour cover with photo blocks and big type
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = saturated_colour(rng)
        for _ in range(int(rng.integers(0, 3))):
            src = pools.backgrounds[rng.integers(len(pools.backgrounds))]
            bw, bh = int(w * rng.uniform(0.3, 0.95)), int(h * rng.uniform(0.2, 0.7))
            x0, y0 = int(rng.integers(0, w - bw + 1)), int(rng.integers(0, h - bh + 1))
            img[y0:y0 + bh, x0:x0 + bw] = cv2.resize(src, (bw, bh), interpolation=cv2.INTER_AREA)
    elif kind == 1:  # magazine: one photo covers the whole page
        src = pools.backgrounds[rng.integers(len(pools.backgrounds))]
        img = cv2.resize(src, (w, h), interpolation=cv2.INTER_AREA)
    elif kind == 2:  # notebook / form with a full-width coloured band
        img = cv2.resize(pools.pages[rng.integers(len(pools.pages))], (w, h), interpolation=cv2.INTER_AREA)
        band = int(h * rng.uniform(0.12, 0.5))
        colour = saturated_colour(rng)
        if rng.random() < 0.5:
            img[h - band:] = colour
        else:
            img[:band] = colour
        if rng.random() < 0.5:  # ruled lines
            for y in range(int(rng.integers(8, 20)), h, int(rng.integers(8, 16))):
                cv2.line(img, (0, y), (w, y), (170, 170, 200), 1)
    else:  # paper with a printed frame or a coloured border just inside the edge
        img = cv2.resize(pools.pages[rng.integers(len(pools.pages))], (w, h), interpolation=cv2.INTER_AREA)
        m = int(rng.integers(2, 25))
        cv2.rectangle(img, (m, m), (w - 1 - m, h - 1 - m), saturated_colour(rng).tolist(), int(rng.integers(1, 12)))
    for _ in range(int(rng.integers(0, 4))):
        colour = (saturated_colour(rng) if rng.random() < 0.5 else rng.integers(0, 256, 3)).tolist()
        bw = int(w * rng.uniform(0.3, 0.9))
        title_block(rng, img, int(rng.integers(0, w - bw + 1)), int(rng.integers(0, int(h * 0.8))), bw, colour)
    return img


def page_image(rng: np.random.Generator, pools: AssetPools) -> np.ndarray:
    if rng.random() < 0.25:
        return cover_page(rng, pools)
    page = pools.pages[rng.integers(len(pools.pages))]
    if rng.random() < 0.15:  # blank or nearly blank paper
        page = np.full_like(page, rng.integers(215, 256))
    elif rng.random() < 0.3:  # paper colour and print contrast vary
        tint = rng.uniform(0.8, 1.0, 3)
        page = (page.astype(np.float32) * tint).astype(np.uint8)
    if rng.random() < 0.5:
        page = np.ascontiguousarray(np.rot90(page, 2))
    return page


def distractor_rect(rng: np.random.Generator, g: int, at: np.ndarray | None = None, scale: float = 0.5) -> np.ndarray:
    w, h = rng.uniform(0.1, 1.0, 2) * scale * g
    ang = rng.uniform(0, math.pi)
    c, s = math.cos(ang), math.sin(ang)
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    pts = pts @ np.array([[c, s], [-s, c]], np.float32)
    centre = rng.uniform(0, g, 2) if at is None else at
    return pts + centre.astype(np.float32)


def add_distractor(rng: np.random.Generator, canvas: np.ndarray, pools: AssetPools,
                   at: np.ndarray | None = None, scale: float = 0.5, paper: bool = True) -> None:
    g = canvas.shape[0]
    kind = rng.integers(0 if paper else 1, 5)
    if at is not None and kind == 3:
        kind = 4
    q = distractor_rect(rng, g, at, scale)
    if kind == 0:  # another paper (unlabelled: only the main document counts)
        warp_onto(canvas, page_image(rng, pools), q)
    elif kind == 1:  # phone / tablet / screen: the hard negatives (rectangles that are not paper)
        sprite, alpha = device_sprite(rng, pools)
        warp_sprite(canvas, sprite, alpha, portrait(q))
    elif kind == 2:  # keyboard: grid of keys
        kb = np.full((120, 360, 3), rng.integers(20, 230), np.uint8)
        key = int(rng.integers(0, 256))
        for y in range(6, 114, 22):
            for x in range(6, 354, 22):
                cv2.rectangle(kb, (x, y), (x + 18, y + 18), (key, key, key), -1)
        warp_onto(canvas, kb, q)
    elif kind == 3:  # table edge / large region boundary: a straight edge crossing the frame
        color = rng.integers(0, 256, 3).tolist()
        p0 = rng.uniform(0, g, 2)
        ang = rng.uniform(0, math.pi)
        d = np.array([math.cos(ang), math.sin(ang)]) * 3 * g
        n = np.array([-d[1], d[0]])
        poly = np.array([p0 - d, p0 + d, p0 + d + n, p0 - d + n], np.float32)
        cv2.fillConvexPoly(canvas, np.round(poly * 16).astype(np.int32), color, lineType=cv2.LINE_AA, shift=4)
    else:  # pen / ruler: a thin bar
        color = rng.integers(0, 256, 3).tolist()
        p0, p1 = rng.uniform(0, g, 2), rng.uniform(0, g, 2)
        cv2.line(canvas, tuple(int(v) for v in p0), tuple(int(v) for v in p1), color, int(rng.integers(2, max(3, g // 40))), cv2.LINE_AA)


def device_quad(rng: np.random.Generator, g: int, aspect: float) -> np.ndarray:
    """A phone or tablet as photographed: its own proportions, often large and near the centre,
    any rotation, a little perspective."""
    h = g * rng.uniform(0.3, 0.95)
    w = h / aspect
    ang = rng.uniform(-math.pi, math.pi) if rng.random() < 0.4 else rng.normal(0, 0.2)
    c, s = math.cos(ang), math.sin(ang)
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    pts = pts @ np.array([[c, s], [-s, c]], np.float32)
    pts += rng.normal(0, 0.03 * w, pts.shape).astype(np.float32)
    return pts + (rng.uniform(0.3, 0.7, 2) * g).astype(np.float32)


def portrait(q: np.ndarray) -> np.ndarray:
    """Re-index corners so the sprite's long side maps onto the rectangle's long side."""
    w, h = np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[3] - q[0])
    return np.roll(q, 1, axis=0) if w > h else q


def rounded_mask(h: int, w: int, r: int) -> np.ndarray:
    m = np.zeros((h, w), np.float32)
    cv2.rectangle(m, (r, 0), (w - 1 - r, h - 1), 1.0, -1)
    cv2.rectangle(m, (0, r), (w - 1, h - 1 - r), 1.0, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
        cv2.circle(m, (cx, cy), r, 1.0, -1, cv2.LINE_AA)
    return m


def device_sprite(rng: np.random.Generator, pools: AssetPools) -> tuple[np.ndarray, np.ndarray]:
    """A phone or tablet: rounded body, thin bezel, bright screen with content or an app grid."""
    h, w = 240, int(240 / rng.uniform(1.3, 2.2))
    body_col = rng.integers(0, 60, 3) if rng.random() < 0.6 else rng.integers(100, 256, 3)
    sprite = np.zeros((h, w, 3), np.uint8)
    sprite[:] = body_col
    bez = int(rng.integers(3, 14))
    sh, sw = h - 2 * bez, w - 2 * bez
    r = rng.random()
    if r < 0.4:
        src = pools.backgrounds[rng.integers(len(pools.backgrounds))]
        screen = cv2.resize(src, (sw, sh))
    elif r < 0.7:  # a light app or web page: the screen that looks most like paper
        page = pools.pages[rng.integers(len(pools.pages))]
        screen = cv2.resize(page, (sw, sh))
        # ...inside a dark body, as on nearly every phone: a light body round a page on screen
        # would be a sheet of paper, and the label would contradict the picture.
        sprite[:] = rng.integers(0, 60, 3)
    else:
        screen = np.zeros((sh, sw, 3), np.uint8)
        screen[:] = rng.integers(0, 256, 3)
        for y in range(12, sh - 20, 34):
            for x in range(8, sw - 20, 30):
                cv2.rectangle(screen, (x, y), (x + 20, y + 20), rng.integers(0, 256, 3).tolist(), -1)
    if rng.random() < 0.15:
        screen[:] = rng.integers(0, 40)  # switched-off screen
    r = int(rng.integers(8, 30))
    sm = rounded_mask(sh, sw, max(2, r - bez))[..., None]
    sprite[bez:bez + sh, bez:bez + sw] = (screen * sm + sprite[bez:bez + sh, bez:bez + sw] * (1 - sm)).astype(np.uint8)
    return sprite, rounded_mask(h, w, r)


def warp_sprite(canvas: np.ndarray, sprite: np.ndarray, alpha: np.ndarray, quad: np.ndarray) -> None:
    g = canvas.shape[0]
    h, w = sprite.shape[:2]
    hm = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32) - 0.5, to_cv(quad))
    warped = cv2.warpPerspective(sprite, hm, (g, g), flags=cv2.INTER_LINEAR)
    m = cv2.warpPerspective(alpha, hm, (g, g), flags=cv2.INTER_LINEAR)[..., None]
    canvas[:] = (canvas * (1 - m) + warped * m).astype(np.uint8)


def add_occluder(rng: np.random.Generator, canvas: np.ndarray, quad: np.ndarray) -> None:
    """A hand, finger or object over one of the document's edges."""
    g = canvas.shape[0]
    i = rng.integers(0, 4)
    t = rng.uniform(0.1, 0.9)
    p = quad[i] * (1 - t) + quad[(i + 1) % 4] * t
    skin = np.array([rng.uniform(150, 240), rng.uniform(100, 190), rng.uniform(80, 160)])
    color = skin if rng.random() < 0.7 else rng.integers(0, 256, 3)
    axes = (int(rng.uniform(0.02, 0.08) * g), int(rng.uniform(0.06, 0.2) * g))
    cv2.ellipse(canvas, (int(p[0]), int(p[1])), axes, float(rng.uniform(0, 180)), 0, 360, color.tolist(), -1, cv2.LINE_AA)


def lighting(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    g = img.shape[0]
    f = img.astype(np.float32)
    yy, xx = np.mgrid[0:g, 0:g].astype(np.float32) / g
    if rng.random() < 0.6:  # uneven light
        gain = 1 + rng.uniform(-0.35, 0.35) * (xx - 0.5) + rng.uniform(-0.35, 0.35) * (yy - 0.5)
        f *= gain[..., None]
    if rng.random() < 0.35:  # cast shadow with a soft edge
        m = np.zeros((g, g), np.float32)
        pts = rng.uniform(-0.2, 1.2, (int(rng.integers(3, 6)), 2)) * g
        cv2.fillPoly(m, [np.round(pts).astype(np.int32)], 1.0)
        m = cv2.GaussianBlur(m, (0, 0), rng.uniform(1, 0.05 * g + 1))
        f *= (1 - rng.uniform(0.2, 0.6) * m)[..., None]
    if rng.random() < 0.2:  # glare
        m = np.zeros((g, g), np.float32)
        cv2.ellipse(m, tuple(int(v) for v in rng.uniform(0, g, 2)), tuple(int(v) for v in rng.uniform(0.03, 0.2, 2) * g),
                    float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
        m = cv2.GaussianBlur(m, (0, 0), rng.uniform(2, 0.05 * g + 2))
        f = f + (255 - f) * (rng.uniform(0.5, 1.0) * m)[..., None]
    f *= rng.uniform(0.8, 1.15, 3)[None, None, :]  # colour cast
    contrast = rng.uniform(0.6, 1.2)
    f = (f - 128) * contrast + 128 + rng.uniform(-30, 30)
    return np.clip(f, 0, 255).astype(np.uint8)


def degrade(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    r = rng.random()
    if r < 0.25:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 2.0))
    elif r < 0.4:  # motion blur
        k = int(rng.integers(3, 9))
        kern = np.zeros((k, k), np.float32)
        kern[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), float(rng.uniform(0, 180)), 1.0)
        kern = cv2.warpAffine(kern, rot, (k, k))
        kern /= max(kern.sum(), 1e-6)
        img = cv2.filter2D(img, -1, kern)
    if rng.random() < 0.5:
        sigma = rng.uniform(1, 10)
        img = np.clip(img.astype(np.float32) + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)
    return img


def jpeg(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    if rng.random() < 0.5:
        ok, buf = cv2.imencode(".jpg", img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 95))])
        if ok:
            img = cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1]
    return img


def draw_label(outline: np.ndarray, size: int, scale: float) -> np.ndarray:
    """The boundary as a 2 px wide anti-aliased ridge centred on the outline's sides (a quad's four,
    or a curved page's many): each pixel's value is the share of it within 1 px of the nearest
    side, from its centre's distance. cv2.polylines is not used: on float images it draws
    unsmoothed 3 px lines, rounded to whole pixels and biased half a pixel right and down."""
    return shapes.polyline_label(outline, size, scale)


# ---------------------------------------------------------------- pages that are not flat quads

def render_page(rng: np.random.Generator, canvas: np.ndarray, texture: np.ndarray, alpha: np.ndarray | None,
                outline: np.ndarray, quad: np.ndarray, field: shapes.Field | None,
                flap: np.ndarray | None = None, shadow: bool = True, shading: float | None = None) -> np.ndarray:
    """Draw a page whose outline (in texture pixels) need not be its texture's rectangle, mapped by
    the homography that takes the texture's rectangle to `quad`, then bent by `field`. Returns the
    drawn outline in canvas pixels (what the label follows)."""
    g = canvas.shape[0]
    h, w = texture.shape[:2]
    rect = shapes.rect_outline(w, h)
    hm = cv2.getPerspectiveTransform(rect.astype(np.float32), quad.astype(np.float32)).astype(np.float64)
    hm_cv = cv2.getPerspectiveTransform(to_cv(rect), to_cv(quad))
    layer = cv2.warpPerspective(texture, hm_cv, (g, g), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    flat = shapes.apply_homography(hm, outline)
    mask = shapes.polygon_coverage(flat, g)
    if alpha is not None:
        mask *= cv2.warpPerspective(alpha, hm_cv, (g, g), flags=cv2.INTER_LINEAR)
    if flap is not None:  # a dog-ear: the corner's back, folded onto the page
        cover = shapes.polygon_coverage(shapes.apply_homography(hm, flap), g)[..., None]
        back = np.median(texture.reshape(-1, 3), 0) * rng.uniform(0.75, 0.95)
        layer = layer * (1 - cover) + back * cover
    drawn = shapes.resample_closed(flat, 4.0)  # chords of 2 output px: under 0.03 px off the curves drawn here
    if field is not None:
        strength = rng.uniform(0.5, 3.0) if shading is None else shading
        layer = shapes.remap_layer(field, layer * shapes.field_shading(field, g, strength)[..., None])
        mask = shapes.remap_layer(field, mask)
        drawn = shapes.displaced_points(field, drawn)
    if shadow:
        off = rng.normal(0, 0.01 * g, 2)
        sm = cv2.warpAffine(mask, np.float32([[1, 0, off[0]], [0, 1, off[1]]]), (g, g))
        sm = cv2.GaussianBlur(sm, (0, 0), rng.uniform(1, 0.02 * g + 1))
        canvas[:] = (canvas * (1 - rng.uniform(0.1, 0.45) * sm[..., None])).astype(np.uint8)
    m = mask[..., None]
    canvas[:] = np.clip(canvas * (1 - m) + layer * m, 0, 255).astype(np.uint8)
    return drawn


def bent_field(rng: np.random.Generator, quad: np.ndarray) -> shapes.Field:
    """Curled, bowed, folded or crumpled: one or two displacement fields over the page."""
    centre = quad.mean(0)
    size = float(np.sqrt(abs(cv2.contourArea(quad.astype(np.float32)))))
    fields = []
    kinds = rng.choice(4, size=int(rng.integers(1, 3)), replace=False, p=[0.4, 0.25, 0.2, 0.15])
    for kind in kinds:
        if kind == 0:
            i = int(rng.integers(0, 4))
            along = quad[(i + 1) % 4] - quad[i]
            fields.append(shapes.bow_field(rng, centre, along, float(np.linalg.norm(along))))
        elif kind == 1:
            i = int(rng.integers(0, 4))
            fields.append(shapes.curl_field(rng, quad[i], centre - quad[i], size))
        elif kind == 2:
            i = int(rng.integers(0, 4))
            t = rng.uniform(0.3, 0.7)
            a = quad[i] * (1 - t) + quad[(i + 1) % 4] * t
            b = quad[(i + 3) % 4] * (1 - t) + quad[(i + 2) % 4] * t
            normal = quad[(i + 1) % 4] - quad[i]
            fields.append(shapes.fold_field(rng, (a + b) / 2, normal))
        else:
            fields.append(shapes.crumple_field(rng, centre, size))
    return shapes.combine(fields)


def special_page(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray, allow_out: bool) -> np.ndarray:
    """A document that is not a flat rectangle: curled or folded pages, dog-ears, cards with
    rounded corners, perforated receipts, spiral notebooks, open books. Returns its outline."""
    g = canvas.shape[0]
    kind = int(rng.choice(6, p=[0.34, 0.14, 0.13, 0.12, 0.14, 0.13]))
    texture = page_image(rng, pools)
    h, w = texture.shape[:2]
    alpha = None
    outline = shapes.rect_outline(w, h)
    flap = None
    bend = kind == 0 or rng.random() < 0.25
    if kind == 1:  # dog-ear
        s = min(w, h) * rng.uniform(0.06, 0.25)
        outline, flap = shapes.dog_eared_outline(w, h, int(rng.integers(0, 4)), s * rng.uniform(0.7, 1.3), s)
    elif kind == 2:  # card with rounded corners
        texture = cv2.resize(texture, (300, int(300 / rng.uniform(1.4, 1.7))), interpolation=cv2.INTER_AREA)
        h, w = texture.shape[:2]
        outline = shapes.rounded_outline(w, h, min(w, h) * rng.uniform(0.04, 0.12))
    elif kind == 3:  # receipt or ticket with perforated or torn ends
        texture = cv2.resize(texture, (int(h / rng.uniform(2.0, 4.0)), h), interpolation=cv2.INTER_AREA)
        h, w = texture.shape[:2]
        sides = ((0,), (2,), (0, 2))[int(rng.integers(0, 3))]
        outline = shapes.torn_outline(w, h, rng, w * rng.uniform(0.02, 0.06), w * rng.uniform(0.01, 0.04), sides)
    elif kind == 4:  # spiral notebook
        texture, alpha = scenes.spiral_notebook(rng, texture)
        if rng.random() < 0.5:
            texture, alpha = texture[:, ::-1].copy(), alpha[:, ::-1].copy()
    elif kind == 5:  # open book: both pages, dipping toward the gutter
        texture = scenes.open_book(rng, texture, page_image(rng, pools))
        h, w = texture.shape[:2]
        outline = shapes.rect_outline(w, h)
    quad = random_doc_quad(rng, g, h / w, allow_out)
    field = None
    if kind == 5:
        spine = (quad[0] + quad[1]) / 2
        along = quad[1] - quad[0]
        field = shapes.combine([shapes.bow_field(rng, spine, along, float(np.linalg.norm(along)) * 2)])
    elif bend:
        field = bent_field(rng, quad)
    return render_page(rng, canvas, texture, alpha, outline, quad, field, flap, shadow=rng.random() < 0.7)


def light_desk(rng: np.random.Generator, g: int) -> tuple[np.ndarray, int]:
    """A pale, nearly plain desk; returns it and its brightness."""
    level = int(rng.integers(200, 250))
    tint = rng.uniform(-8, 8, 3)
    yy, xx = np.mgrid[0:g, 0:g].astype(np.float32) / g
    ramp = rng.uniform(-15, 15) * (xx - 0.5) + rng.uniform(-15, 15) * (yy - 0.5)
    img = level + tint[None, None, :] + ramp[..., None] + rng.normal(0, rng.uniform(0.5, 3), (g, g, 1))
    return np.clip(img, 0, 255).astype(np.uint8), level


def plain_page(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray, allow_out: bool,
               desk_level: int | None, under=None) -> np.ndarray:
    """A flat page (the exact quad path), maybe on a stack of sheets, in a sleeve or a binder.
    On a pale desk the page may differ from it by a few levels only: its edge is then little more
    than the soft shadow under it."""
    g = canvas.shape[0]
    page = page_image(rng, pools)
    soft = desk_level is not None and rng.random() < 0.5
    if soft:
        page = np.full_like(page, int(np.clip(desk_level + rng.integers(-6, 10), 0, 255)))
    aspect = page.shape[0] / page.shape[1]
    quad = random_doc_quad(rng, g, aspect, allow_out=allow_out)
    if under is not None:  # the desk's own lines near the page (veins), drawn before it goes down
        under(quad)
    extras = rng.random()
    if extras < 0.12:  # loose sheets under the page
        for q in scenes.sheet_stack(rng, quad, g):
            sheet = np.full((60, 45, 3), rng.integers(215, 256), np.uint8) if rng.random() < 0.6 else page_image(rng, pools)
            drop_shadow(rng, canvas, q)
            warp_onto(canvas, sheet, q, alpha_blur=rng.uniform(0.3, 1.0))
    elif extras < 0.17:  # a binder's cover under the page
        centre = quad.mean(0)
        cover = (quad - centre) * rng.uniform(1.05, 1.2) + centre + rng.normal(0, 0.01 * g, 2)
        warp_onto(canvas, np.full((40, 30, 3), scenes._col(rng), np.uint8), cover.astype(np.float32))
    if soft or rng.random() < 0.6:
        drop_shadow(rng, canvas, quad)
    warp_onto(canvas, page, quad, alpha_blur=rng.uniform(0.3, 1.0))
    if 0.12 <= extras < 0.17:
        i = int(rng.integers(0, 4))
        scenes.binder(rng, canvas, quad, (quad[i], quad[(i + 1) % 4]))
    elif 0.17 <= extras < 0.23:
        scenes.sleeve(rng, canvas, quad)
    return quad


def nested_quad(quad: np.ndarray, w: float, h: float, margins) -> np.ndarray | None:
    """The outline of something under a w x h page that is larger than it by `margins` (left, top,
    right, bottom, in page pixels), under the same perspective: the homography that takes the
    page's rectangle onto `quad`. None where the larger rectangle would reach past the horizon."""
    hm = cv2.getPerspectiveTransform(shapes.rect_outline(w, h).astype(np.float32), np.asarray(quad, np.float32)).astype(np.float64)
    left, top, right, bottom = margins
    rect = np.array([[-left, -top], [w + right, -top], [w + right, h + bottom], [-left, h + bottom]], np.float64)
    z = np.concatenate([rect, np.ones((4, 1))], 1) @ hm.T
    if np.any(z[:, 2] * hm[2, 2] <= 0.05 * abs(hm[2, 2])):
        return None
    out = (z[:, :2] / z[:, 2:3]).astype(np.float32)
    return out if is_convex(out) else None


def ruled(rng: np.random.Generator, page: np.ndarray) -> np.ndarray:
    """A notebook's paper: light blue rules and, often, a red margin line."""
    img = page.copy()
    h, w = img.shape[:2]
    colour = (int(rng.integers(150, 200)), int(rng.integers(170, 210)), int(rng.integers(205, 240)))
    for y in range(int(rng.integers(8, 30)), h, int(rng.integers(8, 16))):
        cv2.line(img, (0, y), (w, y), colour, 1, cv2.LINE_AA)
    if rng.random() < 0.6:
        x = int(w * rng.uniform(0.08, 0.15))
        cv2.line(img, (x, 0), (x, h), (220, 120, 120), 1, cv2.LINE_AA)
    return img


def page_in_cover(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray, allow_out: bool,
                  under=None, clipboard: bool | None = None, shadow: bool = True,
                  page: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """A page lying in a notebook or folder opened flat whose dark cover is larger than it all
    round, or on a clipboard (a wider margin at the top, a metal clip over the page's top edge).
    The cover's outer edge against the desk is a second rectangle round the page's, a few per cent
    of the frame outside it and often the stronger edge; only the page is the document. Returns the
    page's quad (the label) and the cover's (None if it could not be placed). `under(outline)`
    draws on the desk before the cover goes down."""
    g = canvas.shape[0]
    clipboard = rng.random() < 0.35 if clipboard is None else clipboard
    if page is None:
        # Mostly paper: a colourful cover inside a dark cover is not what these photos show.
        page = page_image(rng, pools) if rng.random() < 0.3 else pools.pages[rng.integers(len(pools.pages))]
        if not clipboard and rng.random() < 0.5:
            page = ruled(rng, page)
    h, w = page.shape[:2]
    quad = random_doc_quad(rng, g, h / w, allow_out)
    if not allow_out and rng.random() < 0.6:  # room for the cover inside the frame
        c = quad.mean(0)
        quad = ((quad - c) * rng.uniform(0.7, 0.9) + c).astype(np.float32)
    if clipboard:
        margins = [w * rng.uniform(0.03, 0.09), h * rng.uniform(0.09, 0.18), w * rng.uniform(0.03, 0.09), h * rng.uniform(0.02, 0.07)]
    else:
        margins = list(rng.uniform(0.02, 0.1, 4) * max(w, h))
    cover = None
    for _ in range(3):
        cover = nested_quad(quad, w, h, margins)
        if cover is not None:
            break
        margins = [m / 2 for m in margins]
    if under is not None:
        under(quad if cover is None else cover)
    if cover is not None:
        if rng.random() < 0.7:
            drop_shadow(rng, canvas, cover)
        cw, ch = int(w + margins[0] + margins[2]), int(h + margins[1] + margins[3])
        tex = scenes.clipboard_board(rng, cw, ch) if clipboard else scenes.dark_cover(rng, cw, ch)
        warp_onto(canvas, tex, cover, alpha_blur=rng.uniform(0.3, 1.0))
    if shadow and rng.random() < 0.4:
        drop_shadow(rng, canvas, quad)
    warp_onto(canvas, page, quad, alpha_blur=rng.uniform(0.3, 1.0) if shadow else 0.0)
    if clipboard and cover is not None:
        hm = cv2.getPerspectiveTransform(shapes.rect_outline(w, h).astype(np.float32), quad.astype(np.float32)).astype(np.float64)
        for poly, grey in scenes.clip_polygons(rng, w, h, margins[1]):
            drawn = shapes.apply_homography(hm, poly)
            off = np.array([0.004, 0.006]) * g
            scenes._blend(canvas, (0, 0, 0), cv2.GaussianBlur(shapes.polygon_coverage(drawn + off, g), (0, 0), 2.0), 0.35)
            scenes._blend(canvas, [grey * 0.55] * 3, shapes.polygon_coverage(drawn, g))
            inner = (drawn - drawn.mean(0)) * 0.92 + drawn.mean(0)
            scenes._blend(canvas, [grey, grey, min(255.0, grey * 1.05)], shapes.polygon_coverage(inner, g))
    return quad, cover


def notebook_page(rng: np.random.Generator, pools: AssetPools, letters: bool = False) -> np.ndarray:
    """A notebook's page: half of them blank ruled paper written on by hand (as the real open
    notebooks are), else a page from the pack, ruled 65% of the time, or any document. `letters`
    (v8) writes letter-like script (`scenes.letter_handwriting`) rather than v7's zigzag runs."""
    if rng.random() < 0.5:
        # (300 px wide: about the most a page spans on the 256 px canvas)
        shape = (int(300 * rng.uniform(0.95, 1.45)), 300, 1)
        blank = rng.uniform(228, 252) - rng.uniform(0, 10, 3).astype(np.float32) + rng.normal(0, 1.5, shape).astype(np.float32)
        blank = np.clip(blank, 0, 255).astype(np.uint8)
        h, w = blank.shape[:2]
        rule = int(rng.integers(10, 18))
        colour = (int(rng.integers(150, 200)), int(rng.integers(170, 210)), int(rng.integers(205, 240)))
        for y in range(int(rng.integers(rule, 3 * rule)), h, rule):
            cv2.line(blank, (0, y), (w, y), colour, int(rng.integers(1, 3)), cv2.LINE_AA)
        return (scenes.letter_handwriting if letters else scenes.handwriting)(rng, blank, rule)
    page = pools.pages[rng.integers(len(pools.pages))] if rng.random() < 0.8 else page_image(rng, pools)
    return ruled(rng, page) if rng.random() < 0.65 else page


def open_spiral_notebook(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray, allow_out: bool,
                         under=None, page: np.ndarray | None = None, facing: bool | None = None,
                         cover: bool | None = None, dark: bool | None = None,
                         shadow: bool = True, look: str = "v7", plastic: bool | None = None) -> tuple[np.ndarray, dict]:
    """An open spiral notebook as the real photos show one: the page (often ruled, often written on)
    bound on one side (right, left or top) by a coil of thick loops whose every turn runs from a hole
    punched in the page, over the page's edge, to the facing page's hole beyond: seen from above, a
    ring of loops centred on the ring line between the two pages. Beyond it the facing page in the
    same plane, often cut by the frame; both often on a dark cover larger than the spread. The label
    is the page with its half of the coil, out to the ring line, as the dev photos are labelled
    (their coil texture runs about as far outside the labelled side as inside it); never the
    facing page, never the cover. Returns the label's quad and the parts drawn: "side" (the bound
    side's index in the quad), "page" (the paper alone, corners in its own frame: bound side 1-2),
    "facing" and "cover" (quads or None), "facing_outline" (v8's lifted facing page as drawn, else
    None), "reach" and "far_reach" (canvas px from the ring line to
    the paper's edge and to the far half's outer end, at the side's middle), "coils" and "far_coils"
    (the two halves' wire coverage).

    `look="v8"` draws the same geometry closer to the photos (v8's family; "v7" is v7's, sample for
    sample): round wire (a dark rim, its colour, a highlight toward one light along each loop's arc;
    `scenes.draw_round_coils`), rounder and larger holes, the facing page lifted by the coil (its
    top and bottom edges curving near the spine, its spine-side edge bowed away from the coil, the
    lifted part lit differently; `scenes.lifted_facing_page`), a gutter shadow darkening both pages
    toward the ring line (`scenes.gutter_shade`), letter-like handwriting, and half the covers grey
    translucent plastic folders (`scenes.plastic_cover`; `plastic` decides). The label is the same
    quad, and the coil's two halves end on it exactly as in v7's."""
    if look not in ("v7", "v8"):
        raise ValueError(f"unknown spiral look {look!r}")
    v8 = look == "v8"
    g = canvas.shape[0]
    if page is None:
        page = notebook_page(rng, pools, letters=v8)
    # Drawn in the page's own frame with the binding on its right (x grows away from the page);
    # the bound side in the picture is the quad's side `side` (1 right, 3 left, 0 top).
    r = rng.random()
    side = 1 if r < 0.42 else 3 if r < 0.84 else 0
    tex = page if side == 1 else np.rot90(page, 2) if side == 3 else np.flipud(page).transpose(1, 0, 2)
    tex = np.ascontiguousarray(tex)
    h, wp = tex.shape[:2]
    unit = float(min(wp, h))
    style = scenes.coil_style(rng, dark)
    if v8:  # one light for the wire's highlights and shadows, from above the picture mostly
        a = rng.normal(-math.pi / 2, 0.8)
        sun = np.array([math.cos(a), math.sin(a)])
    reach = style["reach"] * unit
    pitch = style["pitch"] * 1.4 * unit
    wire = style["wire"] * pitch
    double_gap = 0.0
    if style["double"]:
        wire *= 0.7
        double_gap = wire * rng.uniform(1.1, 1.5)
    wire = min(wire, reach * 0.45)
    ry = max(wire * 0.9, pitch * rng.uniform(0.12, 0.2))
    if v8 and not style["double"]:  # open C-shaped rings with the paper showing inside, as photographed
        ry = max(ry, min(pitch * rng.uniform(0.2, 0.3), (pitch - wire) * 0.45))
    hole_in = style["hole_in"] * reach
    wl = wp + reach
    aspect = h / wl if side % 2 else wl / h
    quad = random_doc_quad(rng, g, aspect, allow_out)
    if rng.random() < 0.6:  # mostly filling the frame, as people photograph an open notebook
        for _ in range(2):
            other = random_doc_quad(rng, g, aspect, allow_out)
            if abs(cv2.contourArea(other)) > abs(cv2.contourArea(quad)):
                quad = other
    elif not allow_out and rng.random() < 0.3:  # room for the facing page and the cover in the frame
        c = quad.mean(0)
        quad = ((quad - c) * rng.uniform(0.65, 0.9) + c).astype(np.float32)
    corners = quad[[(i + side - 1) % 4 for i in range(4)]]
    hm = cv2.getPerspectiveTransform(shapes.rect_outline(wl, h).astype(np.float32), corners.astype(np.float32)).astype(np.float64)

    def plane(x0: float, y0: float, x1: float, y1: float) -> np.ndarray | None:
        """A rectangle of the page's plane in the picture (None past the horizon), corners in the
        page frame's order, so that a texture warped onto it keeps the page's orientation."""
        return nested_quad(corners, wl, h, (-x0, -y0, x1 - wl, y1 - h))

    def to_image(pts: np.ndarray) -> np.ndarray:
        return shapes.apply_homography(hm, np.asarray(pts, np.float64))

    facing = rng.random() < 0.8 if facing is None else facing
    cover = rng.random() < 0.55 if cover is None else cover
    # The coil's far half: from the ring line (the label's bound side) out to the facing page's
    # edge, its holes beyond that.
    reach2 = reach * rng.uniform(0.7, 1.1)
    hole_in2 = reach2 * style["hole_in"] * rng.uniform(0.8, 1.2)
    xf = wl + reach2
    dy = h * rng.normal(0, 0.01)
    facing_quad, facing_w, facing_outline = None, 0.0, None
    if facing:
        for frac in (1.0, 0.6, 0.35, 0.15):
            facing_quad = plane(xf, dy, xf + wp * frac, h + dy)
            if facing_quad is not None:
                facing_w = wp * frac
                break
    cover_quad, cover_size = None, (0, 0)
    if cover:
        far = (xf + facing_w) if facing_quad is not None else xf + hole_in2 + reach * rng.uniform(0.3, 1.0)
        m = rng.uniform(0.01, 0.06, 4) * unit
        for _ in range(3):
            cover_quad = plane(-m[0], -m[1], far + m[2], h + m[3])
            if cover_quad is not None:
                cover_size = (int(far + m[0] + m[2]), int(h + m[1] + m[3]))
                break
            m = m / 2
            far = wl + (far - wl) / 2
    if under is not None:
        under(quad if cover_quad is None else cover_quad)
    hole_colour = scenes._col(rng, 15, 60)
    if cover_quad is not None:
        if shadow and rng.random() < 0.7:
            drop_shadow(rng, canvas, cover_quad)
        if v8 and (rng.random() < 0.5 if plastic is None else plastic):  # the photos' grey plastic folders
            tex_cover = scenes.plastic_cover(rng, *cover_size)
        else:
            tex_cover = scenes.dark_cover(rng, *cover_size)
        warp_onto(canvas, tex_cover, cover_quad, alpha_blur=rng.uniform(0.3, 1.0) if shadow else 0.0)
        hole_colour = np.median(tex_cover[::8, ::8].reshape(-1, 3), 0).tolist()
    n_loops = max(2, int((h - pitch * 0.5) // pitch))
    ys = (np.arange(n_loops) + 0.5) * pitch + (h - n_loops * pitch) / 2

    def holes(x: float, shade: float) -> None:
        r = max(wire * 0.5, ry * 0.35) if not v8 else max(wire * 0.65, ry * 0.45)
        at = ys if double_gap == 0 else np.concatenate([ys - double_gap / 2, ys + double_gap / 2])
        lines = [to_image([[x, y - r * 0.2], [x, y + r * 0.2]]) for y in at]
        scale = np.linalg.norm(to_image([[x, h / 2 + 1]]) - to_image([[x, h / 2]]))
        scenes._blend(canvas, np.asarray(hole_colour, np.float32) * shade,
                      scenes.stroke_coverage(lines, [2 * r * scale] * len(lines), g))

    def coils(edge: float, outward: float, length: float, inset: float, shade: float) -> np.ndarray:
        lines = scenes.coil_centrelines(edge, outward, inset, length, ys, ry, wire, double_gap)
        img = [to_image(pts) for pts in lines]
        # the wire's width in canvas px where its far end is, measured across the binding (the
        # direction in which its reach must come out exact)
        widths = [float(np.linalg.norm(to_image(pts[7:8] + [[wire / 2, 0]]) - to_image(pts[7:8] - [[wire / 2, 0]])))
                  for pts in lines]
        if v8:
            return scenes.draw_round_coils(rng, canvas, img, widths, style, sun, shade, shadow)
        return scenes.draw_coils(rng, canvas, img, widths, style, shade, shadow)

    if facing_quad is not None:
        other = notebook_page(rng, pools)
        other = cv2.resize(other if side == 1 else np.rot90(other, 2) if side == 3 else np.flipud(other).transpose(1, 0, 2), (int(wp), int(h)), interpolation=cv2.INTER_AREA)
        other = other[:, :max(1, int(round(other.shape[1] * facing_w / wp)))]
        light = rng.uniform(0.6, 1.0) if shadow else 1.0  # the facing page often lies in shade
        if v8:  # lifted by the coil: curved edges near the spine, never reaching back toward the ring line
            lifted, lifted_outline = scenes.lifted_facing_page(rng, other, hole_in2 * 0.5 * other.shape[1] / max(facing_w, 1e-6))
            facing_outline = render_page(rng, canvas, np.clip(lifted.astype(np.float32) * light, 0, 255).astype(np.uint8),
                                         None, lifted_outline, facing_quad, None, shadow=False)
        else:
            warp_onto(canvas, np.clip(other.astype(np.float32) * light, 0, 255).astype(np.uint8), facing_quad,
                      alpha_blur=rng.uniform(0.3, 1.0) if shadow else 0.0)
        holes(xf + hole_in2, light)
    else:
        light = rng.uniform(0.8, 1.0) if shadow else 1.0
    if not v8 and shadow and rng.random() < 0.6:  # the gutter: shade where the pages dip toward the coil
        band = plane(wp - reach * rng.uniform(0.3, 1.5), -h * 0.05, xf + reach * rng.uniform(0.2, 1.0), h * 1.05)
        if band is not None:
            m = cv2.GaussianBlur(shapes.polygon_coverage(band, g), (0, 0), rng.uniform(1.0, 0.02 * g + 1))
            canvas[:] = (canvas * (1 - rng.uniform(0.15, 0.45) * m[..., None])).astype(np.uint8)
    # The far half meets the near one's loop ends on the ring line, each turn one oval across it.
    far_drawn = coils(xf, -1.0, reach2, hole_in2, light * (rng.uniform(0.85, 1.0) if shadow else 1.0))
    page_quad = plane(0, 0, wp, h)
    if shadow and rng.random() < 0.4:
        drop_shadow(rng, canvas, page_quad)
    warp_onto(canvas, tex, page_quad, alpha_blur=rng.uniform(0.3, 1.0) if shadow else 0.0)
    if v8 and shadow and rng.random() < 0.85:  # the gutter, over both pages and the far coil
        gutter_at = wl + rng.uniform(-0.3, 0.3) * reach
        scenes.gutter_shade(rng, canvas, hm, gutter_at, h, reach * rng.uniform(0.5, 3.0), reach * rng.uniform(1.0, 5.0))
    holes(wp - hole_in, 1.0)
    drawn = coils(wp, 1.0, reach, hole_in, 1.0)
    mid = to_image([[wp, h / 2], [wl, h / 2], [xf + hole_in2 + wire / 2, h / 2]])
    return quad.astype(np.float32), {"side": side, "page": page_quad, "facing": facing_quad, "cover": cover_quad,
                                     "facing_outline": facing_outline,
                                     "reach": float(np.linalg.norm(mid[1] - mid[0])),
                                     "far_reach": float(np.linalg.norm(mid[2] - mid[1])),
                                     "coils": drawn, "far_coils": far_drawn}


def held_against_pale(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray, allow_out: bool,
                      card: bool | None = None, page: np.ndarray | None = None,
                      shadow: bool = True) -> tuple[np.ndarray, np.ndarray, int]:
    """A pale card or page in front of a white wall or desk on one side and something dark on
    the other (held up in front of a shirt, half over a dark desk): one side has almost no
    contrast, the opposite ones a strong one, and the sides between change contrast along their
    length. Replaces the canvas's background. Returns the drawn outline (the label), the quad of
    the page's rectangle and the index of its side against the pale backdrop."""
    g = canvas.shape[0]
    card = rng.random() < 0.55 if card is None else card
    if page is None:
        page = pools.pages[rng.integers(len(pools.pages))]
        page = scenes.id_card(rng, page, pools.backgrounds) if card else page
    h, w = page.shape[:2]
    outline = shapes.rounded_outline(w, h, min(w, h) * rng.uniform(0.04, 0.1)) if card else shapes.rect_outline(w, h)
    quad = random_doc_quad(rng, g, h / w, allow_out)
    rim = np.concatenate([page[:3].reshape(-1, 3), page[-3:].reshape(-1, 3), page[:, :3].reshape(-1, 3), page[:, -3:].reshape(-1, 3)])
    level = float(np.clip(np.median(rim) + rng.uniform(-12, 8), 180, 255))
    if rng.random() < 0.5:
        dark = background(rng, pools, g).astype(np.float32) * rng.uniform(0.1, 0.4)
    else:
        dark = np.asarray(scenes._col(rng, 5, 70), np.float32)[None, None, :] + rng.normal(0, 3, (g, g, 1))
    side = int(rng.integers(0, 4))
    here = (quad[side] + quad[(side + 1) % 4]) / 2
    there = (quad[(side + 2) % 4] + quad[(side + 3) % 4]) / 2
    along = quad[(side + 1) % 4] - quad[side]
    ang = rng.normal(0, 0.3)
    c, s = math.cos(ang), math.sin(ang)
    direction = np.array([c * along[0] - s * along[1], s * along[0] + c * along[1]])
    scenes.split_backdrop(rng, canvas, level, dark, here + (there - here) * rng.uniform(0.25, 0.75), direction, there)
    drawn = render_page(rng, canvas, page, None, outline, quad, None, shadow=shadow and rng.random() < 0.3)
    if shadow and rng.random() < 0.5:  # held in a hand
        scenes.hand(rng, canvas, quad)
    return drawn, quad, side


def page_in_sleeve(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray, allow_out: bool,
                   under=None, page: np.ndarray | None = None, curl: bool | None = None,
                   shadow: bool = True, sleeve_over: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A page in a clear plastic sleeve a little larger than it, turned a few degrees inside it and
    often with a lifted top corner, so the sleeve's straight top edge runs above the page's slanted
    or curled one. The sleeve's edge is drawn bright and is not the document; the page's is.
    Returns the page's drawn outline (the label), its quad before any curl, and the sleeve's quad.
    `sleeve_over=False` leaves the sleeve off (the last thing drawn), for measuring the page alone."""
    g = canvas.shape[0]
    if page is None:
        page = page_image(rng, pools) if rng.random() < 0.3 else pools.pages[rng.integers(len(pools.pages))]
    h, w = page.shape[:2]
    sw, sh = w * rng.uniform(1.03, 1.1), h * rng.uniform(1.04, 1.12)
    sleeve = random_doc_quad(rng, g, sh / sw, allow_out)
    hs = cv2.getPerspectiveTransform(shapes.rect_outline(sw, sh).astype(np.float32), sleeve.astype(np.float32)).astype(np.float64)
    # The page in sleeve coordinates: turned by 1-5 degrees about its centre, its highest corner
    # 1-6% of its height below the sleeve's top, shrunk if it would not fit.
    theta = rng.choice([-1.0, 1.0]) * rng.uniform(0.02, 0.09)
    c, s = math.cos(theta), math.sin(theta)
    pts = (shapes.rect_outline(w, h) - [w / 2, h / 2]) @ np.array([[c, s], [-s, c]])
    gap = h * rng.uniform(0.01, 0.06)
    span = pts.max(0) - pts.min(0)
    k = min(1.0, (sw * 0.99) / span[0], (sh - gap * 1.01) / span[1])
    pts = pts * k
    pts += [sw / 2 + rng.uniform(-0.5, 0.5) * (sw - span[0] * k) * 0.9, gap - pts[:, 1].min()]
    quad = shapes.apply_homography(hs, pts).astype(np.float32)
    if under is not None:
        under(sleeve)
    field = None
    if curl if curl is not None else rng.random() < 0.7:  # a lifted top corner, curling in
        i = int(rng.integers(0, 2))
        size = float(np.sqrt(abs(cv2.contourArea(quad))))
        field = shapes.combine([shapes.curl_field(rng, quad[i].astype(np.float64), quad.mean(0) - quad[i], size * 0.6)])
    drawn = render_page(rng, canvas, page, None, shapes.rect_outline(w, h), quad, field,
                        shadow=shadow and rng.random() < 0.6, shading=rng.uniform(0.2, 1.2) if shadow else 0.0)
    if sleeve_over:
        scenes.clear_sleeve(rng, canvas, sleeve)
    return drawn, quad, sleeve


def add_non_documents(rng: np.random.Generator, canvas: np.ndarray, pools: AssetPools) -> None:
    """The negatives' main subject: a phone or tablet (the rectangle most often pointed at by
    mistake), or a screen, laptop, frame, window, door, bed, shelf, printer or whiteboard."""
    g = canvas.shape[0]
    for _ in range(1 if rng.random() < 0.8 else 2):
        if rng.random() < 0.45:
            sprite, alpha = device_sprite(rng, pools)
            q = device_quad(rng, g, sprite.shape[0] / sprite.shape[1])
        else:
            sprite, alpha = scenes.non_document(rng, pools.backgrounds, pools.pages)
            q = random_doc_quad(rng, g, sprite.shape[0] / sprite.shape[1], allow_out=rng.random() < 0.5)
        warp_sprite(canvas, sprite, alpha, q)
        if rng.random() < 0.3:
            if rng.random() < 0.5:
                scenes.hand(rng, canvas, q)
            else:
                add_occluder(rng, canvas, q)


DESK_FAMILIES = ("machine", "laptop", "boxy")
# v10's: pale, flat, rectangular office things the v9 fine-tunes took for pages (see desks.py); apart
# from DESK_FAMILIES so that v6-v9 draw exactly what they drew before.
HOLDER_FAMILIES = ("organiser", "tray")


def desk_scene(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray,
               family: str | None = None) -> tuple[str, list[np.ndarray]]:
    """One of v6's scenes with no paper anywhere (or, when asked for, one of v10's HOLDER_FAMILIES;
    it repaints the whole canvas, so nothing drawn before, paper included, survives): returns its
    family and the outlines of what it drew."""
    family = DESK_FAMILIES[int(rng.integers(len(DESK_FAMILIES)))] if family is None else family
    g = canvas.shape[0]
    if family == "machine":
        canvas[:] = background(rng, pools, g)  # a floor, a wall, a desk
        return family, desks.office_machine(rng, canvas)
    if family == "tray":
        canvas[:] = background(rng, pools, g)
        return family, desks.paper_tray(rng, canvas)
    if family == "organiser":
        canvas[:] = desks.wood_desk(rng, g) if rng.random() < 0.8 else background(rng, pools, g)
        return family, desks.pale_organiser_desk(rng, canvas)
    canvas[:] = desks.wood_desk(rng, g) if rng.random() < 0.85 else background(rng, pools, g)
    return family, (desks.laptop_desk if family == "laptop" else desks.boxy_desk)(rng, canvas)


def page_among_things(rng: np.random.Generator, pools: AssetPools, canvas: np.ndarray,
                      family: str | None = None, page: np.ndarray | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """A flat page lying among v6's things (on a machine, beside a laptop, by boxes): the same
    straight edges and panels, and a page with paper texture, print, a thin edge and a shadow.
    Returns the page's quad (the label) and the things' outlines."""
    g = canvas.shape[0]
    _, things = desk_scene(rng, pools, canvas, family)
    if page is None:  # mostly printed white paper: the contrast to teach is paper against plastic and wood
        page = pools.pages[rng.integers(len(pools.pages))] if rng.random() < 0.8 else page_image(rng, pools)
    quad = random_doc_quad(rng, g, page.shape[0] / page.shape[1], allow_out=False)
    c = quad.mean(0)
    quad = ((quad - c) * rng.uniform(0.45, 0.85) + c).astype(np.float32)
    drop_shadow(rng, canvas, quad)
    warp_onto(canvas, page, quad, alpha_blur=rng.uniform(0.3, 1.0))
    return quad, things


@dataclass(frozen=True)
class Mix:
    """How often each kind of scene is drawn. Shares of a positive image are conditional on it being
    one (a page is special with `special`, else plain)."""
    negative: float = 0.25
    pale_desk: float = 0.15  # white on white, edges that are only a shadow (always with pens)
    distractors: tuple = (0, 0, 1, 1, 2, 3)  # drawn uniformly: how many other things on the desk
    special: float = 0.45  # bent, dog-eared, card, receipt, notebook, book, stack, binder, sleeve
    hand: float = 0.2  # a hand holding the page
    occluder: float = 0.1  # an older ellipse occluder over an edge (given no hand)
    pens: float = 0.12  # pens and cables across the edges
    on_page: float = 0.12  # something small lying on the page
    # v5's families (shares of positive images, drawn before `special`; 0 draws nothing from the
    # random stream, so the older mixes give the very same samples as before they existed):
    cover: float = 0.0  # a page in a dark notebook or folder cover larger than it, or on a clipboard
    pale_side: float = 0.0  # a pale card or page with one side against a white wall, the others dark
    sleeve: float = 0.0  # a slanted or curled page in a clear sleeve whose straight top edge runs above it
    marble: float = 0.0  # share of the images not on a pale desk (with a document or not) on veined stone
    # v6's families (0 draws nothing, as above): office machines, desk strips beside a laptop cut by
    # the frame, boxy desk objects; `desk_negative` of the negatives are one of them (no paper),
    # `desk_page` of the positives a page lying among the same things.
    desk_negative: float = 0.0
    desk_page: float = 0.0
    # v7's family (0 draws nothing, as above): an open spiral notebook with thick dark coils and the
    # facing page beyond them, labelled out to the coil's ring line (see `open_spiral_notebook`).
    spiral: float = 0.0
    # v8's family (0 draws nothing, as above): the same notebook drawn closer to the real photos
    # (round shaded wire, a lifted facing page, a gutter shadow, letter-like handwriting; see
    # `open_spiral_notebook`'s `look="v8"`), with the same label.
    spiral_v8: float = 0.0
    # v10's families (0 draws nothing, as above): `holder_negative` of the negatives are a pale desk
    # organiser or a printer's paper tray close up (HOLDER_FAMILIES, no paper); `holder_page` of the
    # positives a page lying by the organiser or on the tray.
    holder_negative: float = 0.0
    holder_page: float = 0.0
    holder_families: tuple = HOLDER_FAMILIES  # which of them are drawn (one alone, to measure it)
    # Decide first whether the image has a document, so that a negative's desk clutter holds no sheet
    # of paper. Off in v3-v5, whose negatives drew their clutter (papers included) before deciding:
    # about a fifth of them showed an unlabelled sheet, teaching that paper is not a document.
    paperless_negatives: bool = False


# The mix the v3 and v3b runs trained on (and the fixed validation set is drawn from).
V3_MIX = Mix()
# v4: a flat page with nothing on or over it is the commonest real photo, and v3's mix drew it for only
# about a third of the positives (0.55 x 0.7 x 0.88); v3b's losses were exactly such pages. Here it
# is about a half (0.7 x 0.82 x 0.92 of the non-pale desks).
V4_MIX = Mix(special=0.3, hand=0.12, occluder=0.06, pens=0.08, on_page=0.08)
# Validation slices that show drift toward the synthetic world early: a plain page on a plain desk,
# and scenes with no document at all.
PLAIN_MIX = Mix(negative=0.0, pale_desk=0.0, distractors=(0, 0, 1), special=0.0, hand=0.0, occluder=0.0,
                pens=0.0, on_page=0.0)
NEGATIVE_MIX = Mix(negative=1.0)
# v5: v4 plus the scenes the dev photos' edge maps showed missing (see models/MODEL.md, "v5 mix").
V5_MIX = Mix(special=0.3, hand=0.12, occluder=0.06, pens=0.08, on_page=0.08, cover=0.08, pale_side=0.06,
             sleeve=0.05, marble=0.1)
# v6: v5 plus the scenes v3-family models took for pages (see models/MODEL.md, "v6 mix").
V6_MIX = Mix(special=0.3, hand=0.12, occluder=0.06, pens=0.08, on_page=0.08, cover=0.08, pale_side=0.06,
             sleeve=0.05, marble=0.1, desk_negative=0.4, desk_page=0.05, paperless_negatives=True)
# v7: v6 plus open spiral notebooks (see models/MODEL.md, "v7 mix"): 4.5% of positives, with the
# special pages' older thin-wire notebooks (0.71 x 0.3 x 0.14 = 3.0%) about 7.5% of them spirals.
V7_MIX = Mix(special=0.3, hand=0.12, occluder=0.06, pens=0.08, on_page=0.08, cover=0.08, pale_side=0.06,
             sleeve=0.05, marble=0.1, desk_negative=0.4, desk_page=0.05, paperless_negatives=True, spiral=0.045)
# v8: v7 with its open spiral notebooks drawn the v8 way (see models/MODEL.md, "v8 mix"): the same
# 4.5% of positives, every one of them closer to the photos; nothing else changes.
V8_MIX = Mix(special=0.3, hand=0.12, occluder=0.06, pens=0.08, on_page=0.08, cover=0.08, pale_side=0.06,
             sleeve=0.05, marble=0.1, desk_negative=0.4, desk_page=0.05, paperless_negatives=True, spiral_v8=0.045)
# v9: the scenes the previous network learned from (before v3: a flat page among phones, papers and
# pens, an ellipse over an edge, something lying on it) as the large majority, v3-v8's families a
# minority (see models/MODEL.md, "wide-v11"): every fine-tune on v3-v8's own mixes lost real
# non-documents and plain pages the previous network got right.
V9_MIX = Mix(pale_desk=0.04, special=0.1, hand=0.06, occluder=0.19, pens=0.03, on_page=0.1, cover=0.02,
             pale_side=0.01, sleeve=0.01, marble=0.03, desk_negative=0.1, desk_page=0.01, paperless_negatives=True,
             spiral_v8=0.06)
# v10: v9 plus pale organisers and paper trays (see models/MODEL.md, "wide-v13"): a fifth of the
# negatives, and a page on or by them for 1% of the positives, so that what is learnt is paper
# against pale plastic, not pale plastic.
V10_MIX = replace(V9_MIX, holder_negative=0.2, holder_page=0.01)
MIXES = {"v3": V3_MIX, "v4": V4_MIX, "v5": V5_MIX, "v6": V6_MIX, "v7": V7_MIX, "v8": V8_MIX, "v9": V9_MIX,
         "v10": V10_MIX}


def family_shares(mix: Mix) -> tuple[tuple[str, float], ...]:
    """The v5-v10 families a positive image may be drawn as, with their shares, in drawing order."""
    return (("cover", mix.cover), ("pale_side", mix.pale_side), ("sleeve", mix.sleeve), ("desk_page", mix.desk_page),
            ("spiral", mix.spiral), ("spiral_v8", mix.spiral_v8), ("holder_page", mix.holder_page))


def pick_family(rng: np.random.Generator, mix: Mix) -> str | None:
    """Which of the v5-v10 families a positive image is, if any (draws nothing when none is in
    the mix; a family at 0 changes no other family's draws)."""
    shares = family_shares(mix)
    if sum(s for _, s in shares) <= 0:
        return None
    r = rng.random()
    for name, share in shares:
        if r < share:
            return name
        r -= share
    return None


def make_sample(rng: np.random.Generator, pools: AssetPools, size: int, negative_rate: float | None = None,
                mix: Mix = V3_MIX):
    """Returns (image uint8 [size, size, 3] RGB, label float32 [size, size], outline or None in
    output pixels: the page's corners for a flat page, its drawn boundary for a curved one).
    `negative_rate`, when given, overrides the mix's share of images without a document."""
    negative_rate = mix.negative if negative_rate is None else negative_rate
    g = size * 2
    desk_level = None
    marble = None
    if rng.random() < mix.pale_desk:
        canvas, desk_level = light_desk(rng, g)
    elif mix.marble > 0 and rng.random() < mix.marble:
        canvas, marble = scenes.marble_surface(rng, g)
    else:
        canvas = background(rng, pools, g)
    negative = bool(rng.random() < negative_rate) if mix.paperless_negatives else None
    for _ in range(int(rng.choice(list(mix.distractors)))):
        if negative is None:
            add_distractor(rng, canvas, pools)
        else:
            add_distractor(rng, canvas, pools, paper=not negative)
    outline = None
    if (rng.random() >= negative_rate) if negative is None else not negative:
        allow_out = rng.random() < 0.2
        family = pick_family(rng, mix)
        # On marble, veins run close beside the page (or its cover), nearly parallel to a side.
        under = None if marble is None else (lambda q: scenes.veins_near(rng, canvas, marble, q))
        if family == "cover":
            outline, _ = page_in_cover(rng, pools, canvas, allow_out, under)
        elif family == "sleeve":
            outline, _, _ = page_in_sleeve(rng, pools, canvas, allow_out, under)
        elif family == "pale_side":
            outline, _, _ = held_against_pale(rng, pools, canvas, allow_out)
        elif family == "desk_page":
            outline, _ = page_among_things(rng, pools, canvas)
        elif family == "holder_page":
            outline, _ = page_among_things(rng, pools, canvas, mix.holder_families[int(rng.integers(len(mix.holder_families)))])
        elif family == "spiral":
            outline, _ = open_spiral_notebook(rng, pools, canvas, allow_out, under)
        elif family == "spiral_v8":
            outline, _ = open_spiral_notebook(rng, pools, canvas, allow_out, under, look="v8")
        elif rng.random() < mix.special:
            outline = special_page(rng, pools, canvas, allow_out)
        else:
            outline = plain_page(rng, pools, canvas, allow_out, desk_level, under)
        r = rng.random()
        if r < mix.hand:
            scenes.hand(rng, canvas, outline)
        elif r < mix.hand + mix.occluder:
            add_occluder(rng, canvas, outline[np.linspace(0, len(outline), 4, endpoint=False).astype(int)])
        if desk_level is not None or rng.random() < mix.pens:
            scenes.pens_and_cables(rng, canvas, outline)
        if rng.random() < mix.on_page:
            c = outline.mean(0)
            p = outline[int(rng.integers(len(outline)))]
            add_distractor(rng, canvas, pools, at=c + (p - c) * rng.uniform(0.1, 0.6), scale=0.2)
    elif mix.holder_negative > 0 and rng.random() < mix.holder_negative:
        desk_scene(rng, pools, canvas, mix.holder_families[int(rng.integers(len(mix.holder_families)))])
    elif mix.desk_negative > 0 and rng.random() < mix.desk_negative:
        desk_scene(rng, pools, canvas)
    else:
        for _ in range(int(rng.integers(1, 3))):
            # No paper here: a sheet of paper is a document, and this image must have none.
            add_distractor(rng, canvas, pools, paper=False)
        if rng.random() < 0.9:
            add_non_documents(rng, canvas, pools)
    canvas = lighting(rng, canvas)
    canvas = degrade(rng, canvas)
    img = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)
    img = np.ascontiguousarray(jpeg(rng, img))
    if outline is None:
        return img, np.zeros((size, size), np.float32), None
    return img, draw_label(outline, size, size / g), np.asarray(outline, np.float64) * (size / g)
