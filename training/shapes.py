"""Outlines that are not straight quads: curled, bent and folded pages, dog-ears, rounded corners,
torn or perforated ends, and the exact label of whatever boundary is drawn.

Coordinates follow synth.py: pixel i covers [i, i + 1), so its centre is i + 0.5.

A bent page is drawn flat (a homography, as any page), then the whole page layer is resampled with
cv2.remap through M(x) = x - d(x), where d is a smooth displacement field with |grad d| < 1. A point
p of the flat outline therefore appears where x - d(x) = p: x = p + d(x), a contraction, which a
few fixed-point steps solve to 1e-4 px. So the label follows the drawn boundary exactly, whatever
the field, without ever inverting the warp for the image.
"""
from __future__ import annotations

import math
from typing import Callable

import cv2
import numpy as np

Field = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""d(x, y) -> (dx, dy): a displacement in canvas pixels, elementwise over arrays of any shape."""


# ---------------------------------------------------------------- distances, labels, coverage

def segment_distance(poly: np.ndarray, size: int, band: float, closed: bool = True) -> np.ndarray:
    """Distance from each pixel centre to the nearest segment of `poly` (N x 2), computed only within
    `band` px of a segment (inf elsewhere): per segment only its bounding box, so a curve of a
    hundred short segments costs about what four long sides do."""
    q = np.asarray(poly, np.float64)
    dist = np.full((size, size), np.inf)
    n = len(q) if closed else len(q) - 1
    for i in range(n):
        a, b = q[i], q[(i + 1) % len(q)]
        x0 = max(0, int(math.floor(min(a[0], b[0]) - band)))
        x1 = min(size, int(math.ceil(max(a[0], b[0]) + band)) + 1)
        y0 = max(0, int(math.floor(min(a[1], b[1]) - band)))
        y1 = min(size, int(math.ceil(max(a[1], b[1]) + band)) + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        xs = np.arange(x0, x1, dtype=np.float64)[None, :] + (0.5 - a[0])  # relative to a
        ys = np.arange(y0, y1, dtype=np.float64)[:, None] + (0.5 - a[1])
        d = b - a
        t = np.clip((xs * d[0] + ys * d[1]) * (1.0 / max(float(d @ d), 1e-12)), 0.0, 1.0)
        seg = np.hypot(xs - t * d[0], ys - t * d[1])
        np.minimum(dist[y0:y1, x0:x1], seg, out=dist[y0:y1, x0:x1])
    return dist


def polyline_label(poly: np.ndarray, size: int, scale: float, closed: bool = True) -> np.ndarray:
    """The boundary as a 2 px wide anti-aliased ridge: each pixel's share within 1 px of the nearest
    segment, from its centre's distance (the same ridge draw_label gives a quad)."""
    dist = segment_distance(np.asarray(poly, np.float64) * scale, size, 1.5, closed)
    return np.clip(1.5 - dist, 0.0, 1.0).astype(np.float32)


def inside(poly: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Even-odd test of points against a closed polygon (vectorised over points)."""
    q = np.asarray(poly, np.float64)
    res = np.zeros(xs.shape, bool)
    for i in range(len(q)):
        a, b = q[i], q[(i + 1) % len(q)]
        crosses = (a[1] > ys) != (b[1] > ys)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = a[0] + (ys - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
        res ^= crosses & (xs < xc)
    return res


def polygon_coverage(poly: np.ndarray, g: int) -> np.ndarray:
    """Anti-aliased coverage of any simple polygon: 0.5 + signed distance to the boundary within a
    pixel of it, a plain fill elsewhere. (cv2.fillPoly alone neither anti-aliases nor puts the
    boundary where the coordinates say, to a pixel.)"""
    q = np.asarray(poly, np.float64)
    fill = np.zeros((g, g), np.uint8)
    cv2.fillPoly(fill, [np.round((q - 0.5) * 256).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=8)
    cover = fill.astype(np.float32)
    dist = segment_distance(q, g, 1.5)
    ys, xs = np.nonzero(dist < 1.5)
    sign = np.where(inside(q, xs + 0.5, ys + 0.5), 1.0, -1.0)
    cover[ys, xs] = np.clip(0.5 + sign * dist[ys, xs], 0.0, 1.0)
    return cover


# ---------------------------------------------------------------- outlines in page coordinates

def resample_closed(poly: np.ndarray, step: float) -> np.ndarray:
    """Points every `step` px along a closed polygon, keeping its vertices (corners stay sharp)."""
    out = []
    q = np.asarray(poly, np.float64)
    for i in range(len(q)):
        a, b = q[i], q[(i + 1) % len(q)]
        n = max(1, int(math.ceil(np.linalg.norm(b - a) / step)))
        t = np.arange(n)[:, None] / n
        out.append(a + (b - a) * t)
    return np.concatenate(out)


def rect_outline(w: float, h: float) -> np.ndarray:
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)


def rounded_outline(w: float, h: float, r: float, per_arc: int = 8) -> np.ndarray:
    """A card: a w x h rectangle with corners rounded to radius r (clockwise from the top left)."""
    pts = []
    for cx, cy, a0 in ((w - r, r, -90), (w - r, h - r, 0), (r, h - r, 90), (r, r, 180)):
        for k in range(per_arc + 1):
            a = math.radians(a0 + 90 * k / per_arc)
            pts.append([cx + r * math.cos(a), cy + r * math.sin(a)])
    return np.array(pts, np.float64)


def dog_eared_outline(w: float, h: float, corner: int, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """The page with one corner folded over: the outline (a pentagon) and the folded flap, the
    corner triangle mirrored across the fold line onto the page."""
    rect = rect_outline(w, h)
    c = rect[corner]
    prev, nxt = rect[(corner - 1) % 4], rect[(corner + 1) % 4]
    p = c + (prev - c) / np.linalg.norm(prev - c) * a
    n = c + (nxt - c) / np.linalg.norm(nxt - c) * b
    outline = np.concatenate([rect[:corner], [p, n], rect[corner + 1:]])
    u = (n - p) / np.linalg.norm(n - p)
    foot = p + u * ((c - p) @ u)
    flap = np.array([p, n, 2 * foot - c])
    return outline, flap


def torn_outline(w: float, h: float, rng: np.random.Generator, tooth: float, depth: float,
                 sides: tuple[int, ...]) -> np.ndarray:
    """A receipt or ticket: the chosen short sides (0 top, 2 bottom) are a row of perforation
    teeth (a zigzag `depth` deep), the others straight."""
    top = [[0.0, 0.0]]
    bottom = [[w, h]]
    n = max(2, int(w / tooth))
    for k in range(1, n):
        x = w * k / n
        jitter = rng.uniform(0.6, 1.0)
        if 0 in sides:
            top.append([x, depth * jitter if k % 2 else 0.0])
        if 2 in sides:
            bottom.append([w - x, h - (depth * jitter if k % 2 else 0.0)])
    return np.array(top + [[w, 0.0]] + bottom + [[0.0, h]], np.float64)


def apply_homography(hm: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.concatenate([pts, np.ones((len(pts), 1))], 1) @ hm.T
    return p[:, :2] / p[:, 2:3]


# ---------------------------------------------------------------- displacement fields

def bow_field(rng: np.random.Generator, centre: np.ndarray, along: np.ndarray, length: float) -> Field:
    """A page bowed like a curled sheet or a book page: displacement across `along` varying as a
    half sine along it, so the sides running along `along` bend and the others stay straight."""
    u = along / np.linalg.norm(along)
    n = np.array([-u[1], u[0]])
    amp = rng.uniform(0.02, 0.1) * length * rng.choice([-1, 1])
    k = math.pi / length * rng.uniform(0.8, 1.6)
    phase = rng.uniform(-0.5, 0.5)
    amp = math.copysign(min(abs(amp), 0.6 / k), amp)  # |grad d| <= 0.6: the fixed point converges

    def d(x, y):
        s = (x - centre[0]) * u[0] + (y - centre[1]) * u[1]
        m = amp * np.cos(k * s + phase)
        return m * n[0], m * n[1]
    return d


def curl_field(rng: np.random.Generator, corner: np.ndarray, inward: np.ndarray, size: float) -> Field:
    """A lifted corner: a Gaussian bump of displacement around it, pulling the corner inward."""
    sigma = size * rng.uniform(0.15, 0.4)
    direction = inward / np.linalg.norm(inward)
    ang = rng.uniform(-0.8, 0.8)
    c, s = math.cos(ang), math.sin(ang)
    v = np.array([c * direction[0] - s * direction[1], s * direction[0] + c * direction[1]])
    amp = sigma * rng.uniform(0.3, 0.9)  # max |grad| = amp / sigma * e^-0.5 < 0.6

    def d(x, y):
        r2 = ((x - corner[0]) ** 2 + (y - corner[1]) ** 2) / (2 * sigma * sigma)
        m = amp * np.exp(-r2)
        return m * v[0], m * v[1]
    return d


def fold_field(rng: np.random.Generator, point: np.ndarray, normal: np.ndarray) -> Field:
    """A creased page: beyond the fold line the page shifts in proportion to the distance from it,
    so the outline kinks where it crosses the crease."""
    m = normal / np.linalg.norm(normal)
    ang = rng.uniform(0, 2 * math.pi)
    v = np.array([math.cos(ang), math.sin(ang)]) * rng.uniform(0.04, 0.14)

    def d(x, y):
        s = np.maximum((x - point[0]) * m[0] + (y - point[1]) * m[1], 0.0)
        return s * v[0], s * v[1]
    return d


def crumple_field(rng: np.random.Generator, centre: np.ndarray, size: float) -> Field:
    """A crumpled or wavy sheet: a few small random bumps."""
    bumps = []
    for _ in range(int(rng.integers(3, 7))):
        sigma = size * rng.uniform(0.06, 0.15)
        c = centre + rng.uniform(-0.6, 0.6, 2) * size
        ang = rng.uniform(0, 2 * math.pi)
        bumps.append((c, sigma, sigma * rng.uniform(0.1, 0.25) * np.array([math.cos(ang), math.sin(ang)])))

    def d(x, y):
        dx = np.zeros(np.shape(x))
        dy = np.zeros(np.shape(x))
        for c, sigma, v in bumps:
            m = np.exp(-((x - c[0]) ** 2 + (y - c[1]) ** 2) / (2 * sigma * sigma))
            dx = dx + m * v[0]
            dy = dy + m * v[1]
        return dx, dy
    return d


def combine(fields: list[Field]) -> Field:
    def d(x, y):
        dx = np.zeros(np.shape(x))
        dy = np.zeros(np.shape(x))
        for f in fields:
            a, b = f(x, y)
            dx = dx + a
            dy = dy + b
        return dx, dy
    return d


def displaced_points(field: Field, pts: np.ndarray, iterations: int = 40) -> np.ndarray:
    """Where the flat points `pts` appear after remapping through x - d(x): solve x = p + d(x)."""
    p = np.asarray(pts, np.float64)
    x = p.copy()
    for _ in range(iterations):
        dx, dy = field(x[:, 0], x[:, 1])
        nx = p + np.stack([dx, dy], 1)
        if np.abs(nx - x).max() < 1e-6:
            return nx
        x = nx
    return x


def remap_layer(field: Field, layer: np.ndarray) -> np.ndarray:
    """Resample a float layer (H x W or H x W x C) through M(x) = x - d(x)."""
    g = layer.shape[0]
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float64) + 0.5
    dx, dy = field(xs, ys)
    # cv2 puts pixel centres on integers: our x - 0.5.
    mx = (xs - dx - 0.5).astype(np.float32)
    my = (ys - dy - 0.5).astype(np.float32)
    return cv2.remap(layer, mx, my, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def field_shading(field: Field, g: int, strength: float) -> np.ndarray:
    """A bent sheet catches the light unevenly: brightness follows the displacement's divergence
    (how much the sheet is compressed or stretched toward the camera)."""
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float64) + 0.5
    dx, dy = field(xs, ys)
    div = np.gradient(dx, axis=1) + np.gradient(dy, axis=0)
    return (1.0 + strength * np.clip(div, -1, 1)).astype(np.float32)
