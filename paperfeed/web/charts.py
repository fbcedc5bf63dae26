"""Charts drawn on the server as SVG: no script, no CDN, readable by screen readers through their table."""

from __future__ import annotations

from datetime import date
from html import escape

from markupsafe import Markup


def daily_bars(days: list[tuple[date, int]], width: int = 720, height: int = 200) -> Markup:
    """Return an SVG column chart of papers per day."""
    if not days:
        return Markup('<p class="muted">No papers in this period.</p>')
    top = max(n for _, n in days) or 1
    left, bottom, pad_top = 44, 28, 10
    plot_w, plot_h = width - left - 8, height - bottom - pad_top
    step = plot_w / len(days)
    bar_w = max(1.0, step * 0.8)
    bars = []
    for i, (day, n) in enumerate(days):
        h = plot_h * n / top
        x = left + i * step + (step - bar_w) / 2
        y = pad_top + plot_h - h
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" class="bar">'
            f"<title>{day.isoformat()}: {n} papers</title></rect>"
        )
    axis = (
        f'<line x1="{left}" y1="{pad_top + plot_h}" x2="{width - 8}" y2="{pad_top + plot_h}" class="axis"/>'
        f'<text x="{left - 6}" y="{pad_top + 8}" text-anchor="end" class="tick">{top}</text>'
        f'<text x="{left - 6}" y="{pad_top + plot_h}" text-anchor="end" class="tick">0</text>'
        f'<text x="{left}" y="{height - 8}" class="tick">{days[0][0].isoformat()}</text>'
        f'<text x="{width - 8}" y="{height - 8}" text-anchor="end" class="tick">{days[-1][0].isoformat()}</text>'
    )
    label = f"Papers per day from {days[0][0].isoformat()} to {days[-1][0].isoformat()}, at most {top} a day"
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" class="chart">'
        f"{axis}{''.join(bars)}</svg>"
    )


def category_bars(categories: list[tuple[str, int]], width: int = 720) -> Markup:
    """Return an SVG bar chart of the top categories, one row each."""
    if not categories:
        return Markup('<p class="muted">No categories yet.</p>')
    row, label_w = 26, min(150, width // 3)
    height = row * len(categories) + 8
    top = max(n for _, n in categories) or 1
    plot_w = width - label_w - 50
    rows = []
    for i, (cat, n) in enumerate(categories):
        y = 4 + i * row
        w = max(1.0, plot_w * n / top)
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" class="tick">{escape(cat)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" class="bar"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" class="tick">{n}</text>'
        )
    return Markup(
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="Papers per category" '
        f'class="chart">{"".join(rows)}</svg>'
    )
