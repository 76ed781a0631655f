"""A small inline SVG line chart: a signal over time, its limits, onset and alert markers."""

from dataclasses import dataclass
from datetime import datetime
from html import escape

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 28


@dataclass(frozen=True)
class Marker:
    label: str
    at: datetime
    colour: str


@dataclass(frozen=True)
class Level:
    label: str
    value: float
    colour: str


def line_chart(
    times: list[datetime],
    values: list[float],
    levels: list[Level],
    markers: list[Marker],
    title: str,
) -> str:
    """The chart as an <svg> element; an empty series gives a labelled empty frame."""
    if not times:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="40" role="img">'
            f'<title>{escape(title)}</title><text x="4" y="24" class="muted">'
            "no signal values in this window</text></svg>"
        )
    start, end = min(times + [m.at for m in markers]), max(times + [m.at for m in markers])
    span = (end - start).total_seconds() or 1.0
    ys = values + [lv.value for lv in levels]
    low, high = min(ys), max(ys)
    if high == low:
        low, high = low - 1.0, high + 1.0
    pad = (high - low) * 0.05
    low, high = low - pad, high + pad

    def x(at: datetime) -> float:
        return LEFT + (at - start).total_seconds() / span * (WIDTH - LEFT - RIGHT)

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM)

    points = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in zip(times, values, strict=True))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img"><title>{escape(title)}</title>',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="#fafafa" stroke="#ccc"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 10}" text-anchor="end" font-size="10">{high:.4g}</text>',
        f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" text-anchor="end" font-size="10">'
        f"{low:.4g}</text>",
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10">{start:%Y-%m-%d %H:%M:%S}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="10">'
        f"{end:%Y-%m-%d %H:%M:%S}</text>",
    ]
    for level in levels:
        at = y(level.value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}" '
            f'stroke="{level.colour}" stroke-dasharray="6 3"/>'
            f'<text x="{WIDTH - RIGHT - 2}" y="{at - 3:.1f}" text-anchor="end" font-size="10" '
            f'fill="{level.colour}">{escape(level.label)} {level.value:.4g}</text>'
        )
    parts.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="{points}"/>')
    for n, marker in enumerate(markers):
        at = x(marker.at)
        parts.append(
            f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
            f'stroke="{marker.colour}" stroke-width="1.5"/>'
            f'<text x="{at + 3:.1f}" y="{TOP + 12 + 12 * n}" font-size="10" '
            f'fill="{marker.colour}">{escape(marker.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
