"""Scene content the first generators never drew: page textures with their own outlines (spiral
notebooks, open books, cards, receipts), things around and over the page (stacks of sheets, sleeves,
binders, pens and cables, fingers), and rectangles that are not documents (screens, laptops,
frames, windows, doors, beds, shelves, printers, whiteboards).

Every function draws at canvas resolution (twice the output) and returns only geometry the label
needs; none of them labels anything itself.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from shapes import polygon_coverage


def _col(rng: np.random.Generator, lo: int = 0, hi: int = 256) -> list[int]:
    return [int(v) for v in rng.integers(lo, hi, 3)]


def _blend(canvas: np.ndarray, colour, cover: np.ndarray, alpha: float = 1.0) -> None:
    m = (cover * alpha)[..., None]
    canvas[:] = (canvas * (1 - m) + np.asarray(colour, np.float32) * m).astype(np.uint8)


# ---------------------------------------------------------------- page textures (page coordinates)

def spiral_notebook(rng: np.random.Generator, page: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A spiral-bound page: a strip along the left side where only the wire loops are (the desk
    shows between them), holes punched beside it. Returns RGB and alpha in page pixels; the
    outline is the whole rectangle, so the label runs along the outer reach of the loops, as
    people label these."""
    img = page.copy()
    h, w = img.shape[:2]
    alpha = np.ones((h, w), np.float32)
    strip = max(4, int(w * rng.uniform(0.04, 0.08)))
    alpha[:, :strip] = 0.0
    pitch = max(6, int(h * rng.uniform(0.025, 0.045)))
    wire = _col(rng, 90, 230) if rng.random() < 0.7 else _col(rng)
    thick = max(1, strip // 4)
    for y in range(pitch // 2, h - pitch // 2, pitch):
        hole = (int(strip * 1.7), y)
        cv2.circle(img, hole, max(1, strip // 4), (40, 40, 40), -1, cv2.LINE_AA)
        # Each loop: from the hole round the page edge to the strip's outer side.
        cv2.ellipse(img, (int(strip * 0.9), y), (int(strip * 0.9), max(2, pitch // 3)), 0, 90, 270, wire, thick, cv2.LINE_AA)
        cv2.ellipse(alpha, (int(strip * 0.9), y), (int(strip * 0.9), max(2, pitch // 3)), 0, 90, 270, 1.0, thick, cv2.LINE_AA)
        cv2.line(img, (int(strip * 0.9), y - max(2, pitch // 3)), hole, wire, thick, cv2.LINE_AA)
    return img, alpha


def open_book(rng: np.random.Generator, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Two pages side by side with the gutter's shadow between them (the spread's outline is
    labelled; the gutter is a strong inner edge that is not a boundary)."""
    h = 300
    w = int(h / rng.uniform(1.3, 1.6))
    spread = np.concatenate([cv2.resize(left, (w, h), interpolation=cv2.INTER_AREA),
                             cv2.resize(right, (w, h), interpolation=cv2.INTER_AREA)], 1).astype(np.float32)
    x = np.arange(2 * w, dtype=np.float32)
    gutter = 1 - rng.uniform(0.3, 0.7) * np.exp(-((x - w) / (w * rng.uniform(0.03, 0.12))) ** 2)
    spread *= gutter[None, :, None]
    return np.clip(spread, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- around and over the page

def sheet_stack(rng: np.random.Generator, quad: np.ndarray, g: int) -> list[np.ndarray]:
    """Quads of loose sheets under the page: nearly aligned, a little shifted and turned."""
    out = []
    centre = quad.mean(0)
    for _ in range(int(rng.integers(1, 5))):
        ang = rng.normal(0, 0.04)
        c, s = math.cos(ang), math.sin(ang)
        q = (quad - centre) @ np.array([[c, s], [-s, c]], np.float32) * rng.uniform(0.97, 1.05)
        out.append((q + centre + rng.normal(0, 0.015 * g, 2)).astype(np.float32))
    return out


def sleeve(rng: np.random.Generator, canvas: np.ndarray, outline: np.ndarray) -> None:
    """A clear plastic sleeve over the page: a faint, slightly larger sheen with glare and a
    punched strip on one side (the paper's edge, not the sleeve's, is the document)."""
    g = canvas.shape[0]
    centre = outline.mean(0)
    grow = rng.uniform(1.02, 1.08)
    q = (outline - centre) * grow + centre + rng.normal(0, 0.005 * g, 2)
    cover = polygon_coverage(q, g)
    _blend(canvas, (235, 238, 242), cover, rng.uniform(0.06, 0.2))
    # a diagonal glare band across the sleeve
    m = np.zeros((g, g), np.float32)
    p0 = rng.uniform(0, g, 2)
    ang = rng.uniform(0, math.pi)
    d = np.array([math.cos(ang), math.sin(ang)]) * 2 * g
    cv2.line(m, tuple(int(v) for v in p0 - d), tuple(int(v) for v in p0 + d), 1.0, int(rng.integers(4, max(5, g // 10))))
    m = cv2.GaussianBlur(m, (0, 0), rng.uniform(2, 8)) * cover
    _blend(canvas, (255, 255, 255), m, rng.uniform(0.2, 0.6))


def binder(rng: np.random.Generator, canvas: np.ndarray, outline: np.ndarray, spine: tuple[np.ndarray, np.ndarray]) -> None:
    """Ring-binder rings over the page's spine side: metal loops crossing the page's edge."""
    a, b = spine
    colour = _col(rng, 120, 220)
    n = int(rng.integers(2, 5))
    inward = outline.mean(0) - (a + b) / 2
    inward = inward / (np.linalg.norm(inward) + 1e-9)
    length = np.linalg.norm(b - a)
    for k in range(n):
        p = a + (b - a) * (k + 1) / (n + 1)
        r = length * rng.uniform(0.03, 0.06)
        c = p + inward * r * 0.2
        ang = math.degrees(math.atan2(inward[1], inward[0]))
        cv2.ellipse(canvas, (int(c[0]), int(c[1])), (int(r * 1.3), int(r)), ang + 90, 0, 360, [v // 2 for v in colour],
                    max(2, int(r * 0.5)), cv2.LINE_AA)
        cv2.ellipse(canvas, (int(c[0]), int(c[1])), (int(r * 1.3), int(r)), ang + 90, 0, 360, colour,
                    max(1, int(r * 0.3)), cv2.LINE_AA)


def point_on_outline(rng: np.random.Generator, outline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A random point on the outline and the outward normal there (length-weighted)."""
    q = np.asarray(outline, np.float64)
    seg = np.roll(q, -1, 0) - q
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    i = int(rng.choice(len(q), p=lengths / lengths.sum()))
    p = q[i] + seg[i] * rng.uniform(0.1, 0.9)
    n = np.array([seg[i, 1], -seg[i, 0]]) / max(lengths[i], 1e-9)
    if np.dot(n, p - q.mean(0)) < 0:
        n = -n
    return p, n


def pens_and_cables(rng: np.random.Generator, canvas: np.ndarray, outline: np.ndarray) -> None:
    """Clutter that crosses the page's edges: pens, pencils and cables (curves)."""
    g = canvas.shape[0]
    for _ in range(int(rng.integers(1, 5))):
        p, n = point_on_outline(rng, outline)
        ang = math.atan2(n[1], n[0]) + rng.uniform(-1.2, 1.2)
        d = np.array([math.cos(ang), math.sin(ang)])
        if rng.random() < 0.5:  # a pen: a straight bar with a tip
            length = g * rng.uniform(0.15, 0.45)
            a = p - d * length * rng.uniform(0.2, 0.6)
            b = a + d * length
            width = int(rng.integers(3, max(4, g // 45)))
            colour = _col(rng)
            cv2.line(canvas, tuple(int(v) for v in a), tuple(int(v) for v in b), [max(0, c - 60) for c in colour], width + 2, cv2.LINE_AA)
            cv2.line(canvas, tuple(int(v) for v in a), tuple(int(v) for v in b), colour, width, cv2.LINE_AA)
        else:  # a cable: a smooth curve across the edge
            t = np.linspace(-1, 1, 24)[:, None]
            bend = rng.uniform(-0.3, 0.3) * g
            perp = np.array([-d[1], d[0]])
            pts = p + d * t * g * rng.uniform(0.3, 0.8) + perp * bend * (1 - t ** 2)
            colour = (_col(rng, 0, 60) if rng.random() < 0.5 else _col(rng, 200, 256))
            cv2.polylines(canvas, [np.round(pts).astype(np.int32)], False, colour, int(rng.integers(2, 6)), cv2.LINE_AA)


def hand(rng: np.random.Generator, canvas: np.ndarray, outline: np.ndarray) -> None:
    """A hand holding the page: the palm off the page, fingers across the edge, or a thumb lying
    on the margin; skin with a darker rim so each finger reads as a rounded shape."""
    g = canvas.shape[0]
    p, n = point_on_outline(rng, outline)
    t = np.array([-n[1], n[0]])
    skin = np.array([rng.uniform(150, 240), rng.uniform(100, 190), rng.uniform(75, 160)])
    if rng.random() < 0.3:
        skin = np.array([rng.uniform(60, 140), rng.uniform(40, 100), rng.uniform(30, 80)])
    rim = (skin * 0.7).tolist()
    width = g * rng.uniform(0.025, 0.05)
    palm = p + n * g * rng.uniform(0.08, 0.2)
    cv2.ellipse(canvas, (int(palm[0]), int(palm[1])), (int(width * 2.6), int(width * 3.2)),
                math.degrees(math.atan2(n[1], n[0])), 0, 360, skin.tolist(), -1, cv2.LINE_AA)
    if rng.random() < 0.5:  # thumb on the margin
        tip = p - n * g * rng.uniform(0.03, 0.1) + t * rng.uniform(-1, 1) * width
        fingers = [(palm + t * width, tip)]
    else:  # fingers reaching over the edge
        fingers = []
        k = int(rng.integers(1, 5))
        for i in range(k):
            off = (i - (k - 1) / 2) * width * 1.1
            base = palm + t * off
            tip = p + t * off - n * g * rng.uniform(0.01, 0.07)
            fingers.append((base, tip))
    for base, tip in fingers:
        wdt = int(max(2, width * rng.uniform(0.8, 1.1)))
        cv2.line(canvas, tuple(int(v) for v in base), tuple(int(v) for v in tip), rim, wdt + 2, cv2.LINE_AA)
        cv2.line(canvas, tuple(int(v) for v in base), tuple(int(v) for v in tip), skin.tolist(), wdt, cv2.LINE_AA)
        nail = tip + (base - tip) / (np.linalg.norm(base - tip) + 1e-9) * wdt * 0.4
        cv2.circle(canvas, (int(nail[0]), int(nail[1])), max(1, wdt // 4), np.clip(skin * 1.1 + 20, 0, 255).tolist(), -1, cv2.LINE_AA)


# ---------------------------------------------------------------- negatives: rectangles that are not documents

def _frame(img: np.ndarray, width: int, colour) -> None:
    h, w = img.shape[:2]
    img[:width] = colour
    img[h - width:] = colour
    img[:, :width] = colour
    img[:, w - width:] = colour


def _photo(rng: np.random.Generator, backgrounds: list[np.ndarray], w: int, h: int) -> np.ndarray:
    src = backgrounds[rng.integers(len(backgrounds))]
    return cv2.resize(src, (max(1, w), max(1, h)), interpolation=cv2.INTER_AREA)


def _ui(rng: np.random.Generator, pages: list[np.ndarray], w: int, h: int) -> np.ndarray:
    return cv2.resize(pages[rng.integers(len(pages))], (max(1, w), max(1, h)), interpolation=cv2.INTER_AREA)


def non_document(rng: np.random.Generator, backgrounds: list[np.ndarray], pages: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A sprite (RGB, alpha) of something rectangular people photograph that is not a document."""
    kind = int(rng.integers(0, 9))
    if kind == 0:  # TV / monitor: thin or thick dark bezel round a lit screen
        w, h = 320, int(320 / rng.uniform(1.5, 1.85))
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = _col(rng, 0, 50) if rng.random() < 0.8 else _col(rng, 150, 220)
        b = int(rng.integers(3, 22))
        r = rng.random()
        screen = (_photo(rng, backgrounds, w - 2 * b, h - 2 * b) if r < 0.45 else
                  _ui(rng, pages, w - 2 * b, h - 2 * b) if r < 0.8 else np.full((h - 2 * b, w - 2 * b, 3), rng.integers(0, 40), np.uint8))
        img[b:h - b, b:w - b] = screen
        return img, np.ones((h, w), np.float32)
    if kind == 1:  # laptop: screen above, keyboard deck below (one sprite, one outline of two parts)
        w, sh = 320, 200
        dh = 150
        img = np.zeros((sh + dh, w, 3), np.uint8)
        alpha = np.zeros((sh + dh, w), np.float32)
        body = _col(rng, 20, 70) if rng.random() < 0.5 else _col(rng, 150, 215)
        img[:sh] = body
        b = int(rng.integers(6, 16))
        img[b:sh - b, b:w - b] = _ui(rng, pages, w - 2 * b, sh - 2 * b) if rng.random() < 0.5 else _photo(rng, backgrounds, w - 2 * b, sh - 2 * b)
        alpha[:sh] = 1.0
        deck = np.array([[0, sh], [w, sh], [w + 0, sh + dh], [0, sh + dh]], np.int32)
        cv2.fillConvexPoly(img, deck, body)
        cv2.fillConvexPoly(alpha, deck, 1.0)
        key = [max(0, c - 40) for c in body]
        for y in range(sh + 12, sh + dh - 50, 16):
            for x in range(20, w - 20, 18):
                cv2.rectangle(img, (x, y), (x + 13, y + 11), key, -1)
        cv2.rectangle(img, (w // 2 - 50, sh + dh - 40), (w // 2 + 50, sh + dh - 10), key, 1)
        return img, alpha
    if kind == 2:  # picture frame: moulding, often a white mat, a photo inside
        h = 300
        w = int(h / rng.uniform(0.7, 1.45))
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = _col(rng, 20, 200)
        f = int(min(w, h) * rng.uniform(0.04, 0.14))
        inner = img[f:h - f, f:w - f]
        if rng.random() < 0.6:
            inner[:] = rng.integers(225, 256)
            m = int(min(w, h) * rng.uniform(0.06, 0.16))
            inner[m:inner.shape[0] - m, m:inner.shape[1] - m] = _photo(rng, backgrounds, inner.shape[1] - 2 * m, inner.shape[0] - 2 * m)
        else:
            inner[:] = _photo(rng, backgrounds, inner.shape[1], inner.shape[0])
        return img, np.ones((h, w), np.float32)
    if kind == 3:  # window: a light frame, panes of sky or a view, glazing bars
        h = 300
        w = int(h / rng.uniform(0.6, 1.6))
        img = np.zeros((h, w, 3), np.uint8)
        frame = _col(rng, 200, 256) if rng.random() < 0.6 else _col(rng, 60, 160)
        img[:] = frame
        f = int(min(w, h) * rng.uniform(0.04, 0.09))
        view = _photo(rng, backgrounds, w - 2 * f, h - 2 * f).astype(np.float32)
        view = np.clip(view * rng.uniform(1.0, 1.6) + 30, 0, 255).astype(np.uint8)
        img[f:h - f, f:w - f] = view
        nx, ny = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        bar = max(2, f // 2)
        for i in range(1, nx):
            x = f + (w - 2 * f) * i // nx
            img[:, x - bar // 2:x + bar // 2 + 1] = frame
        for j in range(1, ny):
            y = f + (h - 2 * f) * j // ny
            img[y - bar // 2:y + bar // 2 + 1] = frame
        return img, np.ones((h, w), np.float32)
    if kind == 4:  # door: tall panel with raised panels and a handle
        h = 320
        w = int(h / rng.uniform(2.0, 2.5))
        colour = _col(rng, 170, 256) if rng.random() < 0.5 else _col(rng, 60, 170)
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = colour
        dark = [max(0, c - 35) for c in colour]
        for (y0, y1) in ((int(h * 0.08), int(h * 0.45)), (int(h * 0.55), int(h * 0.92))):
            cv2.rectangle(img, (int(w * 0.15), y0), (int(w * 0.85), y1), dark, 2)
        cv2.circle(img, (int(w * 0.85), int(h * 0.5)), max(3, w // 25), _col(rng, 100, 230), -1, cv2.LINE_AA)
        return img, np.ones((h, w), np.float32)
    if kind == 5:  # bed: upholstered headboard, white pillows and sheet
        w, h = 340, 260
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = _col(rng, 40, 220)
        img[:] = np.clip(img.astype(np.float32) + np.random.default_rng(int(rng.integers(1 << 30))).normal(0, 6, img.shape), 0, 255).astype(np.uint8)
        sheet = rng.integers(215, 256)
        img[int(h * 0.55):] = sheet
        for x0 in (int(w * 0.08), int(w * 0.53)):
            cv2.rectangle(img, (x0, int(h * 0.35)), (x0 + int(w * 0.39), int(h * 0.62)), (int(sheet) - 5,) * 3, -1, cv2.LINE_AA)
            cv2.rectangle(img, (x0, int(h * 0.35)), (x0 + int(w * 0.39), int(h * 0.62)), (int(sheet) - 40,) * 3, 1, cv2.LINE_AA)
        alpha = np.ones((h, w), np.float32)
        r = int(w * rng.uniform(0.0, 0.15))
        if r > 2:
            cv2.rectangle(alpha, (0, 0), (w, r), 0.0, -1)
            cv2.rectangle(alpha, (r, 0), (w - r, r), 1.0, -1)
            cv2.circle(alpha, (r, r), r, 1.0, -1, cv2.LINE_AA)
            cv2.circle(alpha, (w - r, r), r, 1.0, -1, cv2.LINE_AA)
        return img, alpha
    if kind == 6:  # shelves with books
        w, h = 340, 300
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = _col(rng, 30, 200)
        plank = _col(rng, 60, 230)
        levels = int(rng.integers(2, 4))
        for j in range(levels):
            y1 = int(h * (j + 1) / levels) - 8
            x = 4
            while x < w - 10:
                bw = int(rng.integers(6, 22))
                bh = int((h / levels) * rng.uniform(0.5, 0.9))
                cv2.rectangle(img, (x, y1 - bh), (x + bw - 1, y1), _col(rng), -1)
                x += bw + int(rng.integers(0, 3))
            img[y1:y1 + 8] = plank
        return img, np.ones((h, w), np.float32)
    if kind == 7:  # printer: a box with a paper tray and a stack of paper in it
        w, h = 320, 220
        body = _col(rng, 200, 245) if rng.random() < 0.5 else _col(rng, 30, 70)
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = body
        dark = [max(0, c - 50) for c in body]
        cv2.rectangle(img, (int(w * 0.15), int(h * 0.3)), (int(w * 0.85), int(h * 0.36)), (20, 20, 20), -1)
        tray = (int(w * 0.12), int(h * 0.55), int(w * 0.88), int(h * 0.92))
        cv2.rectangle(img, tray[:2], tray[2:], dark, -1)
        paper = int(rng.integers(225, 256))
        cv2.rectangle(img, (tray[0] + 8, tray[1] + 6), (tray[2] - 8, tray[3] - 14), (paper,) * 3, -1)
        for y in range(tray[1] + 8, tray[3] - 14, 3):
            cv2.line(img, (tray[0] + 8, y), (tray[2] - 8, y), (paper - 15,) * 3, 1)
        cv2.rectangle(img, (int(w * 0.7), int(h * 0.08)), (int(w * 0.9), int(h * 0.2)), (30, 60, 90), -1)
        return img, np.ones((h, w), np.float32)
    # whiteboard: white surface, aluminium frame, marker scribbles, a tray
    w = 340
    h = int(w / rng.uniform(1.2, 1.8))
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = rng.integers(160, 210)
    f = int(rng.integers(4, 12))
    img[f:h - f, f:w - f] = rng.integers(225, 256)
    for _ in range(int(rng.integers(0, 8))):
        pts = (rng.uniform(0.1, 0.9, (int(rng.integers(3, 8)), 2)) * [w, h]).astype(np.int32)
        cv2.polylines(img, [pts], False, _col(rng, 0, 200), int(rng.integers(1, 4)), cv2.LINE_AA)
    return img, np.ones((h, w), np.float32)


# ---------------------------------------------------------------- what a page lies in or on (v5)

def dark_cover(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """The cover of a notebook or folder opened flat under the page: black, navy, dark brown, green
    or red leather or card, a faint low-frequency grain, sometimes a stitched seam or an embossed
    rule just inside its edge (one more edge parallel to the page's)."""
    base = np.array(_col(rng, 8, 45), np.float32)
    if rng.random() < 0.5:  # a tinted dark rather than a grey one
        base[int(rng.integers(0, 3))] += rng.uniform(10, 45)
    small = rng.normal(0, 1, (max(2, h // 24), max(2, w // 24))).astype(np.float32)
    grain = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)[..., None]
    img = base[None, None, :] + grain * rng.uniform(1, 6)
    if rng.random() < 0.35:
        m = int(min(w, h) * rng.uniform(0.015, 0.04))
        seam = (base * rng.uniform(1.4, 2.5) + rng.uniform(10, 40)).tolist()
        cv2.rectangle(img, (m, m), (w - 1 - m, h - 1 - m), seam, 1, cv2.LINE_AA)
    return np.clip(img, 0, 255).astype(np.uint8)


def clipboard_board(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A clipboard: brown hardboard with fibre streaks, or coloured or smoked plastic."""
    if rng.random() < 0.55:
        base = np.array([rng.uniform(110, 175), rng.uniform(75, 120), rng.uniform(40, 80)], np.float32)
        streak = cv2.resize(rng.normal(0, 1, (max(2, h // 3), 2)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        img = base[None, None, :] + streak[..., None] * rng.uniform(3, 10)
    else:
        base = np.array(_col(rng, 10, 90) if rng.random() < 0.6 else _col(rng, 40, 200), np.float32)
        img = np.broadcast_to(base, (h, w, 3)).astype(np.float32) + rng.normal(0, 1.5, (h, w, 1))
    return np.clip(img, 0, 255).astype(np.uint8)


def clip_polygons(rng: np.random.Generator, w: float, h: float, top: float) -> list[tuple[np.ndarray, float]]:
    """A clipboard's metal clip over the page's top edge, in page coordinates (the page spans
    0..w x 0..h, the board's top is at -top): its plate (reaching 2-7% of the page's height onto
    the page) and its lever above; each with a grey level."""
    cw = w * rng.uniform(0.25, 0.45)
    cx = w / 2 + rng.uniform(-0.05, 0.05) * w
    low = h * rng.uniform(0.02, 0.07)
    up = -top * rng.uniform(0.55, 0.85)
    plate = np.array([[cx - cw / 2, up], [cx + cw / 2, up], [cx + cw * 0.45, low], [cx - cw * 0.45, low]])
    lw = cw * rng.uniform(0.5, 0.8)
    lever = np.array([[cx - lw / 2, -top * 0.95], [cx + lw / 2, -top * 0.95], [cx + lw / 2, up], [cx - lw / 2, up]])
    grey = rng.uniform(120, 215)
    return [(lever, grey * rng.uniform(0.6, 0.9)), (plate, grey)]


def id_card(rng: np.random.Generator, page: np.ndarray, backgrounds: list[np.ndarray]) -> np.ndarray:
    """A pale ID or bank card's face: light print, often a photo block and a coloured stripe."""
    w = 300
    h = int(w / rng.uniform(1.55, 1.62))
    img = cv2.resize(page, (w, h), interpolation=cv2.INTER_AREA)
    img = np.clip(img.astype(np.float32) * 0.4 + 255 * 0.6, 0, 255).astype(np.uint8)  # faint print
    if rng.random() < 0.6:
        pw = int(w * rng.uniform(0.22, 0.3))
        x0, y0 = int(w * rng.uniform(0.04, 0.08)), int(h * rng.uniform(0.2, 0.3))
        src = backgrounds[rng.integers(len(backgrounds))]
        img[y0:y0 + int(pw * 1.3), x0:x0 + pw] = cv2.resize(src, (pw, int(pw * 1.3)), interpolation=cv2.INTER_AREA)[:h - y0]
    if rng.random() < 0.4:
        band = int(h * rng.uniform(0.08, 0.18))
        img[int(h * 0.05):int(h * 0.05) + band, :] = _col(rng, 60, 230)
    return img


def split_backdrop(rng: np.random.Generator, canvas: np.ndarray, level: float, dark: np.ndarray,
                   point: np.ndarray, direction: np.ndarray, toward: np.ndarray) -> None:
    """A pale wall or desk at `level` with a dark region (clothing, a dark desk, a monitor) beyond a
    line through `point` along `direction`, on the side of `toward`; the boundary out of focus."""
    g = canvas.shape[0]
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float32) + 0.5
    n = np.array([-direction[1], direction[0]], np.float64) / (np.linalg.norm(direction) + 1e-9)
    if np.dot(toward - point, n) < 0:
        n = -n
    dist = (xs - point[0]) * n[0] + (ys - point[1]) * n[1]
    m = np.clip(dist / rng.uniform(0.5, 6.0) + 0.5, 0.0, 1.0)[..., None]
    yy, xx = ys / g - 0.5, xs / g - 0.5
    wall = level + rng.uniform(-8, 8) * xx + rng.uniform(-8, 8) * yy
    wall = wall[..., None] + rng.uniform(-4, 4, 3)[None, None, :] + rng.normal(0, rng.uniform(0.5, 2.5), (g, g, 1))
    canvas[:] = np.clip(wall * (1 - m) + dark.astype(np.float32) * m, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- veined stone (v5)

def marble_surface(rng: np.random.Generator, g: int) -> tuple[np.ndarray, tuple]:
    """A marble or veined stone table: a cloudy base (white, grey, beige or black/green) crossed by
    a few long, smooth, nearly straight veins. Returns the surface and its vein colours (for
    `veins` to draw more of the same near the page)."""
    r = rng.random()
    if r < 0.6:  # white or grey marble: grey, brown or orange/gold veins
        base = rng.uniform(205, 250) + rng.uniform(-6, 6, 3)
        colours = [rng.uniform(70, 170, 1) * np.ones(3) + rng.uniform(-8, 8, 3),
                   np.array([rng.uniform(170, 215), rng.uniform(105, 150), rng.uniform(50, 90)])]
    elif r < 0.8:  # beige stone, travertine
        base = np.array([rng.uniform(195, 230), rng.uniform(175, 205), rng.uniform(140, 175)])
        colours = [base * rng.uniform(0.45, 0.75), np.array([rng.uniform(150, 200), rng.uniform(95, 130), rng.uniform(50, 80)])]
    else:  # black or dark green marble: white or gold veins
        base = rng.uniform(15, 55) + np.array([0, rng.uniform(0, 25), rng.uniform(0, 15)]) * (rng.random() < 0.4)
        colours = [rng.uniform(190, 245) * np.ones(3), np.array([rng.uniform(190, 230), rng.uniform(150, 180), rng.uniform(80, 110)])]
    img = np.broadcast_to(np.asarray(base, np.float32), (g, g, 3)).copy()
    for scale, amp in ((max(2, g // 64), rng.uniform(3, 10)), (max(2, g // 16), rng.uniform(1, 4))):
        cloud = cv2.resize(rng.normal(0, 1, (scale, scale)).astype(np.float32), (g, g), interpolation=cv2.INTER_CUBIC)
        img += (cloud * amp)[..., None]
    img += rng.normal(0, rng.uniform(0.5, 2.0), (g, g, 1))
    style = (colours, int(rng.integers(0, len(colours))))
    for _ in range(int(rng.integers(1, 5))):
        _vein(rng, img, style, rng.uniform(0, g, 2), rng.uniform(0, math.pi))
    return np.clip(img, 0, 255).astype(np.uint8), style


def vein_path(rng: np.random.Generator, g: int, start: np.ndarray, ang: float) -> np.ndarray:
    """A vein's centre line through `start` at angle `ang`, across the whole frame: a straight
    line with a slow, small lateral wobble (nearly straight over a page's length)."""
    t = np.linspace(-1.5 * g, 1.5 * g, 120)
    d = np.array([math.cos(ang), math.sin(ang)])
    n = np.array([-d[1], d[0]])
    lateral = np.zeros_like(t)
    for _ in range(int(rng.integers(1, 4))):
        wavelength = g * rng.uniform(0.8, 3.0)
        lateral += g * rng.uniform(0.003, 0.025) * np.sin(2 * math.pi * t / wavelength + rng.uniform(0, 2 * math.pi))
    lateral -= np.interp(0.0, t, lateral)  # through `start` exactly
    return start[None, :] + t[:, None] * d[None, :] + lateral[:, None] * n[None, :]


def _vein(rng: np.random.Generator, img: np.ndarray, style: tuple, start: np.ndarray, ang: float) -> np.ndarray:
    g = img.shape[0]
    colours, main = style
    colour = colours[main] if rng.random() < 0.7 else colours[int(rng.integers(0, len(colours)))]
    path = vein_path(rng, g, start, ang)
    width = rng.uniform(1.0, 7.0)
    m = np.zeros((g, g), np.float32)
    cv2.polylines(m, [np.round(path * 4).astype(np.int32)], False, 1.0, max(1, int(round(width))), cv2.LINE_AA, shift=2)
    if rng.random() < 0.4:  # a branch leaving the vein
        k = int(rng.integers(20, 100))
        branch = vein_path(rng, g, path[k], ang + rng.choice([-1, 1]) * rng.uniform(0.3, 0.9))[60:60 + int(rng.integers(10, 40))]
        cv2.polylines(m, [np.round(branch * 4).astype(np.int32)], False, 0.7, max(1, int(width * 0.6)), cv2.LINE_AA, shift=2)
    halo = cv2.GaussianBlur(m, (0, 0), rng.uniform(3, 10)) * rng.uniform(0.8, 3.0)
    m = np.clip(cv2.GaussianBlur(m, (0, 0), rng.uniform(0.4, 1.2)) + halo, 0, 1)
    fade = cv2.resize(rng.uniform(0.3, 1.0, (4, 4)).astype(np.float32), (g, g), interpolation=cv2.INTER_CUBIC)
    a = (m * np.clip(fade, 0, 1) * rng.uniform(0.5, 0.95))[..., None]
    img[:] = img * (1 - a) + np.asarray(colour, np.float32) * a
    return path


def veins_near(rng: np.random.Generator, canvas: np.ndarray, style: tuple, quad: np.ndarray) -> list[np.ndarray]:
    """One to three veins drawn on the desk before the page goes down, running nearly parallel to
    one of its sides 1-6% of the frame outside it (the case where a vein outscores the page's own
    edge). Returns their centre lines."""
    g = canvas.shape[0]
    img = canvas.astype(np.float32)
    q = np.asarray(quad, np.float64)
    centre = q.mean(0)
    paths = []
    for _ in range(int(rng.integers(1, 4))):
        i = int(rng.integers(0, 4))
        a, b = q[i], q[(i + 1) % 4]
        p = a + (b - a) * rng.uniform(0.2, 0.8)
        d = (b - a) / (np.linalg.norm(b - a) + 1e-9)
        n = np.array([-d[1], d[0]])
        if np.dot(n, p - centre) < 0:
            n = -n
        start = p + n * g * rng.uniform(0.01, 0.06)
        paths.append(_vein(rng, img, style, start, math.atan2(d[1], d[0]) + rng.normal(0, 0.06)))
    canvas[:] = np.clip(img, 0, 255).astype(np.uint8)
    return paths


# ---------------------------------------------------------------- clear sleeves over a page that is not square in them (v5)

def clear_sleeve(rng: np.random.Generator, canvas: np.ndarray, quad: np.ndarray) -> None:
    """A clear plastic sleeve or folder drawn over whatever is in it: a faint haze over its area,
    a thin bright rim with a darker line beside it along its straight edges (the open top edge
    catches the light most), a glare band and, on ring-binder sleeves, a punched strip."""
    g = canvas.shape[0]
    q = np.asarray(quad, np.float64)
    cover = polygon_coverage(q, g)
    _blend(canvas, (236, 239, 243), cover, rng.uniform(0.04, 0.16))
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        strength = rng.uniform(0.45, 0.9) if i == 0 else rng.uniform(0.1, 0.5)
        inward = q.mean(0) - (a + b) / 2
        inward = inward / (np.linalg.norm(inward) + 1e-9) * rng.uniform(1.0, 2.5)
        dark = np.zeros((g, g), np.float32)
        cv2.line(dark, tuple(int(v) for v in np.round((a + inward) * 4)), tuple(int(v) for v in np.round((b + inward) * 4)),
                 1.0, 1, cv2.LINE_AA, shift=2)
        _blend(canvas, (60, 62, 66), dark, strength * 0.4)
        rim = np.zeros((g, g), np.float32)
        cv2.line(rim, tuple(int(v) for v in np.round(a * 4)), tuple(int(v) for v in np.round(b * 4)), 1.0,
                 int(rng.integers(1, 3)), cv2.LINE_AA, shift=2)
        _blend(canvas, (250, 252, 255), rim, strength)
    m = np.zeros((g, g), np.float32)
    p0 = q.mean(0) + rng.uniform(-0.3, 0.3, 2) * g
    ang = rng.uniform(0, math.pi)
    d = np.array([math.cos(ang), math.sin(ang)]) * 2 * g
    cv2.line(m, tuple(int(v) for v in p0 - d), tuple(int(v) for v in p0 + d), 1.0, int(rng.integers(4, max(5, g // 8))))
    m = cv2.GaussianBlur(m, (0, 0), rng.uniform(3, 10)) * cover
    _blend(canvas, (255, 255, 255), m, rng.uniform(0.15, 0.5))
    if rng.random() < 0.4:  # the punched strip of a ring-binder sleeve, along its left side
        a, b = q[3], q[0]
        inward = q.mean(0) - (a + b) / 2
        inward = inward / (np.linalg.norm(inward) + 1e-9)
        r = max(2, int(np.linalg.norm(b - a) * 0.012))
        for k in range(int(rng.integers(2, 5))):
            c = a + (b - a) * (k + 1) / 5 + inward * r * 2.5
            cv2.circle(canvas, (int(c[0]), int(c[1])), r, (90, 92, 96), 1, cv2.LINE_AA)


# ---------------------------------------------------------------- spiral bindings (v7)

def coil_style(rng: np.random.Generator, dark: bool | None = None) -> dict:
    """How one notebook's coil looks: mostly thick near-black or dark grey wire (the real open
    notebooks' look), sometimes light metal; single or double loops; its pitch, wire thickness and
    how far the loops reach past the page edge are fractions of the page (see `coil_centrelines`)."""
    dark = rng.random() < 0.75 if dark is None else dark
    if dark:
        level = rng.uniform(12, 75)
        colour = np.clip(level + rng.uniform(-6, 6, 3) + (rng.uniform(0, 25, 3) if rng.random() < 0.3 else 0), 0, 255)
        sheen = min(150.0, level + rng.uniform(30, 80))
    else:
        level = rng.uniform(140, 215)
        colour = np.clip(level + rng.uniform(-10, 10, 3), 0, 255)
        sheen = min(255.0, level + rng.uniform(20, 45))
    return {"colour": colour.tolist(), "sheen": [float(sheen)] * 3, "highlight": bool(rng.random() < 0.6),
            "double": bool(rng.random() < 0.45), "pitch": float(rng.uniform(0.024, 0.045)),
            "wire": float(rng.uniform(0.18, 0.3)), "reach": float(rng.uniform(0.035, 0.07)),
            "hole_in": float(rng.uniform(0.35, 0.8)), "round": float(rng.uniform(0.3, 0.6))}


def coil_centrelines(edge: float, outward: float, hole_in: float, reach: float, ys: np.ndarray, ry: float,
                     wire: float, double_gap: float) -> list[np.ndarray]:
    """Centrelines of a coil's loops seen from above, in the page's own coordinates with the bound
    side at x = `edge` and `outward` (+1 or -1) pointing away from the page: each loop runs from its
    hole `hole_in` inside the edge out over it, rounds its far end (a half ellipse) and returns under
    the page. The far end's centreline stops `wire / 2` short of `edge + outward * reach`, so the
    stroked wire's outer reach is exactly there."""
    out = []
    tip = reach - wire / 2
    rx = max(tip * 0.5, min(tip - wire * 0.25, ry * 1.2))
    xc = edge + outward * (tip - rx)
    ang = np.linspace(-math.pi / 2, math.pi / 2, 13)
    offsets = (-double_gap / 2, double_gap / 2) if double_gap > 0 else (0.0,)
    for y in ys:
        for dy in offsets:
            yy = y + dy
            hole = [edge - outward * hole_in, yy - ry * 0.35]
            arc = np.stack([xc + outward * rx * np.cos(ang), yy + ry * np.sin(ang)], 1)
            under = [edge - outward * wire * 0.5, yy + ry]
            out.append(np.concatenate([[hole], arc, [under]], 0))
    return out


def stroke_coverage(lines: list[np.ndarray], widths: list[float], g: int, sub: int = 4) -> np.ndarray:
    """Coverage in [0, 1] of round-capped strokes along canvas-pixel polylines, drawn `sub` times
    finer and area-averaged (anti-aliased to 1/sub px; one fill per stroke, so many loops stay cheap)."""
    out = np.zeros((g, g), np.float32)
    if not lines:
        return out
    # only the strokes' bounding box (whole canvas pixels) is drawn finely
    pad = max(widths) / 2 + 2
    allp = np.concatenate([np.asarray(p, np.float64) for p in lines])
    x0, y0 = (max(0, int(math.floor(v - pad))) for v in allp.min(0))
    x1, y1 = (min(g, int(math.ceil(v + pad))) for v in allp.max(0))
    if x0 >= x1 or y0 >= y1:
        return out
    big = np.zeros(((y1 - y0) * sub, (x1 - x0) * sub), np.uint8)
    for pts, w in zip(lines, widths):
        # pixel i covers [i, i+1): a fine pixel's centre is where OpenCV puts its integer coordinate
        p = np.round(((np.asarray(pts, np.float64) - [x0, y0]) * sub - 0.5) * 16).astype(np.int32)
        cv2.polylines(big, [p], False, 255, max(1, int(round(w * sub))), cv2.LINE_8, shift=4)
    out[y0:y1, x0:x1] = cv2.resize(big, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    return out


def draw_coils(rng: np.random.Generator, canvas: np.ndarray, lines_img: list[np.ndarray], widths: list[float],
               style: dict, shade: float = 1.0, shadow: bool = True) -> np.ndarray:
    """Strokes the loops (canvas pixels) in the coil's colour, with a soft shadow beside them and a
    thin sheen along each wire; returns the wire's coverage."""
    g = canvas.shape[0]
    cover = stroke_coverage(lines_img, widths, g)
    if shadow:
        off = rng.normal(0, 1.0, 2) + 1.0
        sm = cv2.warpAffine(cover, np.float32([[1, 0, off[0]], [0, 1, off[1]]]), (g, g))
        sm = cv2.GaussianBlur(sm, (0, 0), rng.uniform(0.8, 2.5))
        canvas[:] = (canvas * (1 - rng.uniform(0.2, 0.5) * sm[..., None])).astype(np.uint8)
    _blend(canvas, np.asarray(style["colour"]) * shade, cover)
    if style["highlight"]:
        # the sheen runs along the wire's middle on the loop's near half, not out to its tip
        sheen = stroke_coverage([pts[: max(2, len(pts) // 2)] for pts in lines_img], [w * 0.3 for w in widths], g)
        _blend(canvas, np.asarray(style["sheen"]) * shade, sheen * cover, rng.uniform(0.5, 0.9))
    return cover


def handwriting(rng: np.random.Generator, img: np.ndarray, rule: int | None = None) -> np.ndarray:
    """Lines of handwriting in blue or black ink: wavy runs of loops along the rules (or rows
    `rule` px apart), words separated by gaps, lines of random length; what the real notebooks'
    pages carry instead of print."""
    out = img.copy()
    h, w = out.shape[:2]
    rule = int(rng.integers(9, 16)) if rule is None else rule
    ink = [int(rng.uniform(20, 60)), int(rng.uniform(30, 80)), int(rng.uniform(110, 190))] if rng.random() < 0.65 \
        else _col(rng, 15, 60)
    thick = 1 if rng.random() < 0.8 else 2
    size = rule * rng.uniform(0.3, 0.45)
    left = int(w * rng.uniform(0.05, 0.18))
    for y in range(int(rule * rng.uniform(1.5, 3)), h - rule, rule):
        if rng.random() < 0.2:
            continue  # an empty line
        x = left + rng.uniform(0, w * 0.05)
        end = w * rng.uniform(0.5, 0.95)
        while x < end:
            n = int(rng.integers(8, 40))
            t = np.arange(n, dtype=np.float64)
            xs = x + t * size * rng.uniform(0.35, 0.5) + np.sin(t * rng.uniform(1.5, 2.5)) * size * 0.35
            ys = y - size * (0.5 + 0.5 * np.cos(t * rng.uniform(1.5, 2.5))) + rng.normal(0, size * 0.12, n)
            pts = np.stack([xs, ys], 1)
            cv2.polylines(out, [np.round(pts * 4).astype(np.int32)], False, ink, thick, cv2.LINE_AA, shift=2)
            x = xs[-1] + size * rng.uniform(1.0, 2.5)
    return out


# ---------------------------------------------------------------- v8's open spiral notebook, closer to the photos

_SCRIPT_FONTS = (cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX,
                 cv2.FONT_HERSHEY_SIMPLEX | cv2.FONT_ITALIC, cv2.FONT_HERSHEY_PLAIN | cv2.FONT_ITALIC,
                 cv2.FONT_HERSHEY_COMPLEX_SMALL | cv2.FONT_ITALIC)
_LETTERS = "abcdeeefghiilmnnooprrssttuvwy"


def letter_handwriting(rng: np.random.Generator, img: np.ndarray, rule: int | None = None) -> np.ndarray:
    """Lines of handwriting made of letters (OpenCV's Hershey script and italic faces), not zigzags:
    words of 1-9 letters along the rules, x-height about half a rule, each line's baseline wandering
    and the whole page's ink bent by a gentle wave; 40% of pages written right to left (mirrored
    ink, right-aligned), as the real notebooks' Persian notes are. Sometimes a boxed table or a
    heading underlined, the other strong ink lines those pages show."""
    h, w = img.shape[:2]
    rule = int(rng.integers(9, 16)) if rule is None else rule
    ink_mask = np.zeros((h, w), np.uint8)
    font = int(_SCRIPT_FONTS[int(rng.integers(len(_SCRIPT_FONTS)))])
    (_, th), _ = cv2.getTextSize("x", font, 1.0, 1)
    scale = rule * rng.uniform(0.6, 0.95) / max(th, 1)
    thick = 1 if rng.random() < 0.6 else 2
    left = int(w * rng.uniform(0.05, 0.15))
    for y in range(int(rule * rng.uniform(1.5, 3)), h - rule // 2, rule):
        if rng.random() < 0.18:
            continue  # an empty line
        x = left + int(rng.uniform(0, w * 0.05))
        end = w * rng.uniform(0.45, 0.97)
        base = y - int(rule * rng.uniform(0.1, 0.25))
        while x < end:
            word = "".join(_LETTERS[i] for i in rng.integers(0, len(_LETTERS), int(rng.integers(1, 10))))
            (tw, _), _ = cv2.getTextSize(word, font, scale, thick)
            cv2.putText(ink_mask, word, (int(x), int(base + rng.normal(0, rule * 0.06))), font, scale, 255, thick, cv2.LINE_AA)
            x += tw + rule * rng.uniform(0.4, 1.0)
    if rng.random() < 0.3:  # a boxed table, or a heading underlined
        x0, x1 = sorted(rng.uniform(0.05, 0.95, 2) * w)
        y0 = int(rng.uniform(0.1, 0.6) * h)
        y1 = y0 + rule * int(rng.integers(2, 6))
        cv2.rectangle(ink_mask, (int(x0), y0), (int(x1), int(min(h - 2, y1))), 255, thick, cv2.LINE_AA)
        if rng.random() < 0.6:
            cv2.line(ink_mask, (int((x0 + x1) / 2), y0), (int((x0 + x1) / 2), int(min(h - 2, y1))), 255, thick, cv2.LINE_AA)
    if rng.random() < 0.4:
        ink_mask = np.ascontiguousarray(ink_mask[:, ::-1])
    # a hand's slow drift: rows bend by a wave across the page, columns by another
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amp = rule * rng.uniform(0.05, 0.25)
    mx = xx + amp * np.sin(yy / (rule * rng.uniform(3, 8)) + rng.uniform(0, 6)).astype(np.float32)
    my = yy + amp * np.sin(xx / (w * rng.uniform(0.15, 0.4)) + rng.uniform(0, 6)).astype(np.float32)
    ink_mask = cv2.remap(ink_mask, mx, my, cv2.INTER_LINEAR)
    ink = np.array([rng.uniform(20, 60), rng.uniform(30, 80), rng.uniform(110, 190)] if rng.random() < 0.65
                   else _col(rng, 15, 60), np.float32)
    m = (ink_mask.astype(np.float32) / 255.0 * rng.uniform(0.7, 1.0))[..., None]
    return (img * (1 - m) + ink * m).astype(np.uint8)


def draw_round_coils(rng: np.random.Generator, canvas: np.ndarray, lines_img: list[np.ndarray], widths: list[float],
                     style: dict, light: np.ndarray, shade: float = 1.0, shadow: bool = True) -> np.ndarray:
    """Strokes the loops (canvas pixels, `coil_centrelines` in the picture) as round wire: a dark
    rim where the wire turns away, its colour along the middle, a bright highlight offset toward
    `light` (a unit vector in the picture) along each loop's arc, the top of the ring (its ends dive
    into the holes darker), and a soft shadow cast beside it. The silhouette is `stroke_coverage`
    of the same centrelines and widths as `draw_coils`, so the reach is as exact; returns it."""
    g = canvas.shape[0]
    cover = stroke_coverage(lines_img, widths, g)
    if shadow:
        off = -light * rng.uniform(0.8, 2.0) + rng.normal(0, 0.4, 2)
        sm = cv2.warpAffine(cover, np.float32([[1, 0, off[0]], [0, 1, off[1]]]), (g, g))
        sm = cv2.GaussianBlur(sm, (0, 0), rng.uniform(0.8, 2.0))
        canvas[:] = (canvas * (1 - rng.uniform(0.25, 0.55) * sm[..., None])).astype(np.uint8)
    colour = np.asarray(style["colour"], np.float32) * shade
    _blend(canvas, colour * rng.uniform(0.35, 0.65), cover)
    core = stroke_coverage(lines_img, [w * 0.55 for w in widths], g)
    _blend(canvas, colour, core * cover)
    # the arc (points 1-13 of a centreline) is the ring's top, nearest the light
    arcs = [pts[2:13] + light * widths[i] * 0.18 for i, pts in enumerate(lines_img)]
    hi = stroke_coverage(arcs, [max(0.7, w * 0.3) for w in widths], g)
    sheen = np.maximum(np.asarray(style["sheen"], np.float32), colour + 60.0)
    _blend(canvas, np.minimum(255.0, sheen * max(shade, 0.6)), hi * core, rng.uniform(0.6, 0.95))
    return cover


def gutter_shade(rng: np.random.Generator, canvas: np.ndarray, hm: np.ndarray, ring: float, h: float,
                 page_side: float, far_side: float) -> None:
    """The spread's gutter: both pages darken toward the ring line `ring` (the x = `ring` line of the
    page frame that `hm` takes to the picture), over `page_side` and `far_side` page-frame px on the
    two sides, the far (lifted) page more, fading out past the pages' top and bottom (0..h)."""
    g = canvas.shape[0]
    inv = np.linalg.inv(hm)
    ys, xs = np.mgrid[0:g, 0:g].astype(np.float32) + 0.5
    z = inv[2, 0] * xs + inv[2, 1] * ys + inv[2, 2]
    ok = z * np.sign(inv[2, 2] if abs(inv[2, 2]) > 1e-12 else 1.0) > 1e-6
    z = np.where(ok, z, 1.0)
    u = (inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]) / z - ring
    v = (inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]) / z
    near, far = rng.uniform(0.1, 0.4), rng.uniform(0.15, 0.55)
    dark = np.where(u < 0, near * np.exp(np.minimum(u, 0) / max(page_side, 1e-3)),
                    far * np.exp(-np.maximum(u, 0) / max(far_side, 1e-3)))
    fade = np.clip(np.minimum(v, h - v) / (0.03 * h) + 1.0, 0.0, 1.0)
    canvas[:] = (canvas * (1 - np.where(ok, dark * fade, 0.0).astype(np.float32))[..., None]).astype(np.uint8)


def lifted_facing_page(rng: np.random.Generator, tex: np.ndarray, max_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """The facing page of an open spiral notebook, lifted off the desk by the coil near the spine
    (its texture's x = 0 side): seen from above its top and bottom edges curve out or in over the
    part near the spine, its spine-side edge bows away from the coil by up to `max_gap` texture px
    (never toward it), and the lifted part is lit brighter or darker. Returns the shaded texture and
    the outline (texture px, clockwise from the spine side's top) that `render_page` draws."""
    h, w = tex.shape[:2]
    reach = w * rng.uniform(0.2, 0.7)
    top, bottom = rng.uniform(-0.03, 0.09, 2) * h
    xs = np.linspace(0.0, w, 25)
    lift = np.clip(1 - xs / reach, 0, 1) ** 2
    ys = np.linspace(0.0, h, 25)
    bow = max_gap * rng.uniform(0.2, 1.0) * (np.sin(np.pi * ys / h) if rng.random() < 0.6 else
                                             np.clip(ys / h if rng.random() < 0.5 else 1 - ys / h, 0, 1))
    top_edge = np.stack([xs, -top * lift], 1)
    top_edge[0, 0] = bow[0]
    bottom_edge = np.stack([xs[::-1], h + bottom * lift[::-1]], 1)
    bottom_edge[-1, 0] = bow[-1]
    spine = np.stack([bow[::-1][1:-1], (ys[::-1] + (-top * (1 - ys[::-1] / h) + bottom * ys[::-1] / h))[1:-1]], 1)
    outline = np.concatenate([top_edge, bottom_edge, spine])
    gain = 1 + rng.uniform(-0.3, 0.2) * np.exp(-np.arange(w, dtype=np.float32) / max(1.0, reach * 0.6))
    return np.clip(tex * gain[None, :, None], 0, 255).astype(np.uint8), outline


def plastic_cover(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A translucent grey plastic folder under an open notebook (8 of the 12 dev notebooks lie in
    one): mid to light grey, often a little blue, mottled, with a bright rim just inside its edge
    where the plastic's cut catches the light, and a darker band inside the rim."""
    base = np.array([rng.uniform(120, 210)] * 3, np.float32) + rng.uniform(-6, 6, 3).astype(np.float32)
    if rng.random() < 0.5:
        base[2] += rng.uniform(4, 18)
    small = rng.normal(0, 1, (max(2, h // 30), max(2, w // 30))).astype(np.float32)
    img = base[None, None, :] + cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)[..., None] * rng.uniform(2, 8)
    m = max(1, int(min(w, h) * rng.uniform(0.004, 0.012)))
    cv2.rectangle(img, (m, m), (w - 1 - m, h - 1 - m), (base * rng.uniform(0.8, 0.92)).tolist(), 2 * m, cv2.LINE_AA)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), np.minimum(255.0, base * rng.uniform(1.08, 1.25)).tolist(), m, cv2.LINE_AA)
    return np.clip(img, 0, 255).astype(np.uint8)
