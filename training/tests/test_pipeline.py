"""CPU tests for the training pipeline (a few seconds): python3 -m unittest discover -s training/tests"""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

try:
    import torch  # noqa: F401
    import cv2  # noqa: F401
except ImportError:  # the TypeScript CI does not need torch
    raise unittest.SkipTest("torch/opencv not installed")

import shapes  # noqa: E402
from synth import AssetPools, coverage_mask, draw_label, make_sample, render_page, warp_onto  # noqa: E402


def tiny_pools() -> AssetPools:
    rng = np.random.default_rng(0)
    bgs = [rng.integers(0, 255, (96, 96, 3), dtype=np.uint8) for _ in range(3)]
    pages = []
    for _ in range(3):
        p = np.full((140, 100, 3), 245, np.uint8)
        p[20:25, 10:90] = 30  # a printed line
        pages.append(p)
    return AssetPools(bgs, pages)


def write_tiny_assets(folder: str) -> None:
    """tiny_pools() as the JPEG folders train.py's --assets reads."""
    import cv2

    pools = tiny_pools()
    for sub, pool in (("backgrounds", pools.backgrounds), ("pages", pools.pages)):
        os.makedirs(os.path.join(folder, sub))
        for i, img in enumerate(pool):
            cv2.imwrite(os.path.join(folder, sub, f"{i}.jpg"), img)


def tiny_run_command(out: str, assets: str) -> list[str]:
    """train.py on tiny 64 px batches of two, one thread, no data workers: the command the run
    tests extend with their own options (--max-steps, --resume, ...)."""
    return [sys.executable, os.path.join(os.path.dirname(HERE), "train.py"), "--out", out, "--minutes", "5",
            "--size", "64", "--batch", "2", "--workers", "0", "--threads", "1", "--assets", assets]


def point_segment_distance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    ab = b - a
    t = np.clip(np.dot(p - a, ab) / max(np.dot(ab, ab), 1e-9), 0, 1)
    return float(np.linalg.norm(p - (a + t * ab)))


def assert_label_on_outline(test: unittest.TestCase, label: np.ndarray, outline) -> None:
    """A sample's label: all zero without a document, else within the 2 px ridge of the outline the
    sample returned."""
    if outline is None:
        test.assertEqual(float(label.max()), 0.0)
        return
    dist = shapes.segment_distance(outline, label.shape[0], 3.0)
    test.assertTrue(np.all(dist[label > 0.01] < 1.5 + 1e-6))


def assert_mix_extends(test: unittest.TestCase, old, new, added: set) -> None:
    """`new` is `old` with the `added` shares switched on: every other share is equal, and the added
    ones draw nothing in `old` (so its samples are as they were)."""
    import dataclasses

    for f in dataclasses.fields(old):
        if f.name in added:
            test.assertFalse(getattr(old, f.name), f.name)
            test.assertGreater(getattr(new, f.name), 0, f.name)
        else:
            test.assertEqual(getattr(new, f.name), getattr(old, f.name), f.name)


class LabelAlignment(unittest.TestCase):
    def test_label_pixels_lie_on_the_document_boundary(self):
        pools = tiny_pools()
        rng = np.random.default_rng(3)
        checked = 0
        for _ in range(20):
            img, label, quad = make_sample(rng, pools, 64, negative_rate=0.0)
            self.assertEqual(img.shape, (64, 64, 3))
            self.assertIsNotNone(quad)
            ys, xs = np.nonzero(label > 0.5)
            self.assertGreater(len(xs), 10)
            n = len(quad)  # four corners for a flat page, the drawn boundary for a curved one
            for x, y in zip(xs, ys):
                centre = np.array([x + 0.5, y + 0.5])
                d = min(point_segment_distance(centre, quad[i], quad[(i + 1) % n]) for i in range(n))
                # 2 px wide anti-aliased line: half-width 1 px plus half a pixel's diagonal (0.71).
                self.assertLess(d, 1.75)
                checked += 1
        self.assertGreater(checked, 500)

    def test_label_sits_on_the_drawn_edge(self):
        size = 64
        g = size * 2
        canvas = np.zeros((g, g, 3), np.uint8)
        quad = np.array([[30.3, 20.7], [100.2, 28.1], [95.6, 110.4], [25.1, 100.9]], np.float32)
        warp_onto(canvas, np.full((100, 80, 3), 255, np.uint8), quad, alpha_blur=0.0)
        small = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32).mean(2)
        grad = np.hypot(cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1))
        label = draw_label(quad, size, size / g)
        on = grad[label > 0.5].mean()
        off = grad[label < 0.05].mean()
        self.assertGreater(on, 8 * off)

    def test_page_boundary_falls_where_the_quad_says(self):
        # A white page from x = 20 to 100 canvas px (pixel i covers [i, i+1)) must cover canvas
        # pixels 20..99 exactly, and after the 2x area downscale, output pixels 10..49.
        g = 128
        canvas = np.zeros((g, g, 3), np.uint8)
        quad = np.array([[20, 30], [100, 30], [100, 110], [20, 110]], np.float32)
        warp_onto(canvas, np.full((100, 80, 3), 255, np.uint8), quad, alpha_blur=0.0)
        row = canvas[70, :, 0].astype(int)
        self.assertEqual(row[19], 0)
        self.assertEqual(row[20], 255)
        self.assertEqual(row[99], 255)
        self.assertEqual(row[100], 0)
        col = canvas[:, 60, 0].astype(int)
        self.assertEqual((col[29], col[30], col[109], col[110]), (0, 255, 255, 0))
        # The label's ridge is centred on the same boundary, to a fraction of a pixel, for whole and
        # fractional positions alike.
        for shift in (0.0, 0.3, 0.5, 0.8):
            label = draw_label(quad + shift, 64, 0.5)
            for x_true, cols in ((10 + shift / 2, slice(5, 16)), (50 + shift / 2, slice(45, 56))):
                w = label[35, cols].astype(np.float64)
                centre = float((w * (np.arange(cols.start, cols.stop) + 0.5)).sum() / w.sum())
                self.assertAlmostEqual(centre, x_true, delta=0.05)
            w = label[5:26, 40].astype(np.float64)  # the top side, y = 15 + shift / 2
            self.assertAlmostEqual(float((w * (np.arange(5, 26) + 0.5)).sum() / w.sum()), 15 + shift / 2, delta=0.05)

    def test_negatives_have_empty_labels(self):
        img, label, quad = make_sample(np.random.default_rng(1), tiny_pools(), 64, negative_rate=1.0)
        self.assertIsNone(quad)
        self.assertEqual(float(label.max()), 0.0)


def white_page(h: int = 140, w: int = 100) -> np.ndarray:
    return np.full((h, w, 3), 255, np.uint8)


def sample_bilinear(img: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Values of a float image at points in our coordinates (pixel i covers [i, i + 1))."""
    x = pts[:, 0] - 0.5
    y = pts[:, 1] - 0.5
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    v = lambda yy, xx: img[np.clip(yy, 0, img.shape[0] - 1), np.clip(xx, 0, img.shape[1] - 1)]  # noqa: E731
    return (v(y0, x0) * (1 - fx) * (1 - fy) + v(y0, x0 + 1) * fx * (1 - fy)
            + v(y0 + 1, x0) * (1 - fx) * fy + v(y0 + 1, x0 + 1) * fx * fy)


def edge_offsets(mask: np.ndarray, pts: np.ndarray, reach: float = 3.0) -> np.ndarray:
    """How far the drawn edge lies from each boundary point along the outline's normal, in pixels:
    across a step from 1 to 0 at offset e, the coverage integrates to reach + e over [-reach, reach]
    (a symmetric ramp and bilinear sampling keep that integral)."""
    tangent = np.roll(pts, -1, 0) - np.roll(pts, 1, 0)
    normal = np.stack([tangent[:, 1], -tangent[:, 0]], 1) / np.linalg.norm(tangent, axis=1, keepdims=True)
    flip = sample_bilinear(mask, pts + reach * normal) > sample_bilinear(mask, pts - reach * normal)
    normal[flip] *= -1  # point outward: the page is on the negative side
    ts = np.linspace(-reach, reach, 121)
    prof = np.stack([sample_bilinear(mask, pts + t * normal) for t in ts], 1)
    return np.trapezoid(prof, ts, axis=1) - reach


def away_from(pts: np.ndarray, corners: np.ndarray, r: float) -> np.ndarray:
    d = np.min(np.linalg.norm(pts[:, None, :] - corners[None, :, :], axis=2), axis=1)
    return d > r


class CurvedPages(unittest.TestCase):
    """The new shapes: a bent page's label must lie on the boundary that is actually drawn."""

    QUAD = np.array([[40.3, 30.6], [200.2, 41.1], [190.7, 220.4], [35.1, 205.9]], np.float32)

    def rendered(self, field, outline=None, flap=None):
        g = 256
        canvas = np.zeros((g, g, 3), np.uint8)
        page = white_page()
        h, w = page.shape[:2]
        drawn = render_page(np.random.default_rng(0), canvas, page, None,
                            shapes.rect_outline(w, h) if outline is None else outline, self.QUAD, field, flap,
                            shadow=False, shading=0.0)
        return canvas[..., 0].astype(np.float64) / 255.0, drawn

    def test_fixed_point_inverts_the_remap(self):
        rng = np.random.default_rng(4)
        centre = self.QUAD.mean(0)
        for field in (shapes.bow_field(rng, centre, self.QUAD[1] - self.QUAD[0], 160.0),
                      shapes.curl_field(rng, self.QUAD[2], centre - self.QUAD[2], 170.0),
                      shapes.fold_field(rng, centre, np.array([1.0, 0.2])),
                      shapes.crumple_field(rng, centre, 170.0)):
            p = rng.uniform(0, 256, (200, 2))
            x = shapes.displaced_points(field, p)
            dx, dy = field(x[:, 0], x[:, 1])
            np.testing.assert_allclose(x - np.stack([dx, dy], 1), p, atol=1e-4)

    def test_curled_page_label_lies_on_its_rendered_boundary(self):
        rng = np.random.default_rng(7)
        centre = self.QUAD.mean(0).astype(np.float64)
        fields = {
            "bow": shapes.bow_field(rng, centre, (self.QUAD[1] - self.QUAD[0]).astype(np.float64), 160.0),
            "curl": shapes.curl_field(rng, self.QUAD[2].astype(np.float64), centre - self.QUAD[2], 170.0),
            "fold": shapes.fold_field(rng, centre, np.array([1.0, 0.3])),
            "crumple": shapes.crumple_field(rng, centre, 170.0),
        }
        for name, field in fields.items():
            with self.subTest(field=name):
                mask, drawn = self.rendered(field)
                # The boundary really is curved: it leaves the flat quad's sides by pixels.
                flat_dist = [min(point_segment_distance(p, self.QUAD[i], self.QUAD[(i + 1) % 4]) for i in range(4))
                             for p in drawn]
                self.assertGreater(max(flat_dist), 2.0)
                # Coverage is 0.5 exactly where the label says the edge is (a 1 px ramp: 0.05 is
                # 0.05 px), away from the corners where two sides' ramps overlap.
                corners = shapes.displaced_points(field, self.QUAD.astype(np.float64))
                keep = away_from(drawn, corners, 4.0)
                err = np.abs(edge_offsets(mask, drawn)[keep])
                self.assertLess(float(np.median(err)), 0.02)
                self.assertLess(float(np.percentile(err, 90)), 0.06)
                # And the network's label (at half resolution) is centred on that boundary.
                label = draw_label(drawn, 128, 0.5)
                small = cv2.resize(mask.astype(np.float32), (128, 128), interpolation=cv2.INTER_AREA)
                grad = np.hypot(cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1))
                self.assertGreater(grad[label > 0.5].mean(), 8 * grad[label < 0.05].mean())

    def test_outlines_that_are_not_quads_are_drawn_where_labelled(self):
        h, w = 140, 100
        ear, flap = shapes.dog_eared_outline(w, h, 1, 22.0, 30.0)
        cases = {
            "dog-ear": (ear, flap),
            "rounded": (shapes.rounded_outline(w, h, 12.0), None),
            "perforated": (shapes.torn_outline(w, h, np.random.default_rng(2), 5.0, 3.0, (0, 2)), None),
        }
        for name, (outline, fl) in cases.items():
            with self.subTest(outline=name):
                mask, drawn = self.rendered(None, outline, fl)
                hm = cv2.getPerspectiveTransform(shapes.rect_outline(w, h).astype(np.float32), self.QUAD).astype(np.float64)
                vertices = shapes.apply_homography(hm, outline)
                keep = away_from(drawn, vertices, 4.0)
                err = np.abs(edge_offsets(mask, drawn)[keep])
                self.assertLess(float(np.median(err)), 0.02)
                self.assertLess(float(np.percentile(err, 90)), 0.06)
                self.assertGreater(len(drawn), 40)

    def test_polygon_coverage_matches_the_quad_coverage(self):
        g = 128
        q = np.array([[20.3, 30.7], [100.2, 25.1], [95.5, 110.4], [15.1, 100.9]])
        a = shapes.polygon_coverage(q, g)
        b = coverage_mask(q, g)
        ys, xs = np.mgrid[0:g, 0:g] + 0.5
        keep = away_from(np.stack([xs.ravel(), ys.ravel()], 1), q, 2.0).reshape(g, g)
        np.testing.assert_allclose(a[keep], b[keep], atol=1e-3)

    def test_every_kind_of_scene_keeps_labels_on_the_outline(self):
        # Many samples, so every new branch (curls, books, notebooks, sleeves, hands, negatives)
        # runs: labels stay within the ridge of the outline the sample returns.
        pools = tiny_pools()
        rng = np.random.default_rng(11)
        for _ in range(60):
            img, label, outline = make_sample(rng, pools, 64)
            self.assertEqual(img.shape, (64, 64, 3))
            assert_label_on_outline(self, label, outline)


def normalised_edge_offsets(lum: np.ndarray, pts: np.ndarray, reach: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """edge_offsets for a boundary between two regions of any brightness: each profile is rescaled
    so that the inside (the brighter side) is 1 and the outside 0. Also returns which profiles are
    flat on both sides (1.5 to 3 px out: within 2 levels), the only ones where that is exact: a
    seam, a clip or the cover's own edge close beside the page's changes the outside level."""
    tangent = np.roll(pts, -1, 0) - np.roll(pts, 1, 0)
    normal = np.stack([tangent[:, 1], -tangent[:, 0]], 1) / np.linalg.norm(tangent, axis=1, keepdims=True)
    flip = sample_bilinear(lum, pts + reach * normal) > sample_bilinear(lum, pts - reach * normal)
    normal[flip] *= -1  # point toward the darker side
    ts = np.linspace(-reach, reach, 121)
    prof = np.stack([sample_bilinear(lum, pts + t * normal) for t in ts], 1)
    lo, hi = prof[:, -1:], prof[:, :1]
    side = np.abs(ts) >= reach / 2
    out, inn = prof[:, side & (ts > 0)], prof[:, side & (ts < 0)]
    flat = (np.ptp(out, axis=1) < 2.0) & (np.ptp(inn, axis=1) < 2.0) & (hi[:, 0] - lo[:, 0] > 50)
    return np.trapezoid((prof - lo) / (hi - lo), ts, axis=1) - reach, flat


def outline_points(poly: np.ndarray, step: float = 2.0) -> np.ndarray:
    return shapes.resample_closed(np.asarray(poly, np.float64), step)


class V5Families(unittest.TestCase):
    """v5's scenes: the label follows the page, never the cover, clipboard or sleeve round it."""

    def test_a_page_in_a_dark_cover_is_labelled_on_the_page_not_the_cover(self):
        from synth import page_in_cover

        pools = tiny_pools()
        for seed in range(4):
            with self.subTest(seed=seed):
                g = 256
                canvas = np.full((g, g, 3), 200, np.uint8)  # a plain desk
                quad, cover = page_in_cover(np.random.default_rng(seed), pools, canvas, False, clipboard=False,
                                            shadow=False, page=white_page())
                self.assertIsNotNone(cover)
                lum = canvas.astype(np.float64).mean(2)
                # The page's edge is drawn where its quad says (against the dark cover) ...
                pts = outline_points(quad)
                keep = away_from(pts, quad, 4.0)
                off, flat = normalised_edge_offsets(lum, pts[keep])
                self.assertGreater(flat.mean(), 0.5)
                err = np.abs(off[flat])
                self.assertLess(float(np.median(err)), 0.02)
                self.assertLess(float(np.percentile(err, 90)), 0.06)
                # ... the cover's outer edge is a real, strong edge of its own, a few px outside ...
                cpts = outline_points(cover)
                inside = (cpts[:, 0] > 4) & (cpts[:, 0] < g - 4) & (cpts[:, 1] > 4) & (cpts[:, 1] < g - 4)
                cpts = cpts[inside & away_from(cpts, cover, 4.0)]
                self.assertGreater(len(cpts), 20)
                step = sample_bilinear(lum, cpts + 0.0)  # on the edge: between desk (200) and cover
                self.assertLess(float(np.median(step)), 170)
                gap = shapes.segment_distance(quad, g, 40.0)[cpts[:, 1].astype(int), cpts[:, 0].astype(int)]
                self.assertGreater(float(np.median(gap)), 3.0)
                # ... and the label (at the network's half resolution) is on the page only.
                label = draw_label(quad, 128, 0.5)
                self.assertTrue(np.all(shapes.segment_distance(quad * 0.5, 128, 3.0)[label > 0.01] < 1.5 + 1e-6))
                far = cpts[gap > 4.0] * 0.5
                self.assertEqual(float(label[far[:, 1].astype(int), far[:, 0].astype(int)].max()), 0.0)

    def test_a_pale_side_against_a_white_wall_is_labelled_as_the_dark_sides_are(self):
        from synth import held_against_pale

        pools = tiny_pools()
        for seed in range(4):
            with self.subTest(seed=seed):
                g = 256
                canvas = np.zeros((g, g, 3), np.uint8)
                page = np.full((140, 100, 3), 240, np.uint8)
                drawn, quad, side = held_against_pale(np.random.default_rng(seed), pools, canvas, False, card=False,
                                                page=page, shadow=False)
                lum = canvas.astype(np.float64).mean(2)
                quad = quad.astype(np.float64)
                self.assertLess(float(shapes.segment_distance(quad, g, 2.0)[drawn[:, 1].astype(int), drawn[:, 0].astype(int)].max()), 1.5)
                corners = quad
                a, b = quad[side], quad[(side + 1) % 4]
                # The side against the wall has almost no contrast; the opposite one a strong one.
                mid = (a + b) / 2
                inward = quad.mean(0) - mid
                inward /= np.linalg.norm(inward)
                self.assertLess(abs(sample_bilinear(lum, np.array([mid + 3 * inward]))[0]
                                    - sample_bilinear(lum, np.array([mid - 3 * inward]))[0]), 25)
                c, d = quad[(side + 2) % 4], quad[(side + 3) % 4]
                far = (c + d) / 2
                inward = quad.mean(0) - far
                inward /= np.linalg.norm(inward)
                self.assertGreater(sample_bilinear(lum, np.array([far + 3 * inward]))[0]
                                   - sample_bilinear(lum, np.array([far - 3 * inward]))[0], 100)
                # Where the edge can be measured (against the dark), it is where the label says.
                pts = outline_points(quad)
                off, flat = normalised_edge_offsets(lum, pts[away_from(pts, corners, 4.0)])
                self.assertGreater(flat.sum(), 30)
                # The backdrop's noise and texture within 3 px scatter single profiles by a few
                # hundredths of a pixel; they do not move the edge: no bias, and each within 0.05.
                self.assertLess(abs(float(np.median(off[flat]))), 0.01)
                err = np.abs(off[flat])
                self.assertLess(float(np.median(err)), 0.05)
                self.assertLess(float(np.percentile(err, 90)), 0.1)
                # The pale side is labelled all along, as the others are.
                label = draw_label(drawn, 128, 0.5)
                on = (a + (b - a) * np.linspace(0.1, 0.9, 20)[:, None]) * 0.5
                self.assertGreater(float(label[on[:, 1].astype(int), on[:, 0].astype(int)].min()), 0.3)

    def test_veins_beside_the_page_are_drawn_and_not_labelled(self):
        import scenes

        quad = CurvedPages.QUAD.astype(np.float64)
        g = 256
        changed = 0
        for seed in range(4):
            with self.subTest(seed=seed):
                rng = np.random.default_rng(seed)
                canvas, style = scenes.marble_surface(rng, g)
                before = canvas.astype(np.float64).mean(2)
                paths = scenes.veins_near(rng, canvas, style, quad)
                after = canvas.astype(np.float64).mean(2)
                ink = 255.0 if after.mean() < 128 else 0.0  # a page far from the stone's brightness
                warp_onto(canvas, np.full((140, 100, 3), ink, np.uint8), quad.astype(np.float32), alpha_blur=0.0)
                label = draw_label(quad, 128, 0.5)
                for path in paths:
                    pts = path[(path[:, 0] > 1) & (path[:, 0] < g - 1) & (path[:, 1] > 1) & (path[:, 1] < g - 1)]
                    pts = shapes.resample_closed(pts, 1.0)[:-1]  # dense along the line
                    near = np.abs(sample_bilinear(after, pts) - sample_bilinear(before, pts))
                    changed += float(near.mean()) > 2.0
                    # Beside the page, 1-6% of the frame out, nearly parallel to a side ...
                    d = shapes.segment_distance(quad, g, 0.2 * g)[pts[:, 1].astype(int), pts[:, 0].astype(int)]
                    self.assertLess(float(np.min(d)), 0.08 * g)
                    # ... and never labelled where it runs clear of the page's edge.
                    clear = pts[d > 5.0] * 0.5  # the ridge: 1.5 px at half size, plus a pixel's diagonal
                    self.assertEqual(float(label[clear[:, 1].astype(int), clear[:, 0].astype(int)].max()), 0.0)
                # The page's coverage, recovered from the picture and the stone under it, has its
                # edge where the label is, veins or not.
                cover = (canvas.astype(np.float64).mean(2) - after) / (ink - after)
                pts = outline_points(quad)
                keep = away_from(pts, quad, 4.0)
                ok = np.abs(ink - sample_bilinear(after, pts[keep])) > 60
                err = np.abs(edge_offsets(cover, pts[keep][ok]))
                self.assertGreater(len(err), 100)
                self.assertLess(float(np.median(err)), 0.02)
                self.assertLess(float(np.percentile(err, 90)), 0.06)
        self.assertGreater(changed, 4)  # the veins are really there

    def test_a_curled_page_in_a_sleeve_is_labelled_not_the_sleeve(self):
        from synth import page_in_sleeve

        pools = tiny_pools()
        g = 256
        for seed in range(4):
            with self.subTest(seed=seed):
                canvas = np.full((g, g, 3), 40, np.uint8)  # a dark desk
                drawn, quad, sleeve = page_in_sleeve(np.random.default_rng(seed), pools, canvas, False,
                                                     page=white_page(), curl=True, shadow=False)
                quad, sleeve = quad.astype(np.float64), sleeve.astype(np.float64)
                lum = canvas.astype(np.float64).mean(2)
                # The same scene without the sleeve over it (drawn last: the same page, the same draws).
                alone = np.full((g, g, 3), 40, np.uint8)
                drawn_alone, _, _ = page_in_sleeve(np.random.default_rng(seed), pools, alone, False, page=white_page(),
                                                   curl=True, shadow=False, sleeve_over=False)
                np.testing.assert_array_equal(drawn_alone, drawn)
                cover = (alone.astype(np.float64).mean(2) - 40.0) / 215.0

                # The page's top is turned against the sleeve's (slanted) and curled (off its quad).
                def angle(v):
                    return math.atan2(v[1], v[0])
                turn = abs((angle(quad[1] - quad[0]) - angle(sleeve[1] - sleeve[0]) + math.pi) % (2 * math.pi) - math.pi)
                self.assertGreater(turn, 0.01)
                self.assertGreater(float(shapes.segment_distance(quad, g, 40.0)[drawn[:, 1].astype(int), drawn[:, 0].astype(int)].max()), 1.5)
                # The sleeve's top edge lies above the page's and is drawn (brighter than the desk) ...
                top = sleeve[0] + (sleeve[1] - sleeve[0]) * np.linspace(0.05, 0.95, 60)[:, None]
                gap = shapes.segment_distance(drawn, g, 40.0)[top[:, 1].astype(int), top[:, 0].astype(int)]
                self.assertGreater(float(np.median(gap)), 1.5)
                clear = top[gap > 4.5]  # the ridge: 1.5 px at half size, plus a pixel's diagonal
                self.assertGreater(len(clear), 3)
                self.assertGreater(float(np.median(sample_bilinear(lum, clear))), 40 + 20)
                # ... and is not labelled; the page's drawn (curled) outline is, where it is drawn.
                label = draw_label(drawn, 128, 0.5)
                half = clear * 0.5
                self.assertEqual(float(label[half[:, 1].astype(int), half[:, 0].astype(int)].max()), 0.0)
                # Where the (curled) corners were drawn: resample_closed keeps the quad's vertices.
                steps = [int(math.ceil(np.linalg.norm(quad[(i + 1) % 4] - quad[i]) / 4.0)) for i in range(3)]
                corners = drawn[np.cumsum([0] + steps)]
                err = np.abs(edge_offsets(cover, drawn[away_from(drawn, corners, 6.0)]))
                self.assertGreater(len(err), 20)
                self.assertLess(float(np.median(err)), 0.02)
                self.assertLess(float(np.percentile(err, 90)), 0.06)

    def test_negatives_on_marble_stay_empty(self):
        from synth import Mix

        pools, rng = tiny_pools(), np.random.default_rng(32)
        for _ in range(4):
            _, label, outline = make_sample(rng, pools, 64, mix=Mix(negative=1.0, marble=1.0, pale_desk=0.0))
            self.assertIsNone(outline)
            self.assertEqual(float(label.max()), 0.0)

    def test_clipboards_and_covers_in_samples_keep_labels_on_the_page(self):
        from synth import Mix

        pools, rng = tiny_pools(), np.random.default_rng(31)
        for _ in range(10):
            _, label, outline = make_sample(rng, pools, 64, mix=Mix(negative=0.0, cover=0.3, pale_side=0.3,
                                                                     sleeve=0.4, marble=0.5))
            self.assertGreater(float(label.max()), 0.5)
            assert_label_on_outline(self, label, outline)


def assert_drawn_over_magenta(test: unittest.TestCase, canvas: np.ndarray, outlines, what: str,
                              magenta_at_most: float = 0.05) -> None:
    """Objects drawn over a magenta canvas are there: most of what each outline covers is no longer
    magenta, and it is not one flat fill (panels, seams, print, compartments)."""
    test.assertGreater(len(outlines), 0)
    for poly in outlines:
        inner = shapes.polygon_coverage(poly, canvas.shape[0]) > 0.99
        if inner.sum() < 20:
            continue
        px = canvas[inner].astype(np.int32)
        magenta = (px[:, 0] > 200) & (px[:, 1] < 60) & (px[:, 2] > 200)
        test.assertLess(float(magenta.mean()), magenta_at_most, what)
        test.assertGreater(float(px.std()), 2.0, what)


class V6Families(unittest.TestCase):
    """v6's scenes: things the v3-family models took for pages, with no paper (label all zero), and
    a page lying among them (label on the page's outline)."""

    def drawn(self, family: str, seed: int) -> None:
        """The family's objects are on the canvas: over a magenta canvas, most of the frame the
        objects cover is no longer magenta."""
        import desks

        draw = {"machine": desks.office_machine, "laptop": desks.laptop_desk, "boxy": desks.boxy_desk}[family]
        rng = np.random.default_rng(seed)
        for _ in range(4):
            canvas = np.zeros((128, 128, 3), np.uint8)
            canvas[:] = (255, 0, 255)
            assert_drawn_over_magenta(self, canvas, draw(rng, canvas), family)

    def negatives(self, family: str, seed: int) -> None:
        from synth import Mix, desk_scene

        pools, rng = tiny_pools(), np.random.default_rng(seed)
        for _ in range(3):
            canvas = np.zeros((128, 128, 3), np.uint8)
            got, outlines = desk_scene(rng, pools, canvas, family)
            self.assertEqual(got, family)
            self.assertGreater(len(outlines), 0)
        for _ in range(6):
            _, label, outline = make_sample(rng, pools, 64, mix=Mix(negative=1.0, desk_negative=1.0))
            self.assertIsNone(outline)
            self.assertEqual(float(label.max()), 0.0)

    def page_among(self, family: str, seed: int) -> None:
        from synth import page_among_things

        pools, rng = tiny_pools(), np.random.default_rng(seed)
        for _ in range(4):
            canvas = np.zeros((128, 128, 3), np.uint8)
            green = np.zeros((140, 100, 3), np.uint8)
            green[:] = (20, 200, 30)
            quad, things = page_among_things(rng, pools, canvas, family, page=green)
            self.assertGreater(len(things), 0)
            import cv2

            # a pixel in from the edge: the page's edge is softened by up to a pixel's blur
            inner = cv2.erode((shapes.polygon_coverage(quad, 128) > 0.99).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
            self.assertGreater(int(inner.sum()), 20)
            # the page is what lies inside its outline, over the things
            self.assertTrue(np.all(np.abs(np.median(canvas[inner], 0) - [20, 200, 30]) < 6))
            label = draw_label(quad, 64, 0.5)
            dist = shapes.segment_distance(np.asarray(quad, np.float64) * 0.5, 64, 3.0)
            self.assertGreater(float(label.max()), 0.5)
            self.assertTrue(np.all(dist[label > 0.01] < 1.5 + 1e-6))

    def test_office_machines_are_drawn_and_never_labelled(self):
        self.drawn("machine", 61)
        self.negatives("machine", 62)
        self.page_among("machine", 63)

    def test_laptops_cut_by_the_frame_are_drawn_and_never_labelled(self):
        self.drawn("laptop", 65)
        self.negatives("laptop", 66)
        self.page_among("laptop", 67)

    def test_a_laptops_front_edge_leaves_a_strip_of_desk_against_the_frame(self):
        """The body reaches past the frame on three sides' worth of its outline, and its front edge
        runs nearly parallel to a border, 15-55% of the frame from the opposite one."""
        import desks

        rng = np.random.default_rng(68)
        for _ in range(8):
            canvas = np.zeros((128, 128, 3), np.uint8)
            body = desks.laptop_desk(rng, canvas)[0]
            outside = (body < 0) | (body > 128)
            self.assertTrue(outside.any())  # cut by the frame
            cover = shapes.polygon_coverage(body, 128) > 0.5
            # the strip: whole rows or columns of the frame that the body leaves free along one border
            free_rows = [(~cover[:i]).all() for i in (20, 108)] + [(~cover[i:]).all() for i in (20, 108)]
            free_cols = [(~cover[:, :i]).all() for i in (20, 108)] + [(~cover[:, i:]).all() for i in (20, 108)]
            self.assertTrue(any(free_rows) or any(free_cols))

    def test_boxy_desk_objects_are_drawn_and_never_labelled(self):
        self.drawn("boxy", 69)
        self.negatives("boxy", 70)
        self.page_among("boxy", 71)

    def test_a_box_shows_its_top_face_and_darker_sides_below_it(self):
        """A cardboard box's top face is the box's colour and its visible sides below it darker: a
        box, not a flat rectangle lying on the desk."""
        import desks

        rng = np.random.default_rng(72)
        for _ in range(6):
            canvas = np.zeros((256, 256, 3), np.uint8)
            canvas[:] = (255, 0, 255)
            hull = desks.boxy_thing(rng, canvas, np.array([128.0, 110.0]), "plastic")
            inner = shapes.polygon_coverage(hull, 256) > 0.99
            px = canvas[inner].astype(np.int32)
            self.assertLess(float(((px[:, 0] > 200) & (px[:, 1] < 60) & (px[:, 2] > 200)).mean()), 0.02)
            lum = canvas.astype(np.float32).mean(2)
            ys, xs = np.nonzero(inner)
            low = ys > np.percentile(ys, 92)  # the hull's lowest rows: the side facing the camera
            mid = np.abs(ys - np.median(ys)) < 5
            self.assertLess(float(np.median(lum[ys[low], xs[low]])), float(np.median(lum[ys[mid], xs[mid]])) + 1)

    def test_a_page_among_things_in_samples_keeps_its_label_on_the_outline(self):
        from synth import Mix

        pools, rng = tiny_pools(), np.random.default_rng(64)
        for _ in range(6):
            _, label, outline = make_sample(rng, pools, 64, mix=Mix(negative=0.0, desk_page=1.0))
            self.assertEqual(len(outline), 4)
            self.assertGreater(float(label.max()), 0.5)
            assert_label_on_outline(self, label, outline)


class V10Families(unittest.TestCase):
    """v10's scenes: a pale desk organiser with things standing in it, and a printer's paper tray
    close up whose outline runs off the frame; never labelled, and a page on or by them labelled on
    its outline."""

    def drawn(self, family: str, seed: int) -> list[np.ndarray]:
        import desks

        draw = {"organiser": desks.pale_organiser_desk, "tray": desks.paper_tray}[family]
        rng = np.random.default_rng(seed)
        canvases = []
        for _ in range(6):
            canvas = np.zeros((128, 128, 3), np.uint8)
            canvas[:] = (255, 0, 255)
            outlines = draw(rng, canvas)
            # a tray's quad holds its scooped corner and notch too (up to a fifth of it)
            assert_drawn_over_magenta(self, canvas, outlines, family, 0.22 if family == "tray" else 0.05)
            canvases.append((canvas, outlines, shapes.polygon_coverage(outlines[-1], 128) > 0.99))
        return canvases

    def test_a_paper_tray_is_pale_and_runs_off_the_frame(self):
        for canvas, outlines, inner in self.drawn("tray", 81):
            (quad,) = outlines
            self.assertTrue(((quad < 0) | (quad > 128)).any())  # cut by the frame
            self.assertGreater(int(inner.sum()), 128 * 128 // 5)  # and a large part of the picture
            lum = canvas.astype(np.float32).mean(2)[inner]
            self.assertGreater(float(np.median(lum)), 120.0)

    def test_a_pale_organiser_stands_among_the_desk_things(self):
        import desks

        self.drawn("organiser", 82)
        rng = np.random.default_rng(83)
        for _ in range(6):
            canvas = np.zeros((256, 256, 3), np.uint8)
            hull = desks.boxy_thing(rng, canvas, np.array([128.0, 120.0]), "organiser")
            cover = shapes.polygon_coverage(hull, 256) > 0.99
            lum = canvas.astype(np.float32).mean(2)[cover]
            self.assertGreater(float(np.percentile(lum, 90)), 180.0)  # its rim and top are pale
            self.assertGreater(float(lum.std()), 15.0)  # compartments in shade, things in them

    def test_holder_scenes_are_never_labelled_and_pages_on_them_are(self):
        from synth import HOLDER_FAMILIES, Mix, desk_scene

        pools, rng = tiny_pools(), np.random.default_rng(84)
        for family in HOLDER_FAMILIES:
            canvas = np.zeros((128, 128, 3), np.uint8)
            self.assertEqual(desk_scene(rng, pools, canvas, family)[0], family)
            V6Families.page_among(self, family, 85)
        for _ in range(6):
            _, label, outline = make_sample(rng, pools, 64, mix=Mix(negative=1.0, holder_negative=1.0,
                                                                    paperless_negatives=True))
            self.assertIsNone(outline)
            self.assertEqual(float(label.max()), 0.0)
            _, label, outline = make_sample(rng, pools, 64, mix=Mix(negative=0.0, holder_page=1.0))
            self.assertEqual(len(outline), 4)
            assert_label_on_outline(self, label, outline)

    def test_v10_is_v9_with_the_holder_families(self):
        from synth import MIXES, V9_MIX, V10_MIX

        self.assertIs(MIXES["v10"], V10_MIX)
        assert_mix_extends(self, V9_MIX, V10_MIX, {"holder_negative", "holder_page"})
        pools, rng = tiny_pools(), np.random.default_rng(86)
        for _ in range(20):
            _, label, outline = make_sample(rng, pools, 64, mix=V10_MIX)
            assert_label_on_outline(self, label, outline)


def side_band(quad: np.ndarray, side: int, depths, n: int = 240) -> tuple[np.ndarray, np.ndarray]:
    """Points along a quad's side (its middle 80%) moved `depth` px inward for each depth: (len(depths), n, 2);
    and the side's inward unit normal."""
    q = np.asarray(quad, np.float64)
    a, b = q[side], q[(side + 1) % 4]
    inward = np.array([b[1] - a[1], a[0] - b[0]]) / np.linalg.norm(b - a)
    if np.dot(q.mean(0) - a, inward) < 0:
        inward = -inward
    t = np.linspace(0.1, 0.9, n)[:, None]
    line = a + (b - a) * t
    return np.stack([line + inward * d for d in depths]), inward


def cover_edge_points(cover, quad):
    """Points on the outline of a cover under a 256 px spread, inside the canvas, clear of the
    cover's corners and more than 4 px from the labelled page (whose coil may overlap it)."""
    cpts = outline_points(cover)
    inside = np.all((cpts > 4) & (cpts < 252), axis=1) & away_from(cpts, cover, 4.0)
    gap = shapes.segment_distance(quad, 256, 40.0)[np.clip(cpts[:, 1].astype(int), 0, 255),
                                                   np.clip(cpts[:, 0].astype(int), 0, 255)]
    return cpts[inside & (gap > 4.0)]


class V7Families(unittest.TestCase):
    """v7's open spiral notebook: the label is the page with its half of the coil, out to the ring
    line; the facing page beyond the coil and the cover under both are drawn, never labelled.
    v8 draws the same notebook closer to the photos (`look="v8"`, `LOOK = "v8"` in V8Spirals below):
    every test here holds for both."""

    LOOK = "v7"

    def render(self, seed: int, desk: int, **kw):
        from synth import open_spiral_notebook

        g = 256
        canvas = np.full((g, g, 3), desk, np.uint8)
        look = {} if self.LOOK == "v7" else {"look": self.LOOK, "plastic": kw.pop("plastic", False)}
        quad, parts = open_spiral_notebook(np.random.default_rng(seed), tiny_pools(), canvas, False,
                                           page=white_page(), shadow=False, **look, **kw)
        return canvas, quad, parts

    def test_the_page_and_the_facing_page_are_drawn_where_their_quads_say_and_only_the_page_is_labelled(self):
        sides = set()
        for seed in range(6):
            with self.subTest(seed=seed):
                canvas, quad, parts = self.render(seed, 40, facing=True, cover=False, dark=True)
                side = parts["side"]
                sides.add(side)
                lum = canvas.astype(np.float64).mean(2)
                # The three free sides are the paper's own edges, exactly where the label runs.
                pts = np.concatenate([outline_points(np.array([quad[i], quad[(i + 1) % 4]]))[:-1]
                                      for i in range(4) if i != side])
                a, b = quad[side].astype(np.float64), quad[(side + 1) % 4].astype(np.float64)
                # (the free sides' last `reach` px by the bound side cross the coil strip, not paper)
                clear = np.array([point_segment_distance(p, a, b) for p in pts]) > parts["reach"] + 4.0
                pts = pts[away_from(pts, quad, 6.0) & clear]
                off, flat = normalised_edge_offsets(lum, pts)
                self.assertGreater(flat.mean(), 0.5)
                err = np.abs(off[flat])
                self.assertLess(float(np.median(err)), 0.02)
                # (warp_onto's coverage is 0.5 + the centre's distance: on a side near 45 degrees that
                # is off the true area by up to 0.1 px at some pixels, as for page_in_cover's pages)
                self.assertLess(float(np.percentile(err, 90)), 0.08)
                self.assertLess(float(err.max()), 0.15)
                # The paper stops `reach` short of the label's bound side: the strip between is coil.
                self.assertGreater(parts["reach"], 1.0)
                page = np.asarray(parts["page"], np.float64)
                # (the page's quad is in its own frame, bound side 1-2): its bound corners lie on the
                # label's free sides, a strip's width short of the bound side
                for corner, free in ((page[1], (side + 3) % 4), (page[2], (side + 1) % 4)):
                    q0, q1 = quad[free].astype(np.float64), quad[(free + 1) % 4].astype(np.float64)
                    self.assertLess(point_segment_distance(corner, q0, q1), 0.01)
                    self.assertGreater(point_segment_distance(corner, a, b), parts["reach"] * 0.5)
                # The facing page is drawn (bright, the page's white) and the label never reaches it.
                facing = parts["facing"]
                self.assertIsNotNone(facing)
                inner = (shapes.polygon_coverage(facing, 256) > 0.99) & (shapes.segment_distance(quad, 256, 8.0) > 6.0)
                self.assertGreater(int(inner.sum()), 50)
                self.assertGreater(float(np.median(lum[inner])), 200)
                label = draw_label(quad, 128, 0.5)
                self.assertTrue(np.all(shapes.segment_distance(quad * 0.5, 128, 3.0)[label > 0.01] < 1.5 + 1e-6))
                ys, xs = np.nonzero(inner)
                self.assertEqual(float(label[ys // 2, xs // 2].max()), 0.0)
        self.assertGreater(len(sides), 1)

    def test_the_label_runs_along_the_coils_ring_line(self):
        beyond = 0
        for seed in range(6):
            with self.subTest(seed=seed):
                canvas, quad, parts = self.render(seed + 10, 200, facing=False, cover=False, dark=True)
                lum = canvas.astype(np.float64).mean(2)
                side, reach, far = parts["side"], parts["reach"], parts["far_reach"]
                # The loops make a dark band on both sides of the label's bound side ...
                # (small notebooks' wires are a pixel wide or less: grey, not black, after anti-aliasing)
                for depths in (np.linspace(0.75, max(1.0, reach * 0.5), 6), -np.linspace(0.75, max(1.0, far * 0.5), 6)):
                    band, inward = side_band(quad, side, depths)
                    dark = np.array([(sample_bilinear(lum, row) < 160).mean() for row in band])
                    self.assertGreater(float(dark.max()), 0.25, dark)
                    self.assertGreater(float(dark[0]), 0.03, dark)  # the loops cross the line
                # ... and past the far half's end there is only the pale desk.
                outside, _ = side_band(quad, side, [-(far + 2.5), -(far + 4.0)])
                outside = outside.reshape(-1, 2)
                outside = outside[np.all((outside > 1) & (outside < 255), axis=1)]  # in the frame
                self.assertTrue(np.all(sample_bilinear(lum, outside) > 150))
                beyond += len(outside)
                # The page's half of each loop ends on the label's side, the far half starts there,
                # to under a pixel: the label is the ring line where the two halves meet.
                a = quad[side].astype(np.float64)
                for key, sign in (("coils", 1.0), ("far_coils", -1.0)):
                    ys, xs = np.nonzero(parts[key] > 0.5)
                    across = sign * -((xs + 0.5 - a[0]) * inward[0] + (ys + 0.5 - a[1]) * inward[1])
                    self.assertLess(float(across.max()), 0.5, key)
                    self.assertGreater(float(across.max()), -1.0, key)
        self.assertGreater(beyond, 300)

    def test_the_cover_under_the_spread_is_drawn_and_not_labelled(self):
        for seed in range(4):
            with self.subTest(seed=seed):
                canvas, quad, parts = self.render(seed + 20, 200, facing=True, cover=True)
                cover = parts["cover"]
                self.assertIsNotNone(cover)
                lum = canvas.astype(np.float64).mean(2)
                cpts = cover_edge_points(cover, quad)
                self.assertGreater(len(cpts), 20)
                self.assertLess(float(np.median(sample_bilinear(lum, cpts))), 170)  # desk 200 against a dark cover
                label = draw_label(quad, 128, 0.5)
                half = cpts * 0.5
                self.assertEqual(float(label[half[:, 1].astype(int), half[:, 0].astype(int)].max()), 0.0)

    def test_spirals_in_samples_keep_labels_on_the_outline(self):
        from synth import Mix

        pools, rng = tiny_pools(), np.random.default_rng(73)
        for _ in range(10):
            family = {"spiral": 1.0} if self.LOOK == "v7" else {"spiral_v8": 1.0}
            _, label, outline = make_sample(rng, pools, 64, mix=Mix(negative=0.0, marble=0.3, **family))
            self.assertEqual(len(outline), 4)
            self.assertGreater(float(label.max()), 0.5)
            assert_label_on_outline(self, label, outline)


class V8Spirals(V7Families):
    """v8's open spiral notebook (round shaded wire, a lifted facing page, a gutter shadow, letters):
    V7Families' tests with `look="v8"`, and the lifted facing page's own."""

    LOOK = "v8"

    def test_the_lifted_facing_page_curves_away_and_never_reaches_the_label(self):
        curved = 0
        for seed in range(6):
            with self.subTest(seed=seed):
                canvas, quad, parts = self.render(seed + 30, 40, facing=True, cover=False, dark=True)
                drawn = np.asarray(parts["facing_outline"], np.float64)
                side = parts["side"]
                a, b = quad[side].astype(np.float64), quad[(side + 1) % 4].astype(np.float64)
                inward = np.array([b[1] - a[1], a[0] - b[0]]) / np.linalg.norm(b - a)
                if np.dot(quad.mean(0) - a, inward) < 0:
                    inward = -inward
                # Every point of its drawn outline lies beyond the ring line, by at least the far
                # half's reach less a pixel (the page frame's perspective bends distances a little).
                beyond = -((drawn - a) @ inward)
                self.assertGreater(float(beyond.min()), min(2.0, parts["far_reach"] * 0.5), beyond.min())
                # It is drawn where its outline says (bright paper on a dark desk), and unlabelled.
                lum = canvas.astype(np.float64).mean(2)
                inner = (shapes.polygon_coverage(drawn, 256) > 0.99) & (shapes.segment_distance(quad, 256, 8.0) > 6.0)
                inner &= shapes.segment_distance(drawn, 256, 4.0) > 3.0  # clear of the far holes and loops by the edge
                self.assertGreater(int(inner.sum()), 50)
                self.assertGreater(float(np.median(lum[inner])), 150)
                ys, xs = np.nonzero(inner)
                self.assertEqual(float(draw_label(quad, 128, 0.5)[ys // 2, xs // 2].max()), 0.0)
                # Its outline is not the facing quad's: the edges near the spine curve.
                straight = np.array([shapes.segment_distance(parts["facing"], 256, 20.0)[int(p[1]), int(p[0])]
                                     for p in drawn if 0 <= p[0] < 256 and 0 <= p[1] < 256])
                curved += bool(len(straight) and straight.max() > 1.0)
        self.assertGreater(curved, 2)

    def test_a_grey_plastic_folder_under_the_spread_is_drawn_and_not_labelled(self):
        for seed in range(4):
            with self.subTest(seed=seed):
                canvas, quad, parts = self.render(seed + 50, 30, facing=True, cover=True, plastic=True)
                cover = parts["cover"]
                self.assertIsNotNone(cover)
                lum = canvas.astype(np.float64).mean(2)
                cpts = cover_edge_points(cover, quad)
                self.assertGreater(len(cpts), 20)
                # (the points lie on the cover's edge: half plastic, half the dark desk 30)
                self.assertGreater(float(np.median(sample_bilinear(lum, cpts))), 70)
                label = draw_label(quad, 128, 0.5)
                half = cpts * 0.5
                self.assertEqual(float(label[half[:, 1].astype(int), half[:, 0].astype(int)].max()), 0.0)

    def test_the_wire_is_shaded_round_not_flat(self):
        from synth import open_spiral_notebook

        spread = []
        for seed in range(4):
            canvas = np.full((256, 256, 3), 230, np.uint8)
            _, parts = open_spiral_notebook(np.random.default_rng(seed + 40), tiny_pools(), canvas, False, page=white_page(),
                                            facing=False, cover=False, dark=True, shadow=False, look="v8")
            solid = (parts["coils"] > 0.99) | (parts["far_coils"] > 0.99)
            if solid.sum() > 30:
                spread.append(float(np.percentile(canvas.mean(2)[solid], 95) - np.percentile(canvas.mean(2)[solid], 5)))
        # a flat stroke of one colour would give ~0; a rim, a core and a highlight give tens of levels
        self.assertTrue(spread)
        self.assertGreater(float(np.median(spread)), 15.0, spread)


class CoilSet(unittest.TestCase):
    """training/coil_set.py: a notebook's notes name its bound side in the label's corner order."""

    def test_bound_names_the_label_side_the_coil_is_on(self):
        from coil_set import notebook, ordered

        for seed in range(6):
            _, quad, info = notebook(np.random.default_rng(seed), tiny_pools(), 256)
            label, q = np.asarray(ordered(quad)), np.asarray(quad, np.float64)[:, :2]
            b, k = info["bound"], info["side"]
            # the label's corners are rounded to 0.01 px
            ends, coil = label[[b, (b + 1) % 4]], q[[k, (k + 1) % 4]]
            self.assertTrue(np.allclose(ends, coil, atol=0.01) or np.allclose(ends, coil[::-1], atol=0.01), (seed, b, k, ends, coil))


class SpiralCheck(unittest.TestCase):
    """training/spiral_check.py: which line a map draws on a synthetic spiral's bound side."""

    def test_a_map_of_the_label_and_a_map_of_the_paper_are_told_apart(self):
        from spiral_check import bound_side_strengths
        from synth import open_spiral_notebook

        rng = np.random.default_rng(80)
        told = 0
        for i in range(12):
            canvas = np.zeros((256, 256, 3), np.uint8)
            quad, parts = open_spiral_notebook(rng, tiny_pools(), canvas, False, look=("v7", "v8")[i % 2])
            if parts["reach"] * 0.5 < 3.0:
                continue  # the two lines closer than the ridge's width: not told apart by design
            told += 1
            on_label = bound_side_strengths(draw_label(quad, 128, 0.5), quad, parts, 0.5)
            paper = np.asarray(parts["page"], np.float64)
            on_paper = bound_side_strengths(draw_label(paper, 128, 0.5), quad, parts, 0.5)
            self.assertGreater(on_label[0], 0.9)
            self.assertLess(on_label[1], 0.1)
            self.assertGreater(on_paper[1], 0.9)
            self.assertLess(on_paper[0], 0.1)
            self.assertGreater(on_label[2], 0.9)  # the free sides are shared by both outlines
            self.assertGreater(on_paper[2], 0.6)
        self.assertGreater(told, 4)

    def test_the_tool_runs_the_shipped_model_on_fresh_samples(self):
        import subprocess

        with tempfile.TemporaryDirectory() as tmp:
            write_tiny_assets(os.path.join(tmp, "assets"))
            model = os.path.join(os.path.dirname(os.path.dirname(HERE)), "models", "docedge-fp32.onnx")
            done = subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "spiral_check.py"), "--model", model,
                                   "--n", "3", "--assets", os.path.join(tmp, "assets")],
                                  check=True, capture_output=True, text=True)
            got = json.loads(done.stdout.strip().splitlines()[-1])
            self.assertEqual(got["n"], 3)
            for key in ("label_side", "paper_edge", "free_sides"):
                self.assertTrue(0.0 <= got[key] <= 1.0, got)


class FamilyRates(unittest.TestCase):
    """training/family_rates.py: how often networks take a synthetic family's scenes for a document."""

    def test_each_family_draws_only_its_own_kind_of_scene(self):
        from family_rates import FAMILIES, draw_family

        with tempfile.TemporaryDirectory() as tmp:
            for family in FAMILIES:  # raises if a non-document family drew a document, or the page family none
                paths = draw_family(tiny_pools(), family, 4, 5, 64, tmp)
                self.assertEqual(len(paths), 4)
                self.assertTrue(all(os.path.getsize(p) > 0 for p in paths))

    @unittest.skipUnless(os.path.exists(os.path.join(os.path.dirname(os.path.dirname(HERE)), "dist", "src", "cli", "bin.js")),
                         "needs the built CLI (npm run build)")
    def test_the_shipped_model_is_measured_through_the_cli(self):
        import subprocess

        model = os.path.join(os.path.dirname(os.path.dirname(HERE)), "models", "docedge-int8.onnx")
        with tempfile.TemporaryDirectory() as tmp:
            write_tiny_assets(os.path.join(tmp, "assets"))
            done = subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "family_rates.py"),
                                   "--model", f"shipped={model}", "--family", "tray", "page", "--n", "3", "--size", "128",
                                   "--assets", os.path.join(tmp, "assets")], check=True, capture_output=True, text=True)
        rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[1:]}
        self.assertEqual(sorted(rows), ["page", "tray"])
        for family, (found, confidence) in rows.items():
            self.assertIn(found, {"0%", "33%", "67%", "100%"}, family)  # 3 images each
            self.assertTrue(0.0 <= float(confidence) <= 1.0, family)


class SceneMixes(unittest.TestCase):
    def test_the_plain_slice_is_always_one_page_and_the_negative_slice_never(self):
        from synth import NEGATIVE_MIX, PLAIN_MIX

        pools, rng = tiny_pools(), np.random.default_rng(21)
        for _ in range(8):
            _, label, outline = make_sample(rng, pools, 64, mix=PLAIN_MIX)
            self.assertIsNotNone(outline)
            self.assertEqual(len(outline), 4)  # never special: a flat quad
            self.assertGreater(float(label.max()), 0.5)
            _, label, outline = make_sample(rng, pools, 64, mix=NEGATIVE_MIX)
            self.assertIsNone(outline)
            self.assertEqual(float(label.max()), 0.0)

    def test_v6_negatives_draw_no_paper_among_their_clutter(self):
        import synth

        drawn = []
        original = synth.add_distractor

        def recording(*args, **kwargs):
            drawn.append(kwargs.get("paper", True))
            return original(*args, **kwargs)

        synth.add_distractor = recording
        try:
            pools, rng = tiny_pools(), np.random.default_rng(23)
            for _ in range(12):
                _, label, outline = make_sample(rng, pools, 64, negative_rate=1.0, mix=synth.V6_MIX)
                self.assertIsNone(outline)
            negatives = list(drawn)
            drawn.clear()
            for _ in range(12):
                make_sample(rng, pools, 64, negative_rate=1.0, mix=synth.V5_MIX)
        finally:
            synth.add_distractor = original
        self.assertGreater(len(negatives), 5)
        self.assertNotIn(True, negatives)  # v6: never a sheet among a negative's clutter
        self.assertIn(True, drawn)  # v5 (unchanged, checkpoints refer to it) still allows one

    def test_v4_draws_more_plain_pages_and_keeps_labels_on_the_outline(self):
        from synth import V3_MIX, V4_MIX

        self.assertLess(V4_MIX.special, V3_MIX.special)
        self.assertLess(V4_MIX.hand + V4_MIX.occluder, V3_MIX.hand + V3_MIX.occluder)
        pools, rng = tiny_pools(), np.random.default_rng(22)
        for _ in range(20):
            _, label, outline = make_sample(rng, pools, 64, mix=V4_MIX)
            assert_label_on_outline(self, label, outline)

    def test_v5_keeps_v4_and_adds_the_new_families(self):
        from synth import MIXES, V4_MIX, V5_MIX

        self.assertIs(MIXES["v5"], V5_MIX)
        assert_mix_extends(self, V4_MIX, V5_MIX, {"cover", "pale_side", "sleeve", "marble"})
        pools, rng = tiny_pools(), np.random.default_rng(23)
        for _ in range(20):
            _, label, outline = make_sample(rng, pools, 64, mix=V5_MIX)
            assert_label_on_outline(self, label, outline)

    def test_v6_keeps_v5_and_adds_the_desk_families(self):
        from synth import MIXES, V5_MIX, V6_MIX

        self.assertIs(MIXES["v6"], V6_MIX)
        assert_mix_extends(self, V5_MIX, V6_MIX, {"desk_negative", "desk_page", "paperless_negatives"})
        self.assertLessEqual(V6_MIX.negative, 0.3)
        pools, rng = tiny_pools(), np.random.default_rng(24)
        for _ in range(20):
            _, label, outline = make_sample(rng, pools, 64, mix=V6_MIX)
            assert_label_on_outline(self, label, outline)

    def test_v8_is_v7_with_its_spirals_drawn_the_v8_way(self):
        from synth import MIXES, V6_MIX, V7_MIX, V8_MIX

        self.assertIs(MIXES["v8"], V8_MIX)
        assert_mix_extends(self, V6_MIX, V8_MIX, {"spiral_v8"})
        self.assertEqual(V8_MIX.spiral_v8, V7_MIX.spiral)
        self.assertEqual(V8_MIX.spiral, 0.0)
        pools, rng = tiny_pools(), np.random.default_rng(26)
        for _ in range(20):
            _, label, outline = make_sample(rng, pools, 64, mix=V8_MIX)
            assert_label_on_outline(self, label, outline)

    def test_v9_draws_mostly_the_old_scenes_and_every_v8_family(self):
        import dataclasses

        from synth import MIXES, V8_MIX, V9_MIX, family_shares

        self.assertIs(MIXES["v9"], V9_MIX)
        for f in dataclasses.fields(V8_MIX):  # every family v8 draws, v9 draws too, and no new one
            self.assertEqual(bool(getattr(V9_MIX, f.name)), bool(getattr(V8_MIX, f.name)), f.name)
        families = sum(share for _, share in family_shares(V9_MIX))
        plain = (1 - V9_MIX.pale_desk) * (1 - families) * (1 - V9_MIX.special)
        self.assertGreaterEqual(plain, 0.7)  # the pre-v3 scene (a flat page) is the large majority
        self.assertLessEqual(V9_MIX.hand, V9_MIX.occluder)
        self.assertLess(V9_MIX.desk_negative, V8_MIX.desk_negative)
        pools, rng = tiny_pools(), np.random.default_rng(27)
        for _ in range(20):
            _, label, outline = make_sample(rng, pools, 64, mix=V9_MIX)
            assert_label_on_outline(self, label, outline)

    def test_v7_keeps_v6_and_adds_open_spiral_notebooks(self):
        from synth import MIXES, V6_MIX, V7_MIX, family_shares

        self.assertIs(MIXES["v7"], V7_MIX)
        assert_mix_extends(self, V6_MIX, V7_MIX, {"spiral"})
        # Spirals of both kinds (this family, and special_page's thin-wire one at 0.14 of the special
        # pages) make 6-8% of the positives.
        families = sum(share for _, share in family_shares(V7_MIX))
        share = V7_MIX.spiral + (1 - families) * V7_MIX.special * 0.14
        self.assertTrue(0.06 <= share <= 0.08, share)
        pools, rng = tiny_pools(), np.random.default_rng(25)
        for _ in range(20):
            _, label, outline = make_sample(rng, pools, 64, mix=V7_MIX)
            assert_label_on_outline(self, label, outline)

    def test_a_run_started_from_weights_gets_a_new_schedule_and_remembers_its_base(self):
        from model import EdgeNet

        with tempfile.TemporaryDirectory() as tmp:
            write_tiny_assets(os.path.join(tmp, "assets"))
            torch.manual_seed(1)
            base = EdgeNet(batchnorm=False)
            torch.save({"model": base.state_dict(), "images_seen": 1234, "arch": {"batchnorm": False}},
                       os.path.join(tmp, "base.pt"))
            out = os.path.join(tmp, "run")
            import subprocess
            subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "train.py"), "--out", out,
                            "--minutes", "5", "--max-steps", "1", "--size", "64", "--batch", "2",
                            "--workers", "0", "--threads", "1", "--assets", os.path.join(tmp, "assets"),
                            "--init-weights", os.path.join(tmp, "base.pt"), "--mix", "v4", "--lr", "0"],
                           check=True, capture_output=True)
            ckpt = torch.load(os.path.join(out, "checkpoint.pt"), map_location="cpu", weights_only=False)
            self.assertEqual((ckpt["steps"], ckpt["images_seen"]), (1, 2))
            self.assertEqual(ckpt["mix"], "v4")
            self.assertEqual(ckpt["based_on"], {"checkpoint": "base.pt", "images_seen": 1234})
            # lr 0: the step leaves the weights as loaded.
            for name, value in base.state_dict().items():
                torch.testing.assert_close(ckpt["model"][name], value)


class SmallArchitectures(unittest.TestCase):
    def test_candidates_keep_the_interface_and_cost_less(self):
        from model import ARCHS, EdgeNet, count_macs

        shipped = count_macs(EdgeNet())["total"]
        x = torch.rand(1, 3, 64, 64)
        for name, arch in ARCHS.items():
            net = EdgeNet(**arch).train()
            fused, sides = net(x)
            self.assertEqual(tuple(fused.shape), (1, 1, 64, 64), name)
            self.assertEqual([tuple(s.shape) for s in sides], [(1, 1, 64, 64)] * 5, name)
            if name != "shipped":
                self.assertLess(count_macs(net)["total"], 0.6 * shipped, name)
        # The default is the shipped network, module for module (existing checkpoints load).
        self.assertEqual(list(EdgeNet(**ARCHS["shipped"]).state_dict()), list(EdgeNet().state_dict()))

    def test_a_distilled_small_run_saves_its_arch_and_teacher_and_resumes(self):
        import subprocess

        from export import export_fp32, load_checkpoint
        from model import ARCHS, EdgeNet

        with tempfile.TemporaryDirectory() as tmp:
            write_tiny_assets(os.path.join(tmp, "assets"))
            torch.manual_seed(3)
            teacher, teacher_net = os.path.join(tmp, "teacher.onnx"), EdgeNet()
            for m in teacher_net.modules():  # as after training: folded biases are not all zero
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.5, 0.5)
            export_fp32(teacher_net.eval(), 64, teacher)
            out = os.path.join(tmp, "run")
            common = tiny_run_command(out, os.path.join(tmp, "assets"))
            first = subprocess.run(common + ["--max-steps", "1", "--arch", "lean", "--teacher", teacher, "--distill", "0.3",
                                             "--lr", "4e-4"],
                                   check=True, capture_output=True, text=True)
            logged = [ln for ln in first.stdout.splitlines() if '"distill_loss"' in ln]
            self.assertTrue(logged, first.stdout)
            self.assertIn('"edge_loss"', logged[0])
            ckpt = torch.load(os.path.join(out, "checkpoint.pt"), map_location="cpu", weights_only=False)
            self.assertEqual(ckpt["arch"], ARCHS["lean"])
            self.assertEqual((ckpt["teacher"], ckpt["distill"], ckpt["lr"]), (teacher, 0.3, 4e-4))
            # Resuming keeps the architecture, the teacher and the peak learning rate without repeating them.
            again = subprocess.run(common + ["--max-steps", "2", "--resume", os.path.join(out, "checkpoint.pt")],
                                   check=True, capture_output=True, text=True)
            self.assertIn("peak learning rate 0.0004", again.stdout)
            net, resumed = load_checkpoint(os.path.join(out, "checkpoint.pt"))
            # The step it took went at the run's own rate (warming up toward 4e-4), not at the default 3e-3.
            self.assertTrue(0 < resumed["optim"]["param_groups"][0]["lr"] <= 4e-4 * 2 / 100, resumed["optim"]["param_groups"][0])
            self.assertEqual((resumed["steps"], resumed["distill"], resumed["arch"], resumed["lr"]), (2, 0.3, ARCHS["lean"], 4e-4))
            self.assertEqual(sum(p.numel() for p in net.parameters()), sum(p.numel() for p in EdgeNet(**ARCHS["lean"]).parameters()))
            self.assertTrue(os.path.exists(os.path.join(out, "docedge-fp32.onnx")))


class ResumedLearningRate(unittest.TestCase):
    def test_a_checkpoint_without_a_recorded_rate_gets_its_peak_back_from_the_optimiser(self):
        from train import resumed_peak_lr

        # Saved a third of the way through a planned run at a peak of 3e-4, past the warm-up.
        factor = 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi / 3))
        old = {"optim": {"param_groups": [{"lr": 3e-4 * factor}]}, "steps": 500, "train_seconds": 600.0, "plan_seconds": 1800.0}
        self.assertEqual(resumed_peak_lr(old), 3e-4)
        # Within the warm-up too, and a recorded rate wins.
        early = {**old, "steps": 40, "optim": {"param_groups": [{"lr": 3e-4 * 0.4 * factor}]}}
        self.assertEqual(resumed_peak_lr(early), 3e-4)
        self.assertEqual(resumed_peak_lr({**old, "lr": 5e-4}), 5e-4)


class Pruning(unittest.TestCase):
    """training/prune.py: a cheaper network cut from a trained one, to fine-tune by distillation."""

    @staticmethod
    def trained_like(seed: int):
        from model import EdgeNet

        torch.manual_seed(seed)
        net = EdgeNet(batchnorm=False)
        with torch.no_grad():  # folded networks have biases; zero-initialised ones would hide bias handling
            for m in net.modules():
                if isinstance(m, torch.nn.Conv2d) and m.bias is not None:
                    m.bias.uniform_(-0.3, 0.3)
        return net.eval()

    @classmethod
    def distillation_start(cls, tmp: str, seed: int) -> tuple[str, str, dict]:
        """Tiny assets in tmp/assets, a teacher exported as tmp/teacher.onnx and its 0.5 cut saved as
        tmp/pruned.pt (what `train.py --init-weights` takes): the teacher's path, the cut's, its arch."""
        from export import export_fp32
        from prune import blocks_of, prune

        write_tiny_assets(os.path.join(tmp, "assets"))
        net = cls.trained_like(seed)
        teacher = os.path.join(tmp, "teacher.onnx")
        export_fp32(net, 64, teacher)
        small, arch, _ = prune(net, {}, [0.5] * len(blocks_of(net)), torch.rand(4, 3, 64, 64))
        init = os.path.join(tmp, "pruned.pt")
        torch.save({"model": small.state_dict(), "arch": arch, "images_seen": 0, "size": 64}, init)
        return teacher, init, arch

    def test_keeping_every_channel_reproduces_the_network(self):
        from prune import blocks_of, prune

        net = self.trained_like(5)
        x = torch.rand(6, 3, 64, 64)
        small, arch, kept = prune(net, {}, [1.0] * len(blocks_of(net)), x)
        self.assertEqual(arch["hidden"], [b.body[-1][0].in_channels for b in blocks_of(net)])
        with torch.no_grad():
            self.assertTrue(torch.equal(net(x), small(x)))

    def test_the_busiest_channels_stay_and_the_dropped_ones_mean_moves_into_the_bias(self):
        from model import EdgeNet, count_macs
        from prune import block_convs, blocks_of, channel_stats, kept_width, prune

        net = self.trained_like(6)
        x = torch.rand(8, 3, 64, 64)
        block = blocks_of(net)[-1]
        expand, depthwise, project = block_convs(block)
        hidden = project.in_channels
        n_drop = hidden - kept_width(hidden, 0.5)
        with torch.no_grad():
            # The first n_drop channels never vary (their expansion and depthwise read nothing; each
            # outputs its own constant), and channel n_drop + 1 weighs the most.
            for c in range(n_drop):
                expand.weight[c].zero_()
                expand.bias[c] = 1.0
                depthwise.weight[c].zero_()
                depthwise.bias[c] = 0.5 + 5.0 * c / n_drop
            project.weight[:, n_drop + 1] *= 50.0
        keep = [1.0] * (len(blocks_of(net)) - 1) + [0.5]
        small, arch, kept = prune(net, {}, keep, x)
        self.assertEqual(arch["hidden"][-1], hidden - n_drop)
        self.assertIn(n_drop + 1, kept[-1])
        mean, std = channel_stats(net, x)[-1]
        self.assertAlmostEqual(float(mean[1]), 0.5 + 5.0 / n_drop, places=5)
        # Every kept channel is used at least as much as every dropped one: the dropped ones are
        # constants (or as idle), whose means the projection's bias now carries, so the pruned
        # network answers exactly as the original.
        use = std * project.weight.flatten(1).norm(dim=0)
        dropped = [c for c in range(hidden) if c not in kept[-1]]
        self.assertGreaterEqual(float(use[kept[-1]].min()), float(use[dropped].max()))
        self.assertEqual(float(use[dropped].max()), 0.0)
        with torch.no_grad():
            self.assertTrue(torch.allclose(small(x), net(x), atol=1e-5))
            # The block itself, on what it sees: the same output; without the moved means it differs.
            seen = []
            hook = block.register_forward_pre_hook(lambda _m, inp: seen.append(inp[0]))
            net(x)
            hook.remove()
            feat = seen[0]
            pruned_block = blocks_of(small)[-1]
            self.assertTrue(torch.allclose(pruned_block(feat), block(feat), atol=1e-5))
            bare = EdgeNet(**arch)
            bare.load_state_dict(small.state_dict())
            block_convs(blocks_of(bare)[-1])[2].bias.copy_(project.bias)
            self.assertGreater(float((blocks_of(bare.eval())[-1](feat) - block(feat)).abs().max()), 0.1)
        self.assertLess(count_macs(small)["total"], count_macs(net)["total"])

    def test_an_exported_pruned_network_loads_back_without_being_told_its_widths(self):
        from export import export_fp32, hidden_widths, net_from_onnx
        from prune import blocks_of, prune

        with tempfile.TemporaryDirectory() as tmp:
            net = self.trained_like(14)
            x = torch.rand(2, 3, 64, 64)
            small, arch, _ = prune(net, {}, [0.5] * len(blocks_of(net)), x)
            path = os.path.join(tmp, "pruned.onnx")
            export_fp32(small, 64, path)
            self.assertEqual(hidden_widths(path), arch["hidden"])
            back = net_from_onnx(path)  # checks itself against onnxruntime
            with torch.no_grad():
                self.assertTrue(torch.allclose(back(x), small(x), atol=1e-5))

    def test_a_pruned_checkpoint_starts_a_distilled_run_and_exports(self):
        import subprocess

        from export import load_checkpoint
        from model import EdgeNet

        with tempfile.TemporaryDirectory() as tmp:
            teacher, init, arch = self.distillation_start(tmp, 7)
            out = os.path.join(tmp, "run")
            subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "train.py"), "--out", out,
                            "--minutes", "5", "--size", "64", "--batch", "2", "--workers", "0", "--threads", "1",
                            "--assets", os.path.join(tmp, "assets"), "--max-steps", "1", "--init-weights", init,
                            "--teacher", teacher, "--distill", "0.7"], check=True, capture_output=True, text=True)
            trained, ckpt = load_checkpoint(os.path.join(out, "checkpoint.pt"))
            self.assertEqual(ckpt["arch"]["hidden"], arch["hidden"])
            self.assertEqual(ckpt["based_on"]["checkpoint"], "pruned.pt")
            small = EdgeNet(**arch)
            self.assertEqual(sum(p.numel() for p in trained.parameters()), sum(p.numel() for p in small.parameters()))


class FeatureDistillation(unittest.TestCase):
    """training/distill.py: a pruned network's block outputs held to its teacher's."""

    def test_the_feature_loss_is_zero_for_the_teacher_itself_and_grows_with_pruning(self):
        from distill import FeatureTaps
        from prune import blocks_of, prune

        net = Pruning.trained_like(8)
        x = torch.rand(4, 3, 64, 64)
        same, _, _ = prune(net, {}, [1.0] * len(blocks_of(net)), x)
        cut, _, _ = prune(net, {}, [0.25] * len(blocks_of(net)), x)
        losses = []
        for student in (same, cut):
            taps = FeatureTaps(student, net)
            taps.check_shapes(64, torch.device("cpu"))
            with torch.no_grad():
                student(x)
                net(x)
            losses.append(float(taps.loss()))
        self.assertLess(losses[0], 1e-8)
        self.assertGreater(losses[1], 1e-3)
        # The loss trains the student: one step towards the teacher lowers it.
        taps = FeatureTaps(cut, net)
        opt = torch.optim.SGD(cut.parameters(), lr=1e-3)
        cut.train()
        net.eval()
        before = None
        for _ in range(2):
            cut(x)
            with torch.no_grad():
                net(x)
            loss = taps.loss()
            before = before if before is not None else float(loss.detach())
            opt.zero_grad()
            loss.backward()
            opt.step()
        cut(x)
        with torch.no_grad():
            net(x)
        self.assertLess(float(taps.loss()), before)

    def test_a_student_whose_blocks_differ_from_the_teacher_is_refused(self):
        from distill import FeatureTaps
        from model import ARCHS, EdgeNet

        teacher = Pruning.trained_like(9)
        with self.assertRaises(SystemExit) as refused:  # other blocks
            FeatureTaps(EdgeNet(**ARCHS["wide2"], batchnorm=False), teacher)
        self.assertIn("training/prune.py", str(refused.exception))
        # As many blocks, other output widths.
        wider = EdgeNet(batchnorm=False, stages=[[20, 2, 4, 4], [24, 2, 4, 4], [32, 3, 4, 4], [64, 3, 4, 4]])
        taps = FeatureTaps(wider, teacher)
        with self.assertRaises(SystemExit) as refused:
            taps.check_shapes(64, torch.device("cpu"))
        self.assertIn("training/prune.py", str(refused.exception))

    def test_a_run_with_feature_distillation_logs_it_saves_it_and_resumes_with_it(self):
        import subprocess

        with tempfile.TemporaryDirectory() as tmp:
            teacher, init, _ = Pruning.distillation_start(tmp, 10)
            out = os.path.join(tmp, "run")
            common = tiny_run_command(out, os.path.join(tmp, "assets"))
            first = subprocess.run(common + ["--max-steps", "1", "--init-weights", init, "--teacher", teacher,
                                             "--distill", "0.5", "--distill-features", "2.0"],
                                   check=True, capture_output=True, text=True)
            logged = [json.loads(ln) for ln in first.stdout.splitlines() if '"feature_loss"' in ln]
            self.assertTrue(logged, first.stdout)
            self.assertGreater(logged[0]["feature_loss"], 0.0)
            ckpt = torch.load(os.path.join(out, "checkpoint.pt"), map_location="cpu", weights_only=False)
            self.assertEqual(ckpt["distill_features"], 2.0)
            again = subprocess.run(common + ["--max-steps", "2", "--resume", os.path.join(out, "checkpoint.pt")],
                                   check=True, capture_output=True, text=True)
            self.assertIn("feature distillation over 10 blocks with weight 2.0", again.stdout)
            resumed = torch.load(os.path.join(out, "checkpoint.pt"), map_location="cpu", weights_only=False)
            self.assertEqual((resumed["steps"], resumed["distill_features"]), (2, 2.0))


class BoundaryDistillation(unittest.TestCase):
    """--distill-boundary-px: the teacher is not heard within R map pixels of a positive's outline."""

    @staticmethod
    def labels() -> torch.Tensor:
        quad = np.array([[10.3, 8.6], [50.2, 12.1], [47.7, 55.4], [8.1, 51.9]])
        label = torch.from_numpy(draw_label(quad, 64, 1.0))[None, None]
        return torch.cat([label, torch.zeros_like(label)])  # a positive and a negative

    def test_the_mask_removes_exactly_the_band_round_the_label(self):
        from distill import boundary_keep

        y = self.labels()
        self.assertIsNone(boundary_keep(y, 0))
        on = np.argwhere(y[0, 0].numpy() > 0)
        for radius in (1, 3):
            keep = boundary_keep(y, radius)
            self.assertEqual(tuple(keep.shape), tuple(y.shape))
            # dropped: within `radius` pixels (either axis) of a labelled pixel; nowhere on the negative
            grid = np.argwhere(np.ones((64, 64)))
            near = (np.abs(grid[:, None, :] - on[None, :, :]).max(2) <= radius).any(1).reshape(64, 64)
            np.testing.assert_array_equal(keep[0, 0].numpy() == 0, near)
            self.assertTrue(bool((keep[1] == 1).all()))
            self.assertTrue(bool(((keep == 0) | (keep == 1)).all()))

    def test_the_teacher_inside_the_band_no_longer_moves_the_map_loss(self):
        import torch.nn.functional as F
        from distill import boundary_keep, map_distillation

        y = self.labels()
        gen = torch.Generator().manual_seed(0)
        fused = torch.randn(y.shape, generator=gen)
        teacher = torch.rand(y.shape, generator=gen)
        # R = 0: today's loss, exactly
        self.assertEqual(float(map_distillation(fused, teacher, boundary_keep(y, 0))),
                         float(F.binary_cross_entropy_with_logits(fused, teacher)))
        keep = boundary_keep(y, 3)
        base = float(map_distillation(fused, teacher, keep))
        band = keep == 0
        other = teacher.clone()
        other[band] = 1.0 - other[band]  # the teacher disagrees inside the band: no change
        self.assertEqual(float(map_distillation(fused, other, keep)), base)
        other = teacher.clone()
        other[~band] = 1.0 - other[~band]  # ... and outside it (the negative included): a change
        self.assertNotAlmostEqual(float(map_distillation(fused, other, keep)), base, places=3)
        # no gradient reaches the band's pixels from the teacher's term
        fused.requires_grad_(True)
        map_distillation(fused, teacher, keep).backward()
        self.assertEqual(float(fused.grad[band].abs().max()), 0.0)
        self.assertGreater(float(fused.grad[~band].abs().min()), 0.0)

    def test_the_feature_term_drops_the_blocks_positions_over_the_band(self):
        from distill import FeatureTaps, boundary_keep

        net = Pruning.trained_like(11)
        taps = FeatureTaps(net, net)
        y = self.labels()
        keep = boundary_keep(y, 2)
        gen = torch.Generator().manual_seed(1)
        for stride in (1, 4, 8):
            h = 64 // stride
            taps.teacher_out = [torch.randn(2, 8, h, h, generator=gen)]
            student = torch.randn(2, 8, h, h, generator=gen)
            taps.student_out = [student]
            # keeping every position is the term as it was
            self.assertAlmostEqual(float(taps.loss(torch.ones_like(y))), float(taps.loss(None)), places=5)
            base = float(taps.loss(keep))
            # a block position is dropped if its cell holds a dropped pixel
            cell = torch.nn.functional.max_pool2d(1.0 - keep, stride) > 0
            self.assertTrue(bool(cell[0].any()) and not bool(cell[1].any()))
            moved = student.clone()
            moved[cell.expand_as(moved)] += 5.0
            taps.student_out = [moved]
            self.assertAlmostEqual(float(taps.loss(keep)), base, places=5)
            moved = student.clone()
            moved[~cell.expand_as(moved)] += 5.0
            taps.student_out = [moved]
            self.assertGreater(float(taps.loss(keep)), base + 1.0)

    def test_a_run_saves_the_band_and_resumes_with_it(self):
        import subprocess

        with tempfile.TemporaryDirectory() as tmp:
            teacher, init, _ = Pruning.distillation_start(tmp, 12)
            out = os.path.join(tmp, "run")
            common = tiny_run_command(out, os.path.join(tmp, "assets"))
            first = subprocess.run(common + ["--max-steps", "1", "--init-weights", init, "--teacher", teacher,
                                             "--distill", "0.5", "--distill-features", "1.0", "--mix", "v7",
                                             "--distill-boundary-px", "3"],
                                   check=True, capture_output=True, text=True)
            self.assertIn("no distillation within 3 px of a labelled outline", first.stdout)
            ckpt = torch.load(os.path.join(out, "checkpoint.pt"), map_location="cpu", weights_only=False)
            self.assertEqual((ckpt["distill_boundary_px"], ckpt["mix"]), (3, "v7"))
            again = subprocess.run(common + ["--max-steps", "2", "--resume", os.path.join(out, "checkpoint.pt")],
                                   check=True, capture_output=True, text=True)
            self.assertIn("no distillation within 3 px of a labelled outline", again.stdout)
            resumed = torch.load(os.path.join(out, "checkpoint.pt"), map_location="cpu", weights_only=False)
            self.assertEqual((resumed["steps"], resumed["distill_boundary_px"], resumed["mix"]), (2, 3, "v7"))
            # without a teacher the option is refused, not ignored
            refused = subprocess.run(common + ["--max-steps", "1", "--distill-boundary-px", "3", "--out",
                                               os.path.join(tmp, "bare")], capture_output=True, text=True)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("needs a teacher", refused.stderr)
            # nor with the label at no weight: nothing would train the band
            refused = subprocess.run(common + ["--max-steps", "1", "--init-weights", init, "--teacher", teacher,
                                               "--distill", "1.0", "--distill-boundary-px", "3", "--out",
                                               os.path.join(tmp, "unweighted")], capture_output=True, text=True)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("the label has no weight", refused.stderr)


class Interpolation(unittest.TestCase):
    """training/interpolate.py: a fine-tune's weights on the line back to the weights it started from."""

    def run_tool(self, *args: str):
        import subprocess

        return subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "interpolate.py"), *args],
                              capture_output=True, text=True)

    def test_the_ends_and_the_middle_of_the_line_from_an_onnx_base(self):
        from export import export_fp32, load_checkpoint

        with tempfile.TemporaryDirectory() as tmp:
            base_net, tuned_net = Pruning.trained_like(11), Pruning.trained_like(12)
            base = os.path.join(tmp, "base.onnx")
            export_fp32(base_net, 64, base)
            tuned = os.path.join(tmp, "tuned.pt")
            torch.save({"model": tuned_net.state_dict(), "arch": {"batchnorm": False}, "size": 64,
                        "images_seen": 1000, "mix": "v6"}, tuned)
            got = {}
            for alpha in ("0", "0.5", "1"):
                out = os.path.join(tmp, f"a{alpha}.pt")
                done = self.run_tool("--base", base, "--checkpoint", tuned, "--alpha", alpha, "--out", out)
                self.assertEqual(done.returncode, 0, done.stderr)
                got[alpha], ckpt = load_checkpoint(out)
                self.assertEqual((ckpt["size"], ckpt["images_seen"], ckpt["interpolated"]["alpha"]), (64, 1000, float(alpha)))
            a, b = base_net.state_dict(), tuned_net.state_dict()
            for name in a:
                if not a[name].is_floating_point():
                    continue
                self.assertTrue(torch.allclose(got["0"].state_dict()[name], a[name], atol=1e-6), name)
                self.assertTrue(torch.equal(got["1"].state_dict()[name], b[name]), name)
                self.assertTrue(torch.allclose(got["0.5"].state_dict()[name], (a[name] + b[name]) / 2, atol=1e-6), name)
            # The middle is a network of its own: its output is neither end's.
            x = torch.rand(2, 3, 64, 64)
            with torch.no_grad():
                mid, ends = got["0.5"](x), (base_net(x), tuned_net(x))
            self.assertTrue(all(float((mid - e).abs().max()) > 1e-3 for e in ends))

    def test_networks_of_different_shapes_are_refused(self):
        from export import export_fp32
        from prune import blocks_of, prune

        with tempfile.TemporaryDirectory() as tmp:
            net = Pruning.trained_like(13)
            base = os.path.join(tmp, "base.onnx")
            export_fp32(net, 64, base)
            small, arch, _ = prune(net, {}, [0.5] * len(blocks_of(net)), torch.rand(2, 3, 64, 64))
            pruned = os.path.join(tmp, "pruned.pt")
            torch.save({"model": small.state_dict(), "arch": arch, "size": 64, "images_seen": 0}, pruned)
            out = os.path.join(tmp, "out.pt")
            done = self.run_tool("--base", base, "--checkpoint", pruned, "--alpha", "0.5", "--out", out)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("different networks", done.stderr)
            self.assertFalse(os.path.exists(out))
            bad = self.run_tool("--base", base, "--checkpoint", pruned, "--alpha", "1.5", "--out", out)
            self.assertIn("--alpha 1.5", bad.stderr)


class Averaging(unittest.TestCase):
    """training/average.py: the mean of a run's cycle endpoints."""

    def run_tool(self, *args: str):
        import subprocess

        return subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "average.py"), *args],
                              capture_output=True, text=True)

    def save(self, tmp: str, name: str, net, arch: dict, seen: int) -> str:
        path = os.path.join(tmp, name)
        torch.save({"model": net.state_dict(), "arch": arch, "size": 64, "images_seen": seen, "mix": "v10"}, path)
        return path

    def test_the_mean_of_three_endpoints_is_their_tensorwise_mean(self):
        from export import load_checkpoint

        with tempfile.TemporaryDirectory() as tmp:
            nets = [Pruning.trained_like(21 + i) for i in range(3)]
            paths = [self.save(tmp, f"c{i}.pt", n, {"batchnorm": False}, 1000 * (i + 1)) for i, n in enumerate(nets)]
            out = os.path.join(tmp, "swa.pt")
            done = self.run_tool("--out", out, *paths)
            self.assertEqual(done.returncode, 0, done.stderr)
            got, ckpt = load_checkpoint(out)
            self.assertEqual((ckpt["size"], ckpt["images_seen"], ckpt["averaged"]), (64, 3000, paths))
            states = [n.state_dict() for n in nets]
            checked = 0
            for name, t in got.state_dict().items():
                if not t.is_floating_point():
                    continue
                want = (states[0][name] + states[1][name] + states[2][name]) / 3
                self.assertTrue(torch.allclose(t, want, atol=1e-6), name)
                checked += 1
            self.assertGreater(checked, 10)
            # The mean exports like any checkpoint and is a network of its own.
            x = torch.rand(1, 3, 64, 64)
            with torch.no_grad():
                mean_out = got(x)
                self.assertTrue(all(float((mean_out - n.eval()(x)).abs().max()) > 1e-4 for n in nets))

    def test_batchnorm_networks_one_checkpoint_and_other_shapes_are_refused(self):
        from prune import blocks_of, prune

        with tempfile.TemporaryDirectory() as tmp:
            net = Pruning.trained_like(31)
            plain = self.save(tmp, "plain.pt", net, {"batchnorm": False}, 10)
            out = os.path.join(tmp, "out.pt")
            bn = self.save(tmp, "bn.pt", net, {}, 10)
            done = self.run_tool("--out", out, plain, bn)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("BatchNorm", done.stderr)
            one = self.run_tool("--out", out, plain)
            self.assertIn("at least two", one.stderr)
            small, arch, _ = prune(net, {}, [0.5] * len(blocks_of(net)), torch.rand(2, 3, 64, 64))
            pruned = self.save(tmp, "pruned.pt", small, {**arch, "batchnorm": False}, 10)
            other = self.run_tool("--out", out, plain, pruned)
            self.assertIn("different networks", other.stderr)
            self.assertFalse(os.path.exists(out))


class TrainingStep(unittest.TestCase):
    def test_a_few_steps_lower_the_loss(self):
        from losses import edge_loss
        from model import EdgeNet

        torch.manual_seed(0)
        pools = tiny_pools()
        rng = np.random.default_rng(5)
        xs, ys = [], []
        for _ in range(4):
            img, label, _ = make_sample(rng, pools, 64, negative_rate=0.0)
            xs.append(torch.from_numpy(img).permute(2, 0, 1).float() / 255)
            ys.append(torch.from_numpy(label)[None])
        x, y = torch.stack(xs), torch.stack(ys)
        net = EdgeNet().train()
        opt = torch.optim.Adam(net.parameters(), 3e-3)
        losses = []
        for _ in range(25):
            fused, sides = net(x)
            loss = edge_loss(fused, sides, y, 0.5)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        self.assertLess(np.mean(losses[-5:]), 0.8 * np.mean(losses[:3]))


class ExportRoundTrip(unittest.TestCase):
    def test_onnx_matches_torch_and_int8_agrees(self):
        import onnxruntime as ort
        from export import compact_names, compare, export_fp32, quantize_weights_int8
        from model import EdgeNet, ExportWrapper

        torch.manual_seed(0)
        net = EdgeNet()
        # Non-trivial BatchNorm statistics, so folding is really exercised.
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.uniform_(-0.2, 0.2)
        net.eval()
        with tempfile.TemporaryDirectory() as tmp:
            fp32 = os.path.join(tmp, "m-fp32.onnx")
            int8 = os.path.join(tmp, "m-int8.onnx")
            export_fp32(net, 64, fp32)
            x = np.random.default_rng(0).random((1, 3, 64, 64), dtype=np.float32)
            got = ort.InferenceSession(fp32, providers=["CPUExecutionProvider"]).run(None, {"image": x})[0]
            with torch.no_grad():
                want = ExportWrapper(net)(torch.from_numpy(x)).numpy()
            self.assertEqual(got.shape, (1, 1, 64, 64))
            np.testing.assert_allclose(got, want, atol=1e-4)
            compact_names(fp32)
            quantize_weights_int8(fp32, int8)
            compact_names(int8)
            images = [np.random.default_rng(i).random((1, 3, 64, 64), dtype=np.float32) for i in range(8)]
            report = compare(fp32, int8, images)
            self.assertLess(report["mean_abs_diff"], 0.01)
            self.assertLess(os.path.getsize(int8), 0.4 * os.path.getsize(fp32))

    def test_int8_weights_fold_to_the_float32_graph_at_load(self):
        # The speed claim: onnxruntime's optimiser turns the int8 weights back into constants, so
        # the optimised int8 graph has exactly the float32 graph's operators.
        import collections

        import onnx
        import onnxruntime as ort
        from export import export_fp32, quantize_weights_int8
        from model import EdgeNet

        def optimised_ops(path: str, tmp: str) -> collections.Counter:
            so = ort.SessionOptions()
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
            so.optimized_model_filepath = os.path.join(tmp, "opt.onnx")
            ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
            return collections.Counter(n.op_type for n in onnx.load(so.optimized_model_filepath).graph.node)

        with tempfile.TemporaryDirectory() as tmp:
            fp32 = os.path.join(tmp, "m-fp32.onnx")
            int8 = os.path.join(tmp, "m-int8.onnx")
            export_fp32(EdgeNet().eval(), 64, fp32)
            quantize_weights_int8(fp32, int8)
            stored = collections.Counter(n.op_type for n in onnx.load(int8).graph.node)
            self.assertGreater(stored["Cast"], 30)
            self.assertEqual(optimised_ops(int8, tmp), optimised_ops(fp32, tmp))


class FloatConvChoice(unittest.TestCase):
    def test_the_conv_that_carries_the_int8_error_stays_float(self):
        import onnx
        from onnx import numpy_helper

        from export import choose_float_convs, compare, conv_weight_names, quantize_weights_int8

        shipped = os.path.join(os.path.dirname(os.path.dirname(HERE)), "models", "docedge-fp32.onnx")
        with tempfile.TemporaryDirectory() as tmp:
            fp32, int8 = os.path.join(tmp, "m-fp32.onnx"), os.path.join(tmp, "m-int8.onnx")
            # The shipped network (a random one's output is nearly constant, so no conv's error
            # shows), with one weight per output channel of a linear projection made 30x the rest:
            # int8's per-channel scale then rounds that channel's other weights to a few levels.
            model = onnx.load(shipped)
            names = conv_weight_names(shipped)
            planted = "t12"  # the projection of the second stage's first block, 24 x 32 x 1 x 1
            init = next(i for i in model.graph.initializer if i.name == planted)
            w = numpy_helper.to_array(init).copy()
            self.assertEqual(w.shape, (24, 32, 1, 1))
            w.reshape(w.shape[0], -1)[:, 0] = 30 * np.abs(w).max()
            init.CopyFrom(numpy_helper.from_array(w, planted))
            onnx.save(model, fp32)
            images = [np.random.default_rng(i).random((1, 3, 128, 128), dtype=np.float32) for i in range(4)]

            keep, steps = choose_float_convs(fp32, images, scratch=os.path.join(tmp, "s.onnx"))
            self.assertIn(planted, keep)
            self.assertLess(len(keep), 5)
            self.assertLess(steps[-1]["mean_abs_diff"], 0.5 * steps[0]["mean_abs_diff"])
            quantize_weights_int8(fp32, int8, keep)
            self.assertLess(os.path.getsize(int8), 0.40 * os.path.getsize(fp32))
            self.assertAlmostEqual(compare(fp32, int8, images)["mean_abs_diff"], steps[-1]["mean_abs_diff"], places=9)
            self.assertEqual(len(names), 41)

            none, only_start = choose_float_convs(fp32, images, max_ratio=0.0, scratch=os.path.join(tmp, "s.onnx"))
            self.assertEqual(none, frozenset())  # no room in the byte budget
            self.assertEqual(len(only_start), 1)


class ResumeFromOnnx(unittest.TestCase):
    def test_a_folded_model_is_rebuilt_exactly(self):
        from export import export_fp32, net_from_onnx
        from model import EdgeNet, ExportWrapper

        torch.manual_seed(1)
        net = EdgeNet()
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
        net.eval()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            export_fp32(net, 64, path)
            rebuilt = net_from_onnx(path)  # raises if it differs from onnxruntime's output
        self.assertFalse(any(isinstance(m, torch.nn.BatchNorm2d) for m in rebuilt.modules()))
        x = torch.rand(2, 3, 64, 64)
        with torch.no_grad():
            np.testing.assert_allclose(ExportWrapper(rebuilt)(x).numpy(), ExportWrapper(net)(x).numpy(), atol=1e-4)


class ServerCopyRewrites(unittest.TestCase):
    """scripts/graph_rewrites.py must give the same function on any model the export produces,
    not only the shipped one: learned (non-bilinear) upsampling kernels, fuse weights of either sign."""

    def setUp(self):
        import onnxruntime as ort

        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts"))
        from model_optimizer import pinned_onnxruntime

        if ort.__version__ != pinned_onnxruntime():
            self.skipTest(f"onnxruntime {ort.__version__}, the server copy needs {pinned_onnxruntime()}")

    def test_transposed_convs_become_convs_with_depth_to_space(self):
        import onnx
        import onnxruntime as ort
        from onnx import TensorProto, helper, numpy_helper

        import graph_rewrites

        rng = np.random.default_rng(0)
        for stride, kernel, pads in ((2, 4, (1, 1)), (4, 8, (2, 2)), (16, 32, (8, 8)), (3, 5, (1, 1)), (2, 3, (0, 1))):
            w = rng.standard_normal((1, 1, kernel, kernel)).astype(np.float32)
            b = rng.standard_normal(1).astype(np.float32)
            node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], strides=[stride, stride], kernel_shape=[kernel, kernel],
                                    pads=[pads[0], pads[0], pads[1], pads[1]])
            graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 7, 5])],
                                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 7 * stride, 5 * stride])],
                                      [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
            original = model.SerializeToString()
            g = graph_rewrites._Graph(model)
            replacement = graph_rewrites._conv_transpose_as_conv(g, model.graph.node[0])
            self.assertIsNotNone(replacement, (stride, kernel, pads))
            del model.graph.node[:]
            model.graph.node.extend(replacement)
            x = rng.standard_normal((1, 1, 7, 5)).astype(np.float32)
            want = ort.InferenceSession(original, providers=["CPUExecutionProvider"])
            got = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
            np.testing.assert_allclose(got.run(None, {"x": x})[0], want.run(None, {"x": x})[0], atol=1e-5, err_msg=str((stride, kernel, pads)))

    def test_an_exported_model_keeps_its_output_through_the_rewrites(self):
        import pathlib

        import onnx
        import onnxruntime as ort
        from export import export_fp32, quantize_weights_int8
        from model import EdgeNet
        from model_optimizer import optimize_int8

        torch.manual_seed(2)
        net = EdgeNet().eval()
        with torch.no_grad():
            for side in net.sides:
                if side.up is not None:
                    side.up.weight.normal_()  # as after training: no longer bilinear, not separable
            net.fuse.weight.copy_(torch.tensor([0.7, -0.4, 1.3, 0.2, -0.9]).view(1, 5, 1, 1))
            net.fuse.bias.fill_(-0.6)
        with tempfile.TemporaryDirectory() as tmp:
            fp32, int8 = os.path.join(tmp, "m-fp32.onnx"), os.path.join(tmp, "m-int8.onnx")
            opt, sidecar = pathlib.Path(tmp, "m-int8.opt.onnx"), pathlib.Path(tmp, "m-int8.opt.json")
            export_fp32(net, 64, fp32)
            quantize_weights_int8(fp32, int8)
            report = optimize_int8(pathlib.Path(int8), opt, sidecar)
            self.assertTrue(report["rewrites"]["head"], report)
            self.assertGreater(report["rewrites"]["residual_adds"], 0, report)
            ops = [n.op_type for n in onnx.load(str(opt)).graph.node]
            for gone in ("ConvTranspose", "Concat", "Add"):
                self.assertNotIn(gone, ops)
            plain = ort.InferenceSession(int8, providers=["CPUExecutionProvider"])  # ORT's own optimisation, as browsers run it
            so = ort.SessionOptions()
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # as servers load the copy
            rewritten = ort.InferenceSession(str(opt), so, providers=["CPUExecutionProvider"])
            for i in range(6):
                x = np.random.default_rng(i).random((1, 3, 64, 64), dtype=np.float32)
                np.testing.assert_allclose(rewritten.run(None, {"image": x})[0], plain.run(None, {"image": x})[0], atol=1e-5)


if __name__ == "__main__":
    unittest.main()
