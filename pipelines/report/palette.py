"""The report's colours, shared by its tables and charts so a status or severity reads the same
everywhere on the page."""

STATUS_COLOUR = {
    "PASS": "#1a7f37",
    "FAIL_LATE": "#b08800",
    "FAIL_MISSED": "#cf222e",
    "FAIL_FALSE_POSITIVE": "#cf222e",
}
SEVERITY_COLOUR = {
    "low": "#8c8c8c",
    "medium": "#e69500",
    "high": "#d62728",
    "critical": "#7a0019",
}
# The first series is the browser test's probe colour (tests/integration/test_report_browser.py).
SERIES_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")
BAND_FILL = "#f2c14e"
BAND_TEXT = "#7a4b00"
