"""Detection latency against the SLA, every expectation of the report on one chart.

The axis is latency ÷ SLA, linear, so a 2 s SLA and a 15 min SLA share one scale and the SLA is
the same mark (1×) on every row; a negative latency (the alert came before the condition became
material) stays visible left of zero, where a log scale could not show it.
"""

import math
from collections.abc import Callable
from html import escape

import polars as pl

from pipelines.report.palette import STATUS_COLOUR
from pipelines.scorecard import duration_text

WIDTH = 960
LABEL_RIGHT = 290
PLOT_LEFT, PLOT_RIGHT = LABEL_RIGHT + 8, WIDTH - 190
HEADER, ROW, BAR, FOOTER = 56, 20, 12, 8
# Past 3× the bars would squash the on-time ones to slivers: they stop at the edge, their
# text gives the real figure.
CAP = 3.0
LABEL_CHARS = 46
SHOWN_STATUSES = ("PASS", "FAIL_LATE", "FAIL_MISSED")


def latency_chart(results: pl.DataFrame) -> str:
    """One row per expectation with an SLA (audit.scenario_results, scenario_id included): a
    bar of latency ÷ SLA coloured by status, the SLA a black mark on the row, "missed" where no
    alert came."""
    rows = list(results.filter(pl.col("sla_s").is_not_null()).iter_rows(named=True))
    if not rows:
        return '<p class="muted">no expectation with an SLA in these runs.</p>'
    ratios = [float(r["latency_s"] / r["sla_s"]) for r in rows if r["latency_s"] is not None]
    low = min([0.0, *ratios])
    high = max(1.5, math.ceil(min(max(ratios, default=0.0), CAP) * 2) / 2)
    height = HEADER + ROW * len(rows) + FOOTER

    def x(ratio: float) -> float:
        fraction = (min(ratio, high) - low) / (high - low)
        return PLOT_LEFT + fraction * (PLOT_RIGHT - PLOT_LEFT)

    title = "Detection latency ÷ SLA per expectation (linear axis; the black mark is the SLA, 1×)"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-latency" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img">'
        f"<title>{escape(title)}</title>",
        f'<text x="{PLOT_LEFT}" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
        _legend(),
        *_stripes(rows, height),
        _grid(x, low, high, height),
    ]
    for n, row in enumerate(rows):
        parts.append(_row(row, HEADER + n * ROW, x))
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    parts, left = [], PLOT_LEFT
    for status in SHOWN_STATUSES:
        parts.append(
            f'<rect x="{left}" y="22" width="12" height="10" fill="{STATUS_COLOUR[status]}"/>'
            f'<text x="{left + 16}" y="31" font-size="10">{status}</text>'
        )
        left += 16 + 7 * len(status) + 16
    return "".join(parts)


def _stripes(rows: list[dict[str, object]], height: int) -> list[str]:
    """A grey stripe behind every other scenario, so a scenario's rows read as a group."""
    stripes, shade, previous = [], False, None
    for n, row in enumerate(rows):
        if row["scenario_id"] != previous:
            shade, previous = not shade, row["scenario_id"]
        if not shade:
            stripes.append(
                f'<rect x="0" y="{HEADER + n * ROW}" width="{WIDTH}" height="{ROW}" '
                'fill="#f0f2f5"/>'
            )
    return stripes


def _grid(x: Callable[[float], float], low: float, high: float, height: int) -> str:
    parts = []
    step = 0.5
    tick = math.ceil(low / step) * step
    while tick <= high + 1e-9:
        at = x(tick)
        sla = tick == 1.0
        parts.append(
            f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{HEADER - 4}" y2="{height - FOOTER}" '
            + ('stroke="#222" stroke-dasharray="4 3"/>' if sla else 'stroke="#ddd"/>')
            + f'<text x="{at:.1f}" y="{HEADER - 8}" text-anchor="middle" font-size="10">'
            + ("SLA 1×" if sla else f"{tick:g}×")
            + "</text>"
        )
        tick += step
    return "".join(parts)


def _row(row: dict[str, object], top: int, x: Callable[[float], float]) -> str:
    status = str(row["status"])
    colour = STATUS_COLOUR.get(status, "#555")
    label = f"{row['scenario_id']} · {row['expectation_id']}"
    if len(label) > LABEL_CHARS:
        label = label[: LABEL_CHARS - 1] + "…"
    middle = top + ROW / 2
    parts = [
        f'<g class="latency-row" data-expectation="{escape(str(row["scenario_id"]))}/'
        f'{escape(str(row["expectation_id"]))}">',
        f'<text x="{LABEL_RIGHT}" y="{middle + 4}" text-anchor="end" font-size="11">'
        f"<title>{escape(str(row['scenario_id']))} {escape(str(row['expectation_id']))}"
        f"</title>{escape(label)}</text>",
    ]
    latency, sla = row["latency_s"], row["sla_s"]
    zero = x(0.0)
    if isinstance(latency, float) and isinstance(sla, float):
        ratio = latency / sla
        left, right = sorted((zero, x(ratio)))
        # At least 2 px: a 1 s detection against a 15 min SLA is a bar, not nothing.
        parts.append(
            f'<rect x="{left:.1f}" y="{middle - BAR / 2}" width="{max(right - left, 2.0):.1f}" '
            f'height="{BAR}" fill="{colour}"/>'
        )
        text = f"{duration_text(latency)} of {duration_text(sla)} ({ratio:.2g}×) {status}"
    else:
        missed = "missed" if status == "FAIL_MISSED" else "no latency"
        parts.append(
            f'<text x="{zero + 4:.1f}" y="{middle + 4}" font-size="11" font-weight="bold" '
            f'fill="{colour}">{missed}</text>'
        )
        text = f"- of {duration_text(sla if isinstance(sla, float) else None)} {status}"
    sla_at = x(1.0)
    parts.append(
        f'<line x1="{sla_at:.1f}" x2="{sla_at:.1f}" y1="{top + 2}" y2="{top + ROW - 2}" '
        'stroke="#111" stroke-width="2.5"/>'
        f'<text x="{PLOT_RIGHT + 8}" y="{middle + 4}" font-size="10" fill="{colour}">'
        f"{escape(text)}</text></g>"
    )
    return "".join(parts)
