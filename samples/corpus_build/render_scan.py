"""Scanner, fax and phone-camera versions of paper originals: pdftoppm rasterisation, then PIL degradation."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from samples.corpus_build.common import WORK, rng


def rasterise(pdf: Path, dpi: int, gray: bool = True) -> Image.Image:
    out = WORK / "scan" / pdf.stem
    out.parent.mkdir(parents=True, exist_ok=True)
    args = ["pdftoppm", "-r", str(dpi), "-png", "-singlefile"]
    if gray:
        args.append("-gray")
    subprocess.run([*args, str(pdf), str(out)], check=True, timeout=120)
    return Image.open(str(out) + ".png").convert("L" if gray else "RGB")


def _noise(img: Image.Image, sigma: float, seed: str) -> Image.Image:
    """Add gaussian sensor noise (PIL's effect_noise is seeded from the global random state: use our own)."""
    r = rng(seed)
    w, h = img.size
    small = Image.new("L", (w // 2, h // 2))
    small.putdata([max(0, min(255, int(128 + r.gauss(0, sigma)))) for _ in range((w // 2) * (h // 2))])
    noise = small.resize((w, h), Image.Resampling.NEAREST)
    base = img.convert("L")
    return ImageChops.add(base, noise, scale=1.0, offset=-128)


def _speckles(img: Image.Image, count: int, seed: str) -> None:
    r = rng(seed)
    d = ImageDraw.Draw(img)
    w, h = img.size
    for _ in range(count):
        x, y = r.randrange(w), r.randrange(h)
        s = r.choice([1, 1, 2, 3])
        d.ellipse([x, y, x + s, y + s], fill=r.randint(40, 120))


def _shading(img: Image.Image, strength: float) -> Image.Image:
    """Uneven light: darker towards one corner."""
    grad = _falloff(img.size, strength * 0.35)
    return ImageChops.multiply(img.convert("L"), grad)


def _falloff(size: tuple[int, int], depth: float) -> Image.Image:
    """A smooth light map: 255 at the top-left corner down to 255 * (1 - depth) at the bottom-right one."""
    w, h = size
    vertical = Image.linear_gradient("L").resize((w, h))
    horizontal = Image.linear_gradient("L").rotate(90, expand=True).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    both = ImageChops.add(vertical, horizontal.resize((w, h)), scale=2.0)
    return both.point(lambda v: int(255 - depth * v))


def scan_pdf(src_pdf: Path, out: Path, dpi: int = 200, angle: float = 1.4, seed: str = "scan") -> None:
    img = rasterise(src_pdf, dpi)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    img = _shading(img, 0.6)
    img = _noise(img, 9, seed)
    _speckles(img, 350, seed + "sp")
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    stamp = dt.datetime(2026, 11, 16, 9, 32, 11)  # a fixed date, so that a rebuild gives the same bytes
    img.save(out, "PDF", resolution=dpi, creationDate=stamp.timetuple(), modDate=stamp.timetuple(),
             producer="Scan to PDF")


def fax_tiff(src_pdf: Path, out: Path, header: str, seed: str = "fax") -> None:
    img = rasterise(src_pdf, 200)
    w, h = img.size
    # fax resolution: 204 x 196 dpi, 1728 pixels across
    img = img.resize((1728, int(h * 1728 / w * 196 / 204)), Image.Resampling.LANCZOS)
    img = img.rotate(-0.6, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    canvas = Image.new("L", (img.width, img.height + 40), 255)
    canvas.paste(img, (0, 40))
    d = ImageDraw.Draw(canvas)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 22)
    d.text((20, 8), header, fill=0, font=font)
    canvas = _noise(canvas, 22, seed)
    bw = canvas.point(lambda v: 255 if v > 150 else 0).convert("1", dither=Image.Dither.NONE)
    _drop_lines(bw, seed)
    bw.save(out, "TIFF", compression="group4", dpi=(204, 196))


def _drop_lines(bw: Image.Image, seed: str) -> None:
    """A few white streaks where the transmission lost a scan line."""
    r = rng(seed + "lines")
    d = ImageDraw.Draw(bw)
    for _ in range(4):
        y = r.randrange(200, bw.height - 50)
        d.line([(0, y), (bw.width, y)], fill=1, width=1)


def photo_jpeg(src_pdf: Path, out: Path, angle: float = 2.0, seed: str = "photo") -> None:
    page = rasterise(src_pdf, 150, gray=False)
    pw, ph = page.size
    r = rng(seed)
    # a table under the sheet: warm brown with grain
    bg = Image.new("RGB", (int(pw * 1.25), int(ph * 1.18)), (122, 84, 52))
    grain = Image.new("L", bg.size)
    grain.putdata([r.randint(0, 60) for _ in range(bg.size[0] * bg.size[1] // 64)] * 64)
    bg = Image.composite(bg, Image.new("RGB", bg.size, (98, 66, 40)), grain.filter(ImageFilter.GaussianBlur(2)))
    sheet = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(0, 0, 0))
    mask = Image.new("L", page.size, 255).rotate(angle, expand=True, fillcolor=0)
    bg.paste(sheet, ((bg.width - sheet.width) // 2, (bg.height - sheet.height) // 2), mask)
    # perspective: the phone held a little tilted
    w, h = bg.size
    coeffs = _perspective_coeffs([(0, 0), (w, 0), (w, h), (0, h)],
                                 [(w * 0.03, h * 0.01), (w * 0.97, 0), (w, h), (0, h * 0.985)])
    bg = bg.transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    # light falling off to the bottom right
    shade = _falloff((w, h), 0.3)
    bg = Image.merge("RGB", [ImageChops.multiply(ch, shade) for ch in bg.split()])
    bg = bg.filter(ImageFilter.GaussianBlur(0.7))
    bg.save(out, "JPEG", quality=80)


def _perspective_coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points dst to input points src."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return _solve(rows, rhs)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda i: abs(m[i][col]))
        m[col], m[piv] = m[piv], m[col]
        for i in range(n):
            if i != col:
                f = m[i][col] / m[col][col]
                m[i] = [x - f * y for x, y in zip(m[i], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]
