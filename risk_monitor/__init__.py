"""riskproof's production risk monitor: pure, point-in-time, and importing nothing of ours.

    limits = parse_limits(text, source="risk_monitor/limits/default.yaml")
    output = evaluate(market_ticks, account_balances, limits, start, end,
                      settlements=None, exchange_orders=None, api_status=None)

Inputs and outputs are the tables declared in `risk_monitor.schemas`; see README.md for the rules.
"""

from risk_monitor.errors import InputContractError, LimitsError
from risk_monitor.limits import Limits, limits_from_mapping, parse_limits
from risk_monitor.monitor import MonitorOutput, evaluate
from risk_monitor.rules import RULE_NAMES, RULES

__all__ = [
    "RULES",
    "RULE_NAMES",
    "InputContractError",
    "Limits",
    "LimitsError",
    "MonitorOutput",
    "evaluate",
    "limits_from_mapping",
    "parse_limits",
]
