"""Scanned pages -> OCR words: set the page straight, clean it, read it once with tesseract.

`prepare` works out, on a reduced copy of the page, everything that needs measuring:
- the sheet inside a phone photo (a paper lighter than the table it lies on): its four edges
  give a perspective correction;
- the orientation (a page scanned sideways or upside down): text lines run along the axis
  whose projection profile is sharpest, and Latin text has more ascenders than descenders;
- the skew (projection profile of the ink, sharpest at the right angle);
- the height of the body text, which sets the scale: tesseract reads best when text lines
  are about `TARGET_LINE_HEIGHT` pixels high, and a larger picture only costs time.
The page is then resampled once (crop, rotation, scale in one transform), its lighting is
flattened, and ruling lines and specks are erased so that OCR does not read them as | _ . ,
`read_words` runs tesseract once and returns words with boxes and confidences.
"""

from __future__ import annotations

import logging
import math
import os
import re
import statistics
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter

from extractors.errors import UnreadableDocument

log = logging.getLogger(__name__)
# tesseract's OpenMP threads fight each other on small machines; one page at a time is faster
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_LANGUAGES = os.environ.get("OI_OCR_LANG", "fra+eng")
PAGE_SEGMENTATION = int(os.environ.get("OI_OCR_PSM", "4"))
TARGET_LINE_HEIGHT = 24.0  # pixels from ascender top to descender bottom of body text, for tesseract
MAX_INPUT_SIDE = 5000  # larger photos are reduced when decoded (memory, time)
ANALYSIS_SIDE = 1400  # the reduced copy that is measured
MIN_SCALE, MAX_SCALE = 0.35, 4.0
# The resolution told to tesseract. Pages are scaled by their text height, not their dpi; below
# about 220 dpi tesseract drops small isolated marks as noise, a quantity "1" alone in its column
# among them.
OCR_DECLARED_DPI = 300
BILEVEL_SMOOTHING = float(os.environ.get("OI_BILEVEL", "1.0"))  # blur radius (pixels) for 1-bit scans
FAINT_INK = 225
# A horizontal line is at least this many text heights long: shorter dark runs are the bottom of
# a bold word, where letters touch (a table rule or a field's underline is longer than a word).
RULE_MIN_LENGTH = 8.0  # after the lighting is flattened (paper 255), darker than this may be a faint ruling line
MIN_WORD_CONFIDENCE = 20  # tesseract confidence (0-100) under which a word without letters is noise
BLANK_PAGE = 0.0005  # share of dark pixels under which a page is blank
HARD_TO_READ = 0.8  # mean word confidence under which a page gets a second look
# A skew under this (degrees) moves a line by under 3 pixels across a page: not worth a rotation
NEGLIGIBLE_SKEW = 0.15
HANDWRITING_TARGET = 40.0  # text height (pixels) for that second look: handwriting needs more pixels

Matrix = np.ndarray  # 3x3 homography, output pixel -> input pixel


@dataclass
class Prepared:
    """A page ready for OCR and how it was obtained from the input picture."""

    image: Image.Image  # grayscale, straight, cleaned, at OCR scale
    scale: float  # OCR pixels per input pixel (about)
    rotation: int  # quarter turns applied (counter-clockwise) to make the text upright
    skew: float  # degrees of skew corrected
    cropped: bool  # a sheet was found in a photo and cut out
    line_height: float  # body text line height in OCR pixels
    notes: list[str] = field(default_factory=list)
    rules: list[Segment] = field(default_factory=list)  # ruling lines erased from the image
    ink_share: float = 1.0  # share of dark pixels left after cleaning (0: a blank page)


@dataclass(frozen=True)
class Segment:
    """A ruling line in pixels of the prepared image (x0 == x1 or top == bottom)."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class OcrWord:
    """A word read by tesseract, in pixels of the prepared image."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float  # 0..1
    line: tuple[int, int, int]  # tesseract's (block, paragraph, line)
    line_top: float
    line_bottom: float
    chars: tuple[tuple[str, float, float], ...] = ()  # (character, x0, x1) when tesseract gave them


# ------------------------------------------------------------------------------ pixel helpers


def to_gray(image: Image.Image) -> Image.Image:
    """8-bit grayscale; transparency on white; non-square pixels (fax 204x196 dpi) made square."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float32)
        top = float(array.max()) or 1.0
        gray = Image.fromarray((array * (255.0 / top)).clip(0, 255).astype(np.uint8))
    else:
        gray = image.convert("L")
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and len(dpi) == 2:
        try:
            dx, dy = float(dpi[0]), float(dpi[1])
        except (TypeError, ValueError):
            dx = dy = 0.0
        if dx > 0 and dy > 0 and abs(dx / dy - 1) > 0.02:
            gray = gray.resize((gray.width, max(1, round(gray.height * dx / dy))), Image.Resampling.BILINEAR)
    return gray


def otsu(values: np.ndarray) -> float:
    """Otsu's threshold of 8-bit values."""
    hist = np.bincount(values.ravel().astype(np.uint8), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128.0
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(hist)
    mass = np.cumsum(hist * levels)
    mean_all = mass[-1] / total
    between = (mean_all * weight - mass) ** 2 / np.maximum(weight * (total - weight), 1e-9)
    return float(np.argmax(between[:-1]))


def _image(mask: np.ndarray) -> Image.Image:
    return Image.fromarray(mask.astype(np.uint8) * 255)


def box_mean(mask: np.ndarray, ry: int, rx: int) -> np.ndarray:
    """Share (0..255) of set pixels in the (2ry+1) x (2rx+1) window around each pixel.

    PIL's box blur is a fast running sum; radii stay under 250 so that one pixel still counts.
    """
    blurred = _image(mask).filter(ImageFilter.BoxBlur((min(rx, 249), min(ry, 249))))
    return np.asarray(blurred)


def long_runs(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels of `mask` lying in an unbroken run of about `length` pixels or more along `axis`."""
    r = max(1, length // 2)
    ry, rx = (r, 0) if axis == 0 else (0, r)
    full = box_mean(mask, ry, rx) == 255  # the whole window around the pixel is ink
    covered = box_mean(full, ry, rx) > 0  # some such window covers the pixel
    return covered & mask


def grow(mask: np.ndarray, ry: int, rx: int) -> np.ndarray:
    """`mask` dilated by a (2ry+1) x (2rx+1) rectangle."""
    return box_mean(mask, ry, rx) > 0


def reduced(gray: Image.Image, side: int) -> tuple[Image.Image, float]:
    """A copy whose longer side is at most `side` pixels, and its scale."""
    factor = min(1.0, side / max(gray.size))
    if factor >= 1.0:
        return gray.copy(), 1.0
    size = (max(1, round(gray.width * factor)), max(1, round(gray.height * factor)))
    return gray.resize(size, Image.Resampling.BOX), factor


# ------------------------------------------------------------------------------ geometry


def _translate(dx: float, dy: float) -> Matrix:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def _scale(s: float) -> Matrix:
    return np.array([[s, 0.0, 0.0], [0.0, s, 0.0], [0.0, 0.0, 1.0]])


def _rotation(degrees: float) -> Matrix:
    a = math.radians(degrees)
    return np.array([[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0], [0.0, 0.0, 1.0]])


def _quarter_turns(k: int, width: float, height: float) -> tuple[Matrix, float, float]:
    """Map from the page turned by k quarter turns counter-clockwise back to the page; new size."""
    k %= 4
    if k == 0:
        return np.eye(3), width, height
    if k == 2:
        return np.array([[-1.0, 0.0, width], [0.0, -1.0, height], [0.0, 0.0, 1.0]]), width, height
    if k == 1:  # turned counter-clockwise: output (u, v) comes from input (W - v, u)
        return np.array([[0.0, -1.0, width], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), height, width
    return np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, height], [0.0, 0.0, 1.0]]), height, width


def _homography(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> Matrix:
    """The projective map taking each src point to its dst point (4 pairs)."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    coeffs = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return np.append(coeffs, 1.0).reshape(3, 3)


def warp(image: Image.Image, matrix: Matrix, size: tuple[int, int], fill: int = 255) -> Image.Image:
    """Resample `image` through `matrix` (output pixel -> input pixel)."""
    m = matrix / matrix[2, 2]
    data = tuple(float(v) for v in m.ravel()[:8])
    affine = abs(m[2, 0]) < 1e-12 and abs(m[2, 1]) < 1e-12
    if affine:
        return image.transform(size, Image.Transform.AFFINE, data[:6], Image.Resampling.BICUBIC, fillcolor=fill)
    return image.transform(size, Image.Transform.PERSPECTIVE, data, Image.Resampling.BICUBIC, fillcolor=fill)


def _fit_line(points: np.ndarray) -> tuple[float, float] | None:
    """Robust fit of x = a*t + b to rows (t, x): least squares with the outliers trimmed."""
    if len(points) < 8:
        return None
    t, x = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    keep = np.ones(len(t), dtype=bool)
    a, b = 0.0, float(np.median(x))
    for _ in range(4):
        if keep.sum() < 8:
            return None
        a, b = np.polyfit(t[keep], x[keep], 1)
        residual = np.abs(x - (a * t + b))
        limit = max(2.0, 2.5 * float(np.median(residual[keep])))
        keep = residual <= limit
    return float(a), float(b)


def find_sheet(gray: Image.Image) -> list[tuple[float, float]] | None:
    """Corners (tl, tr, br, bl) of a sheet photographed on a darker background, in `gray` pixels.

    None when the picture is the page itself (a scanner's output: no background around).
    Measured on a tiny copy, where the text melts into the paper.
    """
    small, factor = reduced(gray, 300)
    blurred = np.asarray(small.filter(ImageFilter.BoxBlur(1)), dtype=np.uint8)
    h, w = blurred.shape
    threshold = otsu(blurred)
    bright = blurred > threshold
    paper, ground = blurred[bright], blurred[~bright]
    if paper.size == 0 or ground.size == 0 or float(paper.mean()) - float(ground.mean()) < 35:
        return None
    band = max(2, round(0.02 * min(h, w)))
    sides = {
        "top": 1 - bright[:band].mean(),
        "bottom": 1 - bright[-band:].mean(),
        "left": 1 - bright[:, :band].mean(),
        "right": 1 - bright[:, -band:].mean(),
    }
    if max(sides.values()) < 0.6:
        return None
    # the sheet is what the dark background does not reach from the picture's border (the text on
    # the sheet is dark too, but enclosed)
    closed = ~_reach_from_border(~bright)
    edges: dict[str, tuple[float, float]] = {}
    for side in ("left", "right", "top", "bottom"):
        along_rows = side in ("left", "right")
        grid = closed if along_rows else closed.T
        n, m = grid.shape
        points: list[tuple[int, int]] = []
        for index in range(int(0.15 * n), int(0.85 * n)):
            row = grid[index]
            if row.mean() < 0.3:
                continue
            # the longest bright run of the row is the sheet
            padded = np.concatenate(([0], row.astype(np.int8), [0]))
            changes = np.flatnonzero(np.diff(padded))
            starts, ends = changes[::2], changes[1::2]
            if len(starts) == 0:
                continue
            best = int(np.argmax(ends - starts))
            if ends[best] - starts[best] < 0.3 * m:
                continue
            position = starts[best] if side in ("left", "top") else ends[best]
            points.append((index, int(position)))
        if sides[side] < 0.6:
            edges[side] = (0.0, 0.0 if side in ("left", "top") else float(m))
            continue
        fitted = _fit_line(np.array(points)) if points else None
        if fitted is None:
            return None
        edges[side] = fitted

    def corner(vertical: str, horizontal: str) -> tuple[float, float]:
        # x = a1*y + b1 (left/right edge) and y = a2*x + b2 (top/bottom edge)
        a1, b1 = edges[vertical]
        a2, b2 = edges[horizontal]
        y = (a2 * b1 + b2) / max(1e-9, 1 - a1 * a2)
        return a1 * y + b1, y

    corners = [corner("left", "top"), corner("right", "top"), corner("right", "bottom"), corner("left", "bottom")]
    area = 0.5 * abs(
        sum(corners[i][0] * corners[(i + 1) % 4][1] - corners[(i + 1) % 4][0] * corners[i][1] for i in range(4))
    )
    if area < 0.25 * w * h or area > 0.98 * w * h:
        return None
    for i in range(4):
        a, b, c = corners[i - 1], corners[i], corners[(i + 1) % 4]
        v1, v2 = (a[0] - b[0], a[1] - b[1]), (c[0] - b[0], c[1] - b[1])
        cosine = (v1[0] * v2[0] + v1[1] * v2[1]) / max(1e-9, math.hypot(*v1) * math.hypot(*v2))
        if abs(cosine) > 0.26:  # not a sheet: a corner far from square
            return None
    return [(x / factor, y / factor) for x, y in corners]


def _reach_from_border(mask: np.ndarray) -> np.ndarray:
    """Pixels of `mask` connected (4-neighbours) to the picture's border through `mask`."""
    reached = np.zeros_like(mask)
    reached[0], reached[-1], reached[:, 0], reached[:, -1] = mask[0], mask[-1], mask[:, 0], mask[:, -1]
    for _ in range(sum(mask.shape)):
        grown = reached.copy()
        grown[1:] |= reached[:-1]
        grown[:-1] |= reached[1:]
        grown[:, 1:] |= reached[:, :-1]
        grown[:, :-1] |= reached[:, 1:]
        grown &= mask
        if np.array_equal(grown, reached):
            break
        reached = grown
    return reached


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark pixels (text, lines) of a page with even lighting."""
    threshold = min(max(otsu(gray), 60.0), 200.0)
    return gray < threshold


def skew_angle(ink: np.ndarray, limit: float = 5.0) -> float:
    """Rotation (degrees, counter-clockwise) that makes text lines horizontal: the angle whose
    projection profile of the ink is sharpest."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 50:
        return 0.0
    if len(ys) > 150_000:  # a sample is enough and keeps it fast
        pick = np.random.default_rng(0).choice(len(ys), 150_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - ink.shape[1] / 2

    def score(angle: float) -> float:
        t = math.tan(math.radians(angle))
        rows = np.round(ys - xs * t).astype(np.int64)
        rows -= rows.min()
        counts = np.bincount(rows).astype(np.float64)
        return float((counts * counts).sum())

    coarse = [a / 4 for a in range(int(-limit * 4), int(limit * 4) + 1)]
    best = max(coarse, key=score)
    fine = [best + a / 40 for a in range(-10, 11)]
    return max(fine, key=score)


def _text_bands(ink: np.ndarray, strips: int = 6) -> list[tuple[int, int, int, np.ndarray]]:
    """Text lines found by row profiles in vertical strips: (strip, top, bottom, profile)."""
    h, w = ink.shape
    out: list[tuple[int, int, int, np.ndarray]] = []
    width = max(1, w // strips)
    for s in range(strips):
        part = ink[:, s * width : (s + 1) * width]
        profile = part.sum(axis=1)
        on = profile > max(1, 0.01 * width)
        padded = np.concatenate(([0], on.astype(np.int8), [0]))
        changes = np.flatnonzero(np.diff(padded))
        for top, bottom in zip(changes[::2], changes[1::2], strict=False):
            if bottom - top >= 3:
                out.append((s, int(top), int(bottom), profile[top:bottom]))
    return out


def line_height(ink: np.ndarray) -> float | None:
    """Typical height of a text line in pixels (ascender top to descender bottom)."""
    heights = [bottom - top for _, top, bottom, _ in _text_bands(ink)]
    if len(heights) < 3:
        return None
    # the body text is the most frequent height; headings and merged lines are fewer
    heights.sort()
    median = statistics.median(heights)
    body = [v for v in heights if 0.6 * median <= v <= 1.6 * median]
    return float(statistics.median(body)) if body else float(median)


def upright_score(ink: np.ndarray) -> float:
    """> 0 when the text looks upright, < 0 when upside down: Latin text has more ink above its
    x-height band (capitals, digits, b d f h k l t) than under it (g j p q y)."""
    above = below = 0.0
    for _, _, _, profile in _text_bands(ink):
        if len(profile) < 6:
            continue
        dense = np.flatnonzero(profile >= 0.5 * profile.max())
        first, last = int(dense[0]), int(dense[-1])
        if last - first < 2:
            continue
        above += float(profile[:first].sum())
        below += float(profile[last + 1 :].sum())
    total = above + below
    return (above - below) / total if total > 0 else 0.0


def orientation(ink: np.ndarray) -> tuple[int, float]:
    """Quarter turns (counter-clockwise) that make the text upright, and how sure (0..1).

    Only a clear sign of a page upside down counts: an unsure page is read as it is, and
    `ocr_page` asks tesseract's orientation check when that reading fails (sideways pages too:
    projection profiles tell them apart too poorly on tables and handwriting).
    """
    score = upright_score(ink)
    if score < -0.15:
        return 2, abs(score)
    return 0, abs(score)


# ------------------------------------------------------------------------------ cleaning


def flatten_light(gray: Image.Image) -> np.ndarray:
    """Divide the page by its background (estimated on a reduced copy): shadows and uneven
    lighting go, the paper becomes white. Dark areas (a black header bar) are kept dark."""
    small, factor = reduced(gray, 160)
    k = 5
    background = small.filter(ImageFilter.MaxFilter(k)).filter(ImageFilter.BoxBlur(2))
    values = np.asarray(background, dtype=np.float32)
    paper = float(np.percentile(values, 90)) or 255.0
    values = np.maximum(values, 0.45 * paper)  # a dark region is content, not shadow
    big = np.asarray(
        Image.fromarray(values.astype(np.uint8)).resize(gray.size, Image.Resampling.BILINEAR), dtype=np.float32
    )
    array = np.asarray(gray, dtype=np.float32)
    return np.clip(array * (255.0 / np.maximum(big, 1.0)), 0, 255).astype(np.uint8)


def rule_masks(faint: np.ndarray, ink: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    """Ruling lines (table grids, underlines, boxes): long thin horizontal and vertical runs of
    `faint` (light grey lines count); `ink` (the dark pixels) tells thick strokes apart."""
    h_len = max(12, round(RULE_MIN_LENGTH * height))
    v_len = max(12, round(2.5 * height))
    # grown by a pixel across the line: a line a hair off horizontal steps from row to row
    horizontal = long_runs(grow(faint, 1, 0), h_len, axis=1) & faint
    vertical = long_runs(grow(faint, 0, 1), v_len, axis=0) & faint
    # thick strokes (big bold letters, filled areas) are not rules
    t = max(2, round(0.16 * height))
    thick = grow(box_mean(ink, t, t) >= 240, t, t)
    return horizontal & ~thick, vertical & ~thick


def segments(
    mask: np.ndarray, axis: int, min_length: float, join: float, max_thickness: float, full: np.ndarray
) -> tuple[list[Segment], np.ndarray]:
    """The lines of a rule mask: one segment per thin band of rows (axis 0: horizontal lines) or
    columns (axis 1: vertical lines), split where the line stops for more than `join` pixels;
    and the mask of the pixels of those lines.

    A printed line has an even tone along it (`full`: the page at twice the mask's resolution,
    where a thin line keeps its tone), faint or dark, text touching it or not; a run along the
    bottom or middle of a line of text is dark strokes joined by fainter pixels: left alone."""
    if axis == 1:
        found, kept = segments(mask.T, 0, min_length, join, max_thickness, full.T)
        return [Segment(r.top, r.x0, r.bottom, r.x1) for r in found], kept.T
    out: list[Segment] = []
    kept = np.zeros_like(mask)
    on = mask.sum(axis=1) >= min_length
    padded = np.concatenate(([0], on.astype(np.int8), [0]))
    changes = np.flatnonzero(np.diff(padded))
    for start, end in zip(changes[::2], changes[1::2], strict=False):
        start, end = max(0, start - 1), min(len(on), end + 1)  # the line's fainter edges
        if end - start > 8 * max_thickness:
            continue  # a block, not a line (a slightly slanted line spreads over a few rows)
        band = mask[start:end]
        across = band.sum(axis=0)
        idx = np.flatnonzero(across)
        if len(idx) == 0 or float(np.median(across[idx])) > max_thickness + 2:
            continue
        breaks = np.flatnonzero(np.diff(idx) > join)
        firsts = np.concatenate(([idx[0]], idx[breaks + 1]))
        lasts = np.concatenate((idx[breaks], [idx[-1]]))
        middle = (start + end - 1) / 2
        for a, b in zip(firsts, lasts, strict=True):
            if b - a + 1 < min_length:
                continue
            sub = band[:, a : b + 1]
            # the tone of each position: the darkest full-resolution pixel under the mask
            rows = full[2 * start : 2 * end, 2 * a : 2 * b + 2]
            h2, w2 = rows.shape[0] // 2, rows.shape[1] // 2
            cells = rows[: 2 * h2, : 2 * w2].reshape(h2, 2, w2, 2).min(axis=(1, 3))
            under = sub[:h2, :w2]
            tones = np.where(under, cells, 255).min(axis=0)[under.any(axis=0)]
            if len(tones) == 0:
                continue
            low, high = np.percentile(tones, [25, 75])
            if high - low > 40:
                continue
            out.append(Segment(float(a), middle, float(b + 1), middle))
            kept[start:end, a : b + 1] |= sub
    return out, kept


def find_rules(flat: np.ndarray, line_px: float) -> tuple[list[Segment], np.ndarray]:
    """Ruling lines of a page (flattened, at OCR scale) and the pixels to erase for them.

    Looked for at half resolution (a line is long: that is enough, and four times quicker);
    faint pixels count, a light grey grid still separates columns. Where a letter crosses a line
    (struck-through text, a descender on a ruled line), the crossing is kept."""
    h, w = flat.shape
    half = np.asarray(Image.fromarray(flat).reduce(2))[: h // 2, : w // 2]
    height = line_px / 2
    ink = ink_mask(half)
    # a light fill (a shaded header row) is no line, and would join the letters on it into one
    r = max(3, round(0.6 * height))
    faint = half < FAINT_INK
    fill = grow(box_mean(faint, r, r) >= 235, r, r)
    faint = (faint & ~fill) | ink
    horizontal, vertical = rule_masks(faint, ink, height)
    thin = max(3.0, 0.3 * height)
    h_rules, h_mask = segments(horizontal, 0, RULE_MIN_LENGTH * height, height, thin, flat)
    v_rules, v_mask = segments(vertical, 1, 2.5 * height, 0.5 * height, thin, flat)
    rest = ink & ~(h_mask | v_mask)
    reach = max(2, round(thin) + 1)
    crossing = (h_mask & _near(rest, 0, -reach) & _near(rest, 0, reach)) | (
        v_mask & _near(rest, 1, -reach) & _near(rest, 1, reach)
    )
    erase_half = grow(h_mask | v_mask, 1, 1) & ~grow(crossing, 1, 1)
    erase = np.zeros((h, w), dtype=bool)
    erase[: h // 2 * 2, : w // 2 * 2] = erase_half.repeat(2, axis=0).repeat(2, axis=1)
    rules = [Segment(r.x0 * 2, r.top * 2, r.x1 * 2, r.bottom * 2) for r in h_rules + v_rules]
    return rules, erase


def _near(mask: np.ndarray, axis: int, reach: int) -> np.ndarray:
    """Pixels with a set pixel of `mask` within `reach` steps along `axis` (negative: before)."""
    out = np.zeros_like(mask)
    n = mask.shape[axis]
    for step in range(1, abs(reach) + 1):
        if step >= n:
            break
        if reach < 0:  # a set pixel `step` before: shift the mask forward
            if axis == 0:
                out[step:] |= mask[:-step]
            else:
                out[:, step:] |= mask[:, :-step]
        elif axis == 0:
            out[:-step] |= mask[step:]
        else:
            out[:, :-step] |= mask[:, step:]
    return out


def speck_mask(ink: np.ndarray, height: float) -> np.ndarray:
    """Specks of noise: ink pixels with almost no ink around them."""
    r = max(2, round(0.12 * height))
    limit = max(3, round((0.08 * height) ** 2))
    return ink & (box_mean(ink, r, r) <= 255 * (limit + 0.5) / (2 * r + 1) ** 2)


# ------------------------------------------------------------------------------ the page


def prepare(
    image: Image.Image, page_width_in: float | None = None, turns: int | None = None, target: float | None = None
) -> Prepared:
    """Straighten, scale and clean a page picture for OCR.

    `turns`: quarter turns known to make the page upright (else looked for); `target`: the
    text height to scale to (else TARGET_LINE_HEIGHT)."""
    gray = to_gray(image)
    if max(gray.size) > MAX_INPUT_SIDE:
        gray, _ = reduced(gray, MAX_INPUT_SIDE)
    if image.mode == "1" and BILEVEL_SMOOTHING:
        # a fax's staircase edges, softened before enlarging, read better ('9' is not 'Q')
        gray = gray.filter(ImageFilter.GaussianBlur(BILEVEL_SMOOTHING))
    notes: list[str] = []
    width, height = float(gray.width), float(gray.height)
    to_input = np.eye(3)  # page pixel (full resolution) -> input pixel
    corners = find_sheet(gray)
    if corners is not None:
        top, bottom = math.dist(corners[0], corners[1]), math.dist(corners[3], corners[2])
        left, right = math.dist(corners[0], corners[3]), math.dist(corners[1], corners[2])
        width, height = (top + bottom) / 2, (left + right) / 2
        inset = 0.01 * min(width, height)  # the sheet's edge is no content
        rect = [(inset, inset), (width - inset, inset), (width - inset, height - inset), (inset, height - inset)]
        to_input = _homography(rect, corners)
        notes.append("sheet cut out of the photo")
    # everything is measured on a reduced copy of the page as it is after the crop
    small, factor = reduced(gray, ANALYSIS_SIDE)
    k = min(1.0, ANALYSIS_SIDE / max(width, height))
    a_size = (max(1, round(width * k)), max(1, round(height * k)))
    page_small = warp(small, _scale(factor) @ to_input @ _scale(1 / k), a_size) if corners else small
    ink = ink_mask(flatten_light(page_small))
    if turns is None:
        angle = skew_angle(ink)
        turns, ink_up = _upright(ink, angle)
    else:
        angle = skew_angle(np.rot90(ink, turns))
        turns, ink_up = _upright(ink, angle, turns)
    if corners is None and abs(angle) < NEGLIGIBLE_SKEW:
        angle = 0.0  # (a photo is warped anyway: its small skew is corrected at no cost)
    if turns:
        notes.append(f"page turned by {turns * 90}°")
    if angle:
        notes.append(f"skew of {abs(angle):.1f}° corrected")
    turn_matrix, width_u, height_u = _quarter_turns(turns, width, height)
    skew_matrix = _translate(width_u / 2, height_u / 2) @ _rotation(angle) @ _translate(-width_u / 2, -height_u / 2)
    measured = line_height(ink_up)
    if measured is not None and measured >= 3:
        body = measured / k  # in full-resolution page pixels
        scale = (target or TARGET_LINE_HEIGHT) / body
    else:
        body = 0.0
        scale = 250 * (page_width_in or 8.27) / width_u  # no measurable text: about 250 dpi
    scale = min(max(scale, MIN_SCALE), MAX_SCALE)
    line_px = body * scale if body else (target or TARGET_LINE_HEIGHT)
    out_size = (max(1, round(width_u * scale)), max(1, round(height_u * scale)))
    matrix = to_input @ turn_matrix @ skew_matrix @ _scale(1 / scale)
    source = gray
    shrink = scale * _matrix_scale(to_input)
    if corners is None and not turns and not angle:
        # a flat scan already straight: a plain resize, several times quicker than a warp
        straight = gray.resize(out_size, Image.Resampling.BICUBIC)
    elif shrink < 0.8:
        # shrink with an area filter first: a plain bicubic warp would alias
        source = gray.resize(
            (max(1, round(gray.width * shrink)), max(1, round(gray.height * shrink))), Image.Resampling.BOX
        )
        matrix = _scale(source.width / gray.width) @ matrix
        straight = warp(source, matrix, out_size)
    else:
        straight = warp(source, matrix, out_size)
    flat = flatten_light(straight)
    if corners is not None:
        # what is left of the table around the sheet's edges (its corners are never quite square)
        m = max(2, round(0.012 * min(flat.shape)))
        flat[:m], flat[-m:], flat[:, :m], flat[:, -m:] = 255, 255, 255, 255
    ink_full = ink_mask(flat)
    rules, rule_pixels = find_rules(flat, line_px)
    erase = rule_pixels | speck_mask(ink_full, line_px)
    flat[erase] = 255
    # paper, light fills and stains to white, ink to black, its anti-aliased edges kept grey
    threshold = min(max(otsu(flat), 60.0), 200.0)
    low, high = 0.5 * threshold, threshold + 0.3 * (255 - threshold)
    out = np.clip((flat.astype(np.float32) - low) * (255.0 / (high - low)), 0, 255).astype(np.uint8)
    log.debug("OCR page: turns=%s skew=%.2f scale=%.2f size=%s", turns, angle, scale, out_size)
    ink_share = float((out < 128).mean())
    return Prepared(
        Image.fromarray(out), scale, turns, angle, corners is not None, line_px, notes, rules, ink_share
    )


def _upright(ink: np.ndarray, angle: float, turns: int | None = None) -> tuple[int, np.ndarray]:
    """Quarter turns that make the text upright (only when the page says so clearly) and the
    straightened ink without its ruling lines."""
    straight = np.rot90(ink, turns or 0)
    if angle:
        pil = _image(straight).rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        straight = np.asarray(pil) > 0
    guess = line_height(straight) or 12.0
    length = max(20, round(6 * guess))
    rules = long_runs(straight, length, axis=1) | long_runs(straight, length, axis=0)
    text = straight & ~grow(rules, 1, 1)
    if turns is not None:
        return turns, text
    turns, _ = orientation(text)
    return turns, np.rot90(text, turns)


def _matrix_scale(matrix: Matrix) -> float:
    """About how many input pixels one output pixel spans."""
    m = matrix / matrix[2, 2]
    return math.sqrt(abs(m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0])) or 1.0


# ------------------------------------------------------------------------------ tesseract


_JUNK = re.compile(r"^[\W_]+$")


def read_words(prepared: Prepared, languages: str | None = None, psm: int | None = None) -> list[OcrWord]:
    """One tesseract pass over a prepared page: its words with boxes, confidences and character
    boxes; a word lying across a ruling line (two cells read as one word) is cut there."""
    dpi = OCR_DECLARED_DPI
    tsv, boxes = run_tesseract(prepared.image, languages or OCR_LANGUAGES, psm or PAGE_SEGMENTATION, dpi)
    words = parse_tsv(tsv, boxes, prepared.image.height)
    vertical = [r for r in prepared.rules if r.x0 == r.x1]
    words = split_at_rules(words, vertical) if vertical else words
    words = join_split_codes(join_split_numbers(words), vertical)
    return [fix_word(w) for w in words]


def run_tesseract(image: Image.Image, languages: str, psm: int, dpi: int) -> tuple[str, str]:
    """tesseract's TSV (words) and box file (characters) of one image, from a single run."""
    import subprocess
    import tempfile

    try:
        import pytesseract

        command = str(pytesseract.pytesseract.tesseract_cmd)
    except ImportError:
        command = "tesseract"
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory(prefix="oi-ocr-") as folder:
        source = os.path.join(folder, "page.pgm")  # uncompressed: quicker to write than PNG
        image.save(source)
        base = os.path.join(folder, "out")
        # Pages are prepared dark on light: tesseract's retry of each doubtful line as inverted
        # (light on dark) text never finds anything and costs about 15 % of the time.
        args = [command, source, base, "-l", languages, "--psm", str(psm), "--dpi", str(dpi)]
        args += ["-c", "tessedit_do_invert=0", "tsv", "makebox"]
        try:
            done = subprocess.run(args, capture_output=True, env=env, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UnreadableDocument(
                f"OCR is not available to read this scan ({exc})",
                f"l'OCR n'est pas disponible pour lire ce scan ({exc})",
            ) from exc
        try:
            with open(base + ".tsv", encoding="utf-8", errors="replace") as handle:
                tsv = handle.read()
        except OSError as exc:
            reason = done.stderr.decode("utf-8", "replace").strip()[-300:]
            raise UnreadableDocument(
                f"OCR failed on this scan ({reason or exc})", f"l'OCR a échoué sur ce scan ({reason or exc})"
            ) from exc
        try:
            with open(base + ".box", encoding="utf-8", errors="replace") as handle:
                boxes = handle.read()
        except OSError:
            boxes = ""
    return tsv, boxes


_JUNK = re.compile(r"^[\W_]+$")


def parse_tsv(tsv: str, boxes: str, image_height: int) -> list[OcrWord]:
    """Words of tesseract's TSV output, with the characters of its box output when they match."""
    rows: list[tuple[tuple[int, int, int], str, float, float, float, float, float]] = []
    for raw in tsv.splitlines()[1:]:
        cells = raw.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        if not text:
            continue
        try:
            key = (int(cells[2]), int(cells[3]), int(cells[4]))
            left, top, width, height = (float(v) for v in cells[6:10])
            confidence = max(float(cells[10]), 0.0)
        except ValueError:
            continue
        rows.append((key, text, left, top, width, height, confidence))
    word_chars = _align_chars([r[1] for r in rows], _box_chars(boxes, image_height))
    lines: dict[tuple[int, int, int], list[int]] = {}
    for index, row in enumerate(rows):
        lines.setdefault(row[0], []).append(index)
    words: list[OcrWord] = []
    for key, members in lines.items():
        line_top = float(statistics.median(rows[i][3] for i in members))
        line_bottom = float(statistics.median(rows[i][3] + rows[i][5] for i in members))
        for i in members:
            _, text, left, top, width, height, confidence = rows[i]
            if _JUNK.match(text) and (confidence < 60 or text in {"|", "||", "_", "~"}):
                continue  # rule remains, speck, stamp border
            if confidence < MIN_WORD_CONFIDENCE and not any(c.isalnum() for c in text):
                continue
            words.append(
                OcrWord(
                    text, left, top, left + width, top + height, confidence / 100, key, line_top, line_bottom,
                    word_chars[i],
                )
            )
    return words


def _align_chars(
    texts: list[str], chars: list[tuple[str, float, float]]
) -> list[tuple[tuple[str, float, float], ...]]:
    """The characters of each word, walking the box output along the words (it sometimes holds
    a character the word list left out: those are skipped)."""
    out: list[tuple[tuple[str, float, float], ...]] = []
    position = 0
    for text in texts:
        found: int | None = None
        for skip in range(8):
            start = position + skip
            if "".join(c for c, _, _ in chars[start : start + len(text)]) == text:
                found = start
                break
        if found is None:
            out.append(())
            continue
        out.append(tuple(chars[found : found + len(text)]))
        position = found + len(text)
    return out


def _box_chars(boxes: str, image_height: int) -> list[tuple[str, float, float]]:
    out: list[tuple[str, float, float]] = []
    for raw in boxes.splitlines():
        parts = raw.rsplit(" ", 5)
        if len(parts) != 6:
            continue
        try:
            x0, x1 = float(parts[1]), float(parts[3])
        except ValueError:
            continue
        out.append((parts[0], x0, x1))
    return out


_LETTER_IN_DIGITS = re.compile(r"(?<=\d)[OoIl|](?=\d)")
_DOLLAR_CODE = re.compile(r"^\$(?=\d{4,}$)")


def fix_word(word: OcrWord) -> OcrWord:
    """Misreadings that leave no doubt: a letter O or I between two digits is a digit ('2O26'),
    a '$' opening a long run of digits with no separator is an S ('$520214' is a code), a bar
    at a word's end is a ruling line."""
    text = _LETTER_IN_DIGITS.sub(lambda m: "0" if m.group(0) in "Oo" else "1", word.text)
    text = _DOLLAR_CODE.sub("S", text)
    stripped = text.strip("|!")
    if stripped != text and sum(c.isalnum() for c in stripped) >= 2:
        text = stripped  # a ruling line read as a stroke glued to the word ('Quantité!')
    if text == word.text:
        return word
    return OcrWord(
        text, word.x0, word.top, word.x1, word.bottom, word.conf, word.line, word.line_top, word.line_bottom,
        word.chars,
    )


_NUMBER_HEAD = re.compile(r"^[+-]?\d[\d .']*[.,]$")  # '107.' '1 234,'
_NUMBER_TAIL = re.compile(r"^\d{1,3}(?:[^\w]*|\s*(?:€|EUR|eur))$")  # '58' '80€'


def join_split_numbers(words: list[OcrWord]) -> list[OcrWord]:
    """Join an amount OCR cut after its decimal separator ('107.' '58' -> '107.58')."""
    out: list[OcrWord] = []
    for word in words:
        if out:
            last = out[-1]
            gap = word.x0 - last.x1
            height = max(1.0, last.line_bottom - last.line_top)
            if (
                last.line == word.line
                and 0 <= gap < 0.6 * height
                and _NUMBER_HEAD.match(last.text)
                and _NUMBER_TAIL.match(word.text)
            ):
                out[-1] = OcrWord(
                    last.text + word.text,
                    last.x0,
                    min(last.top, word.top),
                    word.x1,
                    max(last.bottom, word.bottom),
                    min(last.conf, word.conf),
                    last.line,
                    last.line_top,
                    last.line_bottom,
                    last.chars + word.chars,
                )
                continue
        out.append(word)
    return out


_CODE_PART = re.compile(r"^[A-Z0-9][A-Z0-9\-./]*$")


def join_split_codes(words: list[OcrWord], vertical: list[Segment]) -> list[OcrWord]:
    """Join the pieces of a code OCR cut in two ('A9F 74216'): both in capitals and digits, a
    digit in them, and a gap much narrower than the spaces between the words of their line
    (nearer the gaps between letters). Never across a vertical ruling line."""
    by_line: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    spacing: dict[tuple[int, int, int], tuple[float, float]] = {}
    for key, members in by_line.items():
        members = sorted(members, key=lambda w: w.x0)
        between = [b.x0 - a.x1 for a, b in zip(members, members[1:], strict=False)]
        inside = [b[1] - a[2] for w in members for a, b in zip(w.chars, w.chars[1:], strict=False)]
        if between and inside:
            spacing[key] = (float(statistics.median(inside)), float(statistics.median(between)))
    out: list[OcrWord] = []
    for word in words:
        if out and out[-1].line == word.line and word.line in spacing:
            last = out[-1]
            char_gap, word_gap = spacing[word.line]
            gap = word.x0 - last.x1
            joined = last.text + word.text
            if (
                0 <= gap <= min(0.5 * word_gap, 3 * char_gap + 1)
                and _CODE_PART.match(last.text)
                and _CODE_PART.match(word.text)
                and any(c.isdigit() for c in joined)
                and any(c.isalpha() for c in joined)
                and not any(last.x1 <= r.x0 <= word.x0 and r.top <= last.bottom <= r.bottom for r in vertical)
            ):
                out[-1] = OcrWord(
                    joined, last.x0, min(last.top, word.top), word.x1, max(last.bottom, word.bottom),
                    min(last.conf, word.conf), last.line, last.line_top, last.line_bottom, last.chars + word.chars,
                )
                continue
        out.append(word)
    return out


def split_at_rules(words: list[OcrWord], vertical: list[Segment]) -> list[OcrWord]:
    """Cut words that run across a vertical ruling line ('15|U' read as '15U'): each part keeps
    its own characters and box."""
    out: list[OcrWord] = []
    for word in words:
        cy = (word.top + word.bottom) / 2
        cuts = sorted(
            r.x0 for r in vertical if r.top <= cy <= r.bottom and word.x0 + 2 < r.x0 < word.x1 - 2
        )
        if not cuts or not word.chars:
            out.append(word)
            continue
        groups: list[list[tuple[str, float, float]]] = [[] for _ in range(len(cuts) + 1)]
        for char in word.chars:
            centre = (char[1] + char[2]) / 2
            groups[sum(1 for x in cuts if centre > x)].append(char)
        for group in groups:
            text = "".join(c for c, _, _ in group).strip()
            if not text:
                continue
            x0, x1 = min(c[1] for c in group), max(c[2] for c in group)
            out.append(
                OcrWord(text, x0, word.top, x1, word.bottom, word.conf, word.line, word.line_top, word.line_bottom,
                        tuple(group))
            )
    return out


def mean_confidence(words: list[OcrWord]) -> float:
    """Character-weighted mean confidence of the words (0..1)."""
    weight = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / weight if weight else 0.0


def ocr_page(image: Image.Image, page_width_in: float | None = None) -> tuple[Prepared, list[OcrWord]]:
    """Prepare and read a page once. A page that reads badly gets a second look: writing that is
    hard to read (handwriting) a larger picture, then, if it still reads badly, tesseract's
    orientation check (a page upside down or sideways that the quick look missed)."""
    prepared = prepare(image, page_width_in)
    if prepared.ink_share < BLANK_PAGE:
        return prepared, []  # nothing written: no OCR
    words = read_words(prepared)
    if _reads_well(words) or sum(len(w.text) for w in words) < 10:
        return prepared, words  # read well, or hardly any writing to read again
    best, target = (prepared, words), None
    if mean_confidence(words) < HARD_TO_READ and prepared.line_height < HANDWRITING_TARGET:
        larger = prepare(image, page_width_in, turns=prepared.rotation, target=HANDWRITING_TARGET)
        again = read_words(larger)
        if mean_confidence(again) > mean_confidence(words):
            larger.notes.append("hard to read: read again at a larger scale")
            best, target = (larger, again), HANDWRITING_TARGET
    if _reads_well(best[1]):
        return best  # the orientation check (about 0.6 s) is for pages that still read badly
    turns = _osd_turns(best[0].image)
    if turns:
        turned = prepare(image, page_width_in, turns=(best[0].rotation + turns) % 4, target=target)
        again = read_words(turned)
        turned.notes.append("orientation found by tesseract's check")
        if mean_confidence(again) > mean_confidence(best[1]):
            best = (turned, again)
    return best


def _reads_well(words: list[OcrWord]) -> bool:
    letters = sum(len(w.text) for w in words)
    return letters >= 40 and mean_confidence(words) >= HARD_TO_READ


def _osd_turns(image: Image.Image) -> int:
    """Quarter turns (counter-clockwise) tesseract's orientation detection asks for, 0 if unsure."""
    import pytesseract

    small, _ = reduced(image, 1600)  # enough for the shapes of letters, and quicker
    try:
        osd = pytesseract.image_to_osd(small, config="--psm 0 -c min_characters_to_try=20")
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError):
        return 0
    rotate = re.search(r"Rotate:\s*(\d+)", osd)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
    if not rotate or not confidence or float(confidence.group(1)) < 2.0:
        return 0
    degrees = int(rotate.group(1)) % 360
    # tesseract gives the clockwise rotation that fixes the page
    return {0: 0, 90: 3, 180: 2, 270: 1}.get(degrees, 0)
