"""The coverage matrix of `riskproof coverage` as an HTML table with coloured cells, and its gaps.

The same functions as the CLI (correlator/coverage_matrix.py) over the report's runs, laid out
the same way: injection kinds down, rules across, so ten rule columns fit a page's width.
"""

from html import escape

import polars as pl

from correlator.coverage_matrix import coverage_gaps, coverage_matrix
from risk_monitor import RULE_NAMES
from scenarios.injections import KINDS

VALIDATED = ("#dafbe1", "#1a7f37")  # background, text
FAILED = ("#ffebe9", "#cf222e")
UNTESTED = "#f6f8fa"


def coverage_table(coverage: pl.DataFrame) -> str:
    """audit.coverage rows of the report's runs (scenario_id included) as the matrix, a key and
    the gaps list."""
    matrix = coverage_matrix(coverage, RULE_NAMES, KINDS)
    rules = matrix.get_column("rule").to_list()
    # Rule names break at their underscores, never inside a word.
    head = "".join(f'<th class="rule">{escape(rule).replace("_", "_<wbr>")}</th>' for rule in rules)
    body = []
    for kind in matrix.columns[1:]:
        cells = "".join(_cell(c or "") for c in matrix.get_column(kind).to_list())
        body.append(f"<tr><th>{escape(kind)}</th>{cells}</tr>")
    gaps = coverage_gaps(coverage, RULE_NAMES, KINDS)
    listed = "".join(f"<li>{escape(gap)}</li>" for gap in gaps)
    return (
        '<table class="coverage"><thead><tr><th>injection kind \\ rule</th>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        '<p class="muted">cell: severities validated (L M H C); lower-case with ! = tested and '
        f'failed; empty = untested. <span style="background:{VALIDATED[0]}">&nbsp;validated'
        f'&nbsp;</span> <span style="background:{FAILED[0]}">&nbsp;failed&nbsp;</span></p>'
        + (
            f'<h3>Gaps ({len(gaps)})</h3><ul class="gaps">{listed}</ul>'
            if gaps
            else "<p><strong>No gaps.</strong></p>"
        )
    )


def _cell(text: str) -> str:
    if not text:
        return f'<td style="background:{UNTESTED}"></td>'
    background, colour = FAILED if "!" in text else VALIDATED
    return f'<td class="cell" style="background:{background};color:{colour}">{escape(text)}</td>'
