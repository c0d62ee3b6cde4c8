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

OCR_LANGUAGES = "fra+eng"
TARGET_LINE_HEIGHT = 30.0  # pixels from ascender top to descender bottom of body text, for tesseract
MAX_INPUT_SIDE = 5000  # larger photos are reduced when decoded (memory, time)
ANALYSIS_SIDE = 1400  # the reduced copy that is measured
MIN_SCALE, MAX_SCALE = 0.35, 4.0
MIN_WORD_CONFIDENCE = 20  # tesseract confidence (0-100) under which a word without letters is noise

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


def _profile_sharpness(ink: np.ndarray, axis: int) -> float:
    profile = ink.sum(axis=axis).astype(np.float64)
    if profile.sum() == 0:
        return 0.0
    return float(np.abs(np.diff(profile)).sum() / profile.sum())


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

    Only clear signs count: an unsure page is read as it is, and `ocr_page` asks tesseract's
    orientation check when that reading fails.
    """
    rows, cols = _profile_sharpness(ink, 1), _profile_sharpness(ink, 0)
    if rows < 0.8 * cols:  # the text lines run down the page
        score = upright_score(np.rot90(ink, 1))
        return (1, abs(score)) if score >= 0 else (3, abs(score))
    score = upright_score(ink)
    if score < -0.1:
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


def rule_mask(ink: np.ndarray, height: float) -> np.ndarray:
    """Ruling lines (table grids, underlines, boxes): long thin horizontal or vertical runs."""
    h_len = max(12, round(3.0 * height))
    v_len = max(12, round(2.5 * height))
    # grown by a pixel across the line: a line a hair off horizontal steps from row to row
    horizontal = long_runs(grow(ink, 1, 0), h_len, axis=1) & ink
    vertical = long_runs(grow(ink, 0, 1), v_len, axis=0) & ink
    # thick strokes (big bold letters, filled areas) are not rules
    t = max(2, round(0.16 * height))
    thick = grow(box_mean(ink, t, t) >= 230, t, t)
    mask = (horizontal | vertical) & ~thick
    return grow(mask, 1, 1)


def speck_mask(ink: np.ndarray, height: float) -> np.ndarray:
    """Specks of noise: ink pixels with almost no ink around them."""
    r = max(2, round(0.12 * height))
    limit = max(3, round((0.08 * height) ** 2))
    return ink & (box_mean(ink, r, r) <= 255 * (limit + 0.5) / (2 * r + 1) ** 2)


# ------------------------------------------------------------------------------ the page


def prepare(image: Image.Image, page_width_in: float | None = None) -> Prepared:
    """Straighten, scale and clean a page picture for OCR."""
    gray = to_gray(image)
    if max(gray.size) > MAX_INPUT_SIDE:
        gray, _ = reduced(gray, MAX_INPUT_SIDE)
    notes: list[str] = []
    width, height = float(gray.width), float(gray.height)
    to_input = np.eye(3)  # page pixel (full resolution) -> input pixel
    corners = find_sheet(gray)
    if corners is not None:
        top, bottom = math.dist(corners[0], corners[1]), math.dist(corners[3], corners[2])
        left, right = math.dist(corners[0], corners[3]), math.dist(corners[1], corners[2])
        width, height = (top + bottom) / 2, (left + right) / 2
        inset = 0.004 * min(width, height)  # the sheet's edge is no content
        rect = [(inset, inset), (width - inset, inset), (width - inset, height - inset), (inset, height - inset)]
        to_input = _homography(rect, corners)
        notes.append("sheet cut out of the photo")
    # everything is measured on a reduced copy of the page as it is after the crop
    small, factor = reduced(gray, ANALYSIS_SIDE)
    k = min(1.0, ANALYSIS_SIDE / max(width, height))
    a_size = (max(1, round(width * k)), max(1, round(height * k)))
    page_small = warp(small, _scale(factor) @ to_input @ _scale(1 / k), a_size) if corners else small
    ink = ink_mask(flatten_light(page_small))
    angle = skew_angle(ink)
    turns, ink_up = _upright(ink, angle)
    if turns % 2:
        angle = skew_angle(np.rot90(ink, turns))  # the skew of sideways text is measured across
        turns, ink_up = _upright(ink, angle, turns)
    if turns:
        notes.append(f"page turned by {turns * 90}°")
    if angle:
        notes.append(f"skew of {angle:.1f}° corrected")
    turn_matrix, width_u, height_u = _quarter_turns(turns, width, height)
    skew_matrix = _translate(width_u / 2, height_u / 2) @ _rotation(angle) @ _translate(-width_u / 2, -height_u / 2)
    measured = line_height(ink_up)
    if measured is not None and measured >= 3:
        body = measured / k  # in full-resolution page pixels
        scale = TARGET_LINE_HEIGHT / body
    else:
        body = 0.0
        scale = 250 * (page_width_in or 8.27) / width_u  # no measurable text: about 250 dpi
    scale = min(max(scale, MIN_SCALE), MAX_SCALE)
    line_px = body * scale if body else TARGET_LINE_HEIGHT
    out_size = (max(1, round(width_u * scale)), max(1, round(height_u * scale)))
    matrix = to_input @ turn_matrix @ skew_matrix @ _scale(1 / scale)
    source = gray
    shrink = scale * _matrix_scale(to_input)
    if shrink < 0.8:
        # shrink with an area filter first: a plain bicubic warp would alias
        source = gray.resize(
            (max(1, round(gray.width * shrink)), max(1, round(gray.height * shrink))), Image.Resampling.BOX
        )
        matrix = _scale(source.width / gray.width) @ matrix
    straight = warp(source, matrix, out_size)
    flat = flatten_light(straight)
    ink_full = ink_mask(flat)
    erase = rule_mask(ink_full, line_px) | speck_mask(ink_full, line_px)
    flat[erase] = 255
    # lift the paper to white (light fills, stains), keep the ink and its anti-aliased edges
    threshold = min(max(otsu(flat), 60.0), 200.0)
    hi = min(250.0, threshold + 0.6 * (255 - threshold))
    out = np.clip(flat.astype(np.float32) * (255.0 / hi), 0, 255).astype(np.uint8)
    log.debug("OCR page: turns=%s skew=%.2f scale=%.2f size=%s", turns, angle, scale, out_size)
    return Prepared(Image.fromarray(out), scale, turns, angle, corners is not None, line_px, notes)


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


def read_words(prepared: Prepared, languages: str = OCR_LANGUAGES, psm: int = 6) -> list[OcrWord]:
    """One tesseract pass over a prepared page: its words with boxes and confidences."""
    import pytesseract

    dpi = max(70, min(600, round(prepared.image.width / 8.27)))
    config = f"--psm {psm} --dpi {dpi}"
    try:
        data = pytesseract.image_to_data(
            prepared.image, lang=languages, config=config, output_type=pytesseract.Output.DICT
        )
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as exc:
        raise UnreadableDocument(
            f"OCR is not available to read this scan ({exc})",
            f"l'OCR n'est pas disponible pour lire ce scan ({exc})",
        ) from exc
    lines: dict[tuple[int, int, int], list[int]] = {}
    for index, text in enumerate(data["text"]):
        if not str(text).strip():
            continue
        key = (int(data["block_num"][index]), int(data["par_num"][index]), int(data["line_num"][index]))
        lines.setdefault(key, []).append(index)
    words: list[OcrWord] = []
    for key, members in lines.items():
        tops = [int(data["top"][i]) for i in members]
        bottoms = [int(data["top"][i]) + int(data["height"][i]) for i in members]
        line_top = float(statistics.median(tops))
        line_bottom = float(statistics.median(bottoms))
        for i in members:
            text = str(data["text"][i]).strip()
            confidence = max(float(data["conf"][i]), 0.0)
            if _JUNK.match(text) and (confidence < 60 or text in {"|", "||", "_", "—", "~", "=", "-"}):
                continue  # rule remains, speck, stamp border
            if confidence < MIN_WORD_CONFIDENCE and not any(c.isalnum() for c in text):
                continue
            x0 = float(data["left"][i])
            top = float(data["top"][i])
            words.append(
                OcrWord(
                    text,
                    x0,
                    top,
                    x0 + float(data["width"][i]),
                    top + float(data["height"][i]),
                    confidence / 100,
                    key,
                    line_top,
                    line_bottom,
                )
            )
    return words


def mean_confidence(words: list[OcrWord]) -> float:
    """Character-weighted mean confidence of the words (0..1)."""
    weight = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / weight if weight else 0.0


def ocr_page(image: Image.Image, page_width_in: float | None = None) -> tuple[Prepared, list[OcrWord]]:
    """Prepare and read a page; a page that reads badly is tried upside down / sideways once."""
    prepared = prepare(image, page_width_in)
    words = read_words(prepared)
    if _reads_well(words):
        return prepared, words
    turns = _osd_turns(prepared.image)
    if turns:
        turned = prepared.image.rotate(90 * turns, expand=True, fillcolor=255)
        retry = Prepared(
            turned,
            prepared.scale,
            (prepared.rotation + turns) % 4,
            prepared.skew,
            prepared.cropped,
            prepared.line_height,
            [*prepared.notes, f"page turned by {turns * 90}° after tesseract's orientation check"],
        )
        again = read_words(retry)
        if mean_confidence(again) > mean_confidence(words):
            return retry, again
    return prepared, words


def _reads_well(words: list[OcrWord]) -> bool:
    letters = sum(len(w.text) for w in words)
    return letters >= 40 and mean_confidence(words) >= 0.6


def _osd_turns(image: Image.Image) -> int:
    """Quarter turns (counter-clockwise) tesseract's orientation detection asks for, 0 if unsure."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0 -c min_characters_to_try=20")
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError):
        return 0
    rotate = re.search(r"Rotate:\s*(\d+)", osd)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
    if not rotate or not confidence or float(confidence.group(1)) < 2.0:
        return 0
    degrees = int(rotate.group(1)) % 360
    # tesseract gives the clockwise rotation that fixes the page
    return {0: 0, 90: 3, 180: 2, 270: 1}.get(degrees, 0)
