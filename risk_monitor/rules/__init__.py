"""The rule registry: each rule turns the point-in-time inputs into one signal per time × subject.

A rule function takes `(RuleInputs, its limits model)` and returns a RULE_SIGNAL frame
(ts, subject, value, armed) with ts ascending within each subject. Levels, alerts and compliance
are applied uniformly afterwards, so a rule only computes its value.
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import polars as pl

from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.portfolio_drawdown import PortfolioDrawdownLimits, portfolio_drawdown
from risk_monitor.rules.stablecoin_depeg import StablecoinDepegLimits, stablecoin_depeg
from risk_monitor.rules.unsettled_exposure import UnsettledExposureLimits, unsettled_exposure

# Any: each rule takes its own limits model; `RulesLimits` pairs every name with the right one
RuleFunction = Callable[[RuleInputs, Any], pl.DataFrame]

RULES: Mapping[str, RuleFunction] = MappingProxyType(
    {
        "portfolio_drawdown": portfolio_drawdown,
        "stablecoin_depeg": stablecoin_depeg,
        "unsettled_exposure": unsettled_exposure,
    }
)
RULE_NAMES: tuple[str, ...] = tuple(RULES)

__all__ = [
    "RULES",
    "RULE_NAMES",
    "PortfolioDrawdownLimits",
    "RuleFunction",
    "RuleInputs",
    "StablecoinDepegLimits",
    "UnsettledExposureLimits",
]
