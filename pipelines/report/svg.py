"""Small inline SVG time charts: lines over time, limits, markers, shaded bands, ticks, a legend.

No script and nothing fetched, so the report opens offline; coordinates are rounded to 0.1 px so
the same data gives the same bytes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from pipelines.report.palette import BAND_FILL, BAND_TEXT, SERIES_COLOURS

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 28
LEGEND_ROW = 18
# Bands overlap in time (a shock inside a divergence): their labels take turns on three rows.
LABEL_ROWS = 3
CHAR_WIDTH = 5.6  # of the 10 px font, to lay the legend out without a browser
TICK_LENGTH = 10


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


@dataclass(frozen=True)
class Series:
    times: list[datetime]
    values: list[float]
    colour: str = SERIES_COLOURS[0]
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Tick:
    at: datetime
    colour: str


@dataclass(frozen=True)
class Key:
    """A legend entry: a swatch of `shape` ("line", "dash", "band", "tick", or "text" for none)
    and its label."""

    label: str
    colour: str
    shape: str = "line"


@dataclass(frozen=True)
class Decor:
    levels: Sequence[Level] = ()
    markers: Sequence[Marker] = ()
    bands: Sequence[Band] = ()
    ticks: Sequence[Tick] = ()
    legend: Sequence[Key] = ()


@dataclass(frozen=True)
class _Frame:
    start: datetime
    end: datetime
    low: float
    high: float
    left: float
    right: float
    top: float
    bottom: float

    def x(self, at: datetime) -> float:
        span = (self.end - self.start).total_seconds() or 1.0
        fraction = (at - self.start).total_seconds() / span
        return self.left + min(max(fraction, 0.0), 1.0) * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.top + (self.high - value) / (self.high - self.low) * (self.bottom - self.top)


def line_chart(
    times: list[datetime],
    values: list[float],
    levels: list[Level],
    markers: list[Marker],
    title: str,
) -> str:
    """One signal over time with its limits and markers."""
    return time_chart([Series(times, values)], Decor(levels, markers), title, "signal")


def time_chart(
    series: Sequence[Series],
    decor: Decor,
    title: str,
    kind: str,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """The chart as an <svg class="chart chart-{kind}"> element; no point in any series gives a
    labelled empty frame. The time axis spans the series and markers; bands and ticks are
    clipped to it."""
    drawn = [s for s in series if s.times]
    if not drawn:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-empty" width="{width}" '
            f'height="40" role="img"><title>{escape(title)}</title><text x="4" y="24" '
            'class="muted">no values in this window</text></svg>'
        )
    times = [t for s in drawn for t in s.times] + [m.at for m in decor.markers]
    ys = [v for s in drawn for v in s.values] + [lv.value for lv in decor.levels]
    low, high = min(ys), max(ys)
    if high == low:  # a flat series still gets a visible range
        low, high = low - 1.0, high + 1.0
    pad = (high - low) * 0.05  # so no line runs along the frame's edge
    places = _legend_places(decor.legend, width)
    top = TOP + LEGEND_ROW * (places[-1][2] + 1 if places else 0)
    frame = _Frame(
        min(times), max(times), low - pad, high + pad, LEFT, width - RIGHT, top, height - BOTTOM
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{escape(title)}</title>",
        _legend(places),
        _axes(frame, height),
        *(_band(frame, band, n) for n, band in enumerate(decor.bands)),
        *(_level(frame, level) for level in decor.levels),
        *(_polyline(frame, s) for s in drawn),
        _ticks(frame, decor.ticks),
        *(_marker(frame, marker, n) for n, marker in enumerate(decor.markers)),
        "</svg>",
    ]
    return "".join(parts)


def _axes(frame: _Frame, height: int) -> str:
    return (
        f'<rect x="{frame.left}" y="{frame.top}" width="{frame.right - frame.left}" '
        f'height="{frame.bottom - frame.top}" fill="#fafafa" stroke="#ccc"/>'
        f'<text x="{frame.left - 4}" y="{frame.top + 10}" text-anchor="end" font-size="10">'
        f"{frame.high:.4g}</text>"
        f'<text x="{frame.left - 4}" y="{frame.bottom}" text-anchor="end" font-size="10">'
        f"{frame.low:.4g}</text>"
        f'<text x="{frame.left}" y="{height - 8}" font-size="10">'
        f"{frame.start:%Y-%m-%d %H:%M:%S}</text>"
        f'<text x="{frame.right}" y="{height - 8}" text-anchor="end" font-size="10">'
        f"{frame.end:%Y-%m-%d %H:%M:%S}</text>"
    )


def _legend_places(keys: Sequence[Key], width: int) -> list[tuple[Key, float, int]]:
    """Each legend entry's x and row: left to right, a new row when the next would overflow."""
    places, x, row = [], float(LEFT), 0
    for key in keys:
        size = (0 if key.shape == "text" else 20) + len(key.label) * CHAR_WIDTH
        if x > LEFT and x + size > width - RIGHT:
            x, row = float(LEFT), row + 1
        places.append((key, x, row))
        x += size + 14
    return places


def _legend(places: list[tuple[Key, float, int]]) -> str:
    parts = []
    for key, x, row in places:
        y = TOP + 2 + row * LEGEND_ROW
        if key.shape == "text":
            swatch, text_x = "", x
        elif key.shape == "band":
            swatch, text_x = (
                f'<rect x="{x:.1f}" y="{y - 4}" width="16" height="10" fill="{BAND_FILL}" '
                'fill-opacity="0.35"/>',
                x + 20,
            )
        elif key.shape == "tick":
            swatch, text_x = (
                f'<line x1="{x + 8:.1f}" x2="{x + 8:.1f}" y1="{y - 4}" y2="{y + 6}" '
                f'stroke="{key.colour}" stroke-width="2"/>',
                x + 20,
            )
        else:
            dash = ' stroke-dasharray="4 3"' if key.shape == "dash" else ""
            swatch, text_x = (
                f'<line x1="{x:.1f}" x2="{x + 16:.1f}" y1="{y + 1}" y2="{y + 1}" '
                f'stroke="{key.colour}" stroke-width="2"{dash}/>',
                x + 20,
            )
        parts.append(
            swatch + f'<text x="{text_x:.1f}" y="{y + 5}" font-size="10">{escape(key.label)}</text>'
        )
    return "".join(parts)


def _band(frame: _Frame, band: Band, n: int) -> str:
    left, right = frame.x(band.start), frame.x(band.end)
    label_y = frame.top + 12 + 12 * (n % LABEL_ROWS)
    return (
        f'<rect x="{left:.1f}" y="{frame.top}" width="{max(right - left, 1.0):.1f}" '
        f'height="{frame.bottom - frame.top}" fill="{BAND_FILL}" fill-opacity="0.35" '
        f'stroke="{BAND_FILL}"/>'
        f'<text x="{left + 3:.1f}" y="{label_y}" font-size="10" fill="{BAND_TEXT}" '
        f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(band.label)}</text>'
    )


def _level(frame: _Frame, level: Level) -> str:
    at = frame.y(level.value)
    return (
        f'<line x1="{frame.left}" x2="{frame.right}" y1="{at:.1f}" y2="{at:.1f}" '
        f'stroke="{level.colour}" stroke-dasharray="6 3"/>'
        f'<text x="{frame.right - 2}" y="{at - 3:.1f}" text-anchor="end" font-size="10" '
        f'fill="{level.colour}">{escape(level.label)} {level.value:.4g}</text>'
    )


def _polyline(frame: _Frame, series: Series) -> str:
    points = " ".join(
        f"{frame.x(t):.1f},{frame.y(v):.1f}"
        for t, v in zip(series.times, series.values, strict=True)
    )
    dash = ' stroke-dasharray="4 3" stroke-opacity="0.7"' if series.dashed else ""
    return (
        f'<polyline fill="none" stroke="{series.colour}" stroke-width="1.5"{dash} '
        f'points="{points}"/>'
    )


def _ticks(frame: _Frame, ticks: Sequence[Tick]) -> str:
    # Alerts raised in the same pixel column draw once: a burst of 150 reads as one thick tick.
    # The caller's order is kept, so whatever it puts last (the worst severity) draws on top.
    columns = dict.fromkeys((round(frame.x(t.at), 1), t.colour) for t in ticks)
    return "".join(
        f'<line x1="{x}" x2="{x}" y1="{frame.bottom - TICK_LENGTH}" y2="{frame.bottom}" '
        f'stroke="{colour}" stroke-width="2"/>'
        for x, colour in columns
    )


def _marker(frame: _Frame, marker: Marker, n: int) -> str:
    at = frame.x(marker.at)
    return (
        f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{frame.top}" y2="{frame.bottom}" '
        f'stroke="{marker.colour}" stroke-width="1.5"/>'
        f'<text x="{at + 3:.1f}" y="{frame.top + 12 + 12 * n}" font-size="10" '
        f'fill="{marker.colour}">{escape(marker.label)}</text>'
    )
