"""Build the training asset pack from Debian packages: backgrounds and document pages.

Run: python3 training/build_assets.py [--out training/assets]
Needs (apt): gimp-data mate-backgrounds gnome-backgrounds poppler-utils fonts-dejavu-core
fonts-liberation2 fonts-freefont-ttf. Every source and its licence goes to SOURCES.md in --out.
"""
from __future__ import annotations

import argparse
import glob
import os
import random
import struct
import subprocess
import tempfile

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

BG_SOURCES = [
    ("mate-backgrounds", "/usr/share/backgrounds/mate/**/*", "GPL-2+ / CC-BY-SA (see /usr/share/doc/mate-backgrounds/copyright)"),
    ("gnome-backgrounds", "/usr/share/backgrounds/gnome/*.webp", "CC-BY-SA-3.0 (see /usr/share/doc/gnome-backgrounds/copyright)"),
    ("gimp-data patterns", "/usr/share/gimp/2.0/patterns/**/*.pat", "GPL-3+ (see /usr/share/doc/gimp-data/copyright)"),
]
PDF_SOURCES = [
    ("libtasn1-doc", "/usr/share/doc/libtasn1-doc/libtasn1.pdf", "GFDL-1.3+ (see /usr/share/doc/libtasn1-doc/copyright)"),
    ("shared-mime-info", "/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf", "GPL-2+ (see /usr/share/doc/shared-mime-info/copyright)"),
]
FONT_GLOBS = [
    "/usr/share/fonts/truetype/dejavu/*.ttf",
    "/usr/share/fonts/truetype/liberation2/*.ttf",
    "/usr/share/fonts/truetype/freefont/*.ttf",
]
MAX_SIDE = 640


def read_gimp_pattern(path: str) -> np.ndarray | None:
    with open(path, "rb") as f:
        data = f.read()
    header_size, version, width, height, depth = struct.unpack(">5I", data[:20])
    if data[20:24] != b"GPAT" or depth not in (1, 2, 3, 4):
        return None
    px = np.frombuffer(data[header_size: header_size + width * height * depth], np.uint8)
    px = px.reshape(height, width, depth)
    if depth in (1, 2):
        px = np.repeat(px[..., :1], 3, axis=2)
    return cv2.cvtColor(np.ascontiguousarray(px[..., :3]), cv2.COLOR_RGB2BGR)


def fit(img: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    h, w = img.shape[:2]
    s = max_side / max(h, w)
    if s < 1:
        img = cv2.resize(img, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
    return img


def build_backgrounds(out: str) -> list[str]:
    os.makedirs(out, exist_ok=True)
    notes = []
    n = 0
    for pkg, pattern, licence in BG_SOURCES:
        count = 0
        for path in sorted(glob.glob(pattern, recursive=True)):
            if os.path.isdir(path) or path.endswith(".xml"):
                continue
            if path.endswith(".pat"):
                img = read_gimp_pattern(path)
                if img is not None:
                    # Patterns are small tiles; tile them to a table-sized surface.
                    reps = (max(1, 512 // img.shape[0] + 1), max(1, 512 // img.shape[1] + 1), 1)
                    img = np.tile(img, reps)[:512, :512]
            else:
                img = cv2.imread(path, cv2.IMREAD_COLOR)
            if img is None or min(img.shape[:2]) < 32:
                continue
            cv2.imwrite(os.path.join(out, f"bg_{n:04d}.jpg"), fit(img), [cv2.IMWRITE_JPEG_QUALITY, 92])
            n += 1
            count += 1
        notes.append(f"- {pkg}: {count} images from `{pattern}`; licence: {licence}")
    return notes


def render_pdfs(out: str, max_pages: int = 40) -> list[str]:
    os.makedirs(out, exist_ok=True)
    notes = []
    n = len(glob.glob(os.path.join(out, "*.jpg")))
    for pkg, path, licence in PDF_SOURCES:
        if not os.path.exists(path):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["pdftoppm", "-r", "50", "-l", str(max_pages), "-jpeg", path, os.path.join(tmp, "p")], check=True)
            pages = sorted(glob.glob(os.path.join(tmp, "*.jpg")))
            for p in pages:
                img = cv2.imread(p)
                cv2.imwrite(os.path.join(out, f"page_{n:04d}.jpg"), fit(img), [cv2.IMWRITE_JPEG_QUALITY, 92])
                n += 1
        notes.append(f"- {pkg}: {len(pages)} pages rendered with pdftoppm from `{path}`; licence: {licence}")
    return notes


WORDS = ("invoice total amount date customer account number payment due balance item quantity price tax "
         "dear sir madam regarding agreement section chapter figure table results method data the of and to "
         "in is for on with as by this that be are from at or an it not was which have report summary page "
         "name address city phone email signature approved received order delivery reference notes").split()


def rand_text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_page(rng: random.Random, fonts: list[str], photos: list[np.ndarray]) -> Image.Image:
    kind = rng.choice(["letter", "letter", "form", "receipt", "card", "book", "slide"])
    if kind == "receipt":
        w, h = 300, rng.randint(600, 1100)
    elif kind == "card":
        w, h = 540, 340
    elif kind == "slide":
        w, h = 640, 480
    else:
        w = 460
        h = int(w * rng.choice([1.414, 1.294, 1.414, 1.5]))
    tint = rng.choice([(255, 255, 255), (250, 248, 240), (245, 245, 235), (255, 253, 245), (235, 240, 250)])
    if kind in ("card", "slide") and rng.random() < 0.6:
        tint = tuple(rng.randint(120, 255) for _ in range(3))
    page = Image.new("RGB", (w, h), tint)
    d = ImageDraw.Draw(page)
    margin = rng.randint(12, 50) if kind != "card" else rng.randint(10, 30)
    y = margin
    font_path = rng.choice(fonts)
    size = rng.randint(9, 16)
    font = ImageFont.truetype(font_path, size)
    ink = tuple(rng.randint(0, 70) for _ in range(3))
    if kind in ("letter", "form", "book", "slide"):
        big = ImageFont.truetype(rng.choice(fonts), size * rng.randint(2, 3))
        d.text((margin, y), rand_text(rng, rng.randint(1, 4)).title(), font=big, fill=ink)
        y += size * 3 + 10
    while y < h - margin - size:
        r = rng.random()
        if r < 0.12 and kind in ("form", "letter", "slide") and photos:
            # A printed photo or figure: an inner rectangle the finder must not mistake for the page.
            ph = rng.choice(photos)
            bw = rng.randint((w - 2 * margin) // 3, w - 2 * margin)
            bh = min(rng.randint(40, 200), h - margin - y)
            if bh > 20:
                tile = cv2.resize(ph, (bw, bh))[:, :, ::-1]
                page.paste(Image.fromarray(np.ascontiguousarray(tile)), (margin, y))
                y += bh + 8
        elif r < 0.25 and kind in ("form", "letter", "receipt"):
            # A table or boxed area with ruled lines.
            rows, cols = rng.randint(2, 8), rng.randint(2, 5)
            tw = w - 2 * margin
            rh = size + 8
            th = min(rows * rh, h - margin - y)
            d.rectangle([margin, y, margin + tw, y + th], outline=ink, width=rng.randint(1, 2))
            for i in range(1, rows):
                d.line([margin, y + i * rh, margin + tw, y + i * rh], fill=ink, width=1)
            for j in range(1, cols):
                d.line([margin + j * tw // cols, y, margin + j * tw // cols, y + th], fill=ink, width=1)
            for i in range(rows):
                for j in range(cols):
                    if y + i * rh + 4 + size < h - margin:
                        d.text((margin + j * tw // cols + 4, y + i * rh + 4), rand_text(rng, 1), font=font, fill=ink)
            y += th + 10
        elif r < 0.3:
            d.line([margin, y + 4, w - margin, y + 4], fill=ink, width=rng.randint(1, 3))
            y += 12
        else:
            line = rand_text(rng, 12)
            if kind == "book" and rng.random() < 0.5:
                col = (w - 2 * margin) // 2 - 6
                d.text((margin, y), line[: col // (size // 2 + 1)], font=font, fill=ink)
                d.text((margin + col + 12, y), line[::-1][: col // (size // 2 + 1)], font=font, fill=ink)
            else:
                d.text((margin, y), line, font=font, fill=ink)
            y += size + rng.randint(3, 8)
    return page


def build_pages(out: str, count: int, seed: int, photo_dir: str) -> list[str]:
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    fonts = [f for g in FONT_GLOBS for f in glob.glob(g) if "Math" not in f]
    photos = [cv2.imread(p) for p in sorted(glob.glob(os.path.join(photo_dir, "bg_*.jpg")))[:40]]
    n = len(glob.glob(os.path.join(out, "*.jpg")))
    for i in range(count):
        page = make_page(rng, fonts, photos)
        page.save(os.path.join(out, f"gen_{n + i:04d}.jpg"), quality=90)
    return [f"- generated pages: {count} letters, forms with tables, receipts, cards, book pages and slides drawn "
            f"with fonts from fonts-dejavu-core (Bitstream Vera licence), fonts-liberation2 (OFL-1.1), "
            f"fonts-freefont-ttf (GPL-3+ with font exception); printed photos are crops of the backgrounds above"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "assets"))
    ap.add_argument("--pages", type=int, default=400)
    args = ap.parse_args()
    bg_dir = os.path.join(args.out, "backgrounds")
    page_dir = os.path.join(args.out, "pages")
    notes = ["# Training asset pack", "", "Built by `training/build_assets.py` from Debian packages.", "", "## Backgrounds"]
    notes += build_backgrounds(bg_dir)
    notes += ["", "## Document pages"]
    notes += render_pdfs(page_dir)
    notes += build_pages(page_dir, args.pages, 1, bg_dir)
    notes += ["", "Procedural surfaces (wood grain, noise, gradients, cloth) and distractors (phones, screens, "
              "keyboards, other papers, hands) are drawn at training time by `synth.py`."]
    with open(os.path.join(args.out, "SOURCES.md"), "w") as f:
        f.write("\n".join(notes) + "\n")
    print("\n".join(notes))


if __name__ == "__main__":
    main()
