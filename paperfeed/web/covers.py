"""A paper's cover, drawn from what the site knows of it (title, category, organization), never downloaded.

Cards show it as SVG (sharp at any size, drawn by the browser with the reader's fonts); share previews
(Open Graph, Twitter cards) need a raster image, so the same cover is also drawn as PNG with Pillow,
in DejaVu Sans where the system has it (Debian's fonts-dejavu-core) and Pillow's own font otherwise.
"""

from __future__ import annotations

import io
import textwrap
import zlib
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from paperfeed.store.models import Paper
from paperfeed.text import readable

WIDTH, HEIGHT = 1200, 630
# Dark grounds on which white text passes WCAG AA: one per arXiv archive, chosen by a stable hash.
PALETTE = ("#0b57d0", "#116329", "#8a2be2", "#9a3412", "#0f766e", "#b91c1c", "#1f2937", "#a21caf", "#1d4ed8")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FONT_REGULAR = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES, PER_LINE = 5, 24
MARGIN = 72


@dataclass(frozen=True, slots=True)
class Cover:
    ground: str
    title: str
    label: str  # category and organization
    lines: list[str]  # the title, wrapped
    footer: str


def cover_of(paper: Paper) -> Cover:
    category = paper.primary_category or (paper.categories[0] if paper.categories else "")
    archive = category.split(".")[0]
    ground = PALETTE[zlib.crc32(archive.encode()) % len(PALETTE)]
    title = readable(paper.title, "text")
    lines = textwrap.wrap(title, PER_LINE) or [paper.arxiv_id]
    if len(lines) > LINES:
        lines = [*lines[: LINES - 1], lines[LINES - 1][: PER_LINE - 1].rstrip() + "…"]
    label = " · ".join(x for x in (category, paper.organization or "") if x)
    return Cover(ground, title, label, lines, f"arXiv:{paper.arxiv_id}")


def cover_svg(cover: Cover) -> bytes:
    size = 64 if len(cover.lines) <= 3 else 54
    top = 235 if len(cover.lines) <= 3 else 210
    title = "".join(
        f'<text x="72" y="{top + i * int(size * 1.22)}" font-size="{size}" font-weight="700">{escape(line)}</text>'
        for i, line in enumerate(cover.lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(cover.title)}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{cover.ground}"/>'
        f'<rect x="72" y="72" width="96" height="10" rx="5" fill="#ffffff" opacity=".6"/>'
        f'<g fill="#ffffff" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">'
        f'<text x="72" y="136" font-size="34" opacity=".92">{escape(cover.label)}</text>{title}'
        f'<text x="72" y="{HEIGHT - 64}" font-size="30" opacity=".92">{escape(cover.footer)}</text></g></svg>'
    ).encode()


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT if bold else FONT_REGULAR
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def cover_png(cover: Cover) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), cover.ground)
    draw = ImageDraw.Draw(image)
    size = 64 if len(cover.lines) <= 3 else 54
    top = 235 if len(cover.lines) <= 3 else 210
    widest = max(_font(size).getlength(line) for line in cover.lines)
    if widest > WIDTH - 2 * MARGIN:  # a run of wide letters: the title shrinks rather than leaving the image
        size = int(size * (WIDTH - 2 * MARGIN) / widest)
    draw.rounded_rectangle((72, 72, 168, 82), radius=5, fill="#c8d6ee")
    draw.text((72, 136), cover.label, font=_font(34, bold=False), fill="#ffffff", anchor="ls")
    for i, line in enumerate(cover.lines):
        draw.text((72, top + i * int(size * 1.22)), line, font=_font(size), fill="#ffffff", anchor="ls")
    draw.text((72, HEIGHT - 64), cover.footer, font=_font(30, bold=False), fill="#ffffff", anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
