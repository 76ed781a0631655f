"""The rule registry: each rule turns the point-in-time inputs into one signal per time × subject.

A rule function takes `(RuleInputs, its limits model)` and returns a RULE_SIGNAL frame
(ts, subject, account_id, value, armed) with ts ascending within each subject, optionally with
per-subject levels (LEVEL_OVERRIDES), or the same as a SignalBlock (time × subject matrices) when
it computes its signal as one. Levels, alerts and compliance are applied uniformly
afterwards, so a rule only computes its value.
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import polars as pl

from risk_monitor.rule_blocks import SignalBlock
from risk_monitor.rules.api_unavailable import ApiUnavailableLimits, api_unavailable
from risk_monitor.rules.concentration import ConcentrationLimits, concentration
from risk_monitor.rules.data_staleness import DataStalenessLimits, data_staleness
from risk_monitor.rules.delta_exposure import DeltaExposureLimits, delta_exposure
from risk_monitor.rules.inputs import RuleInputs
from risk_monitor.rules.order_rate import OrderRateLimits, order_rate
from risk_monitor.rules.portfolio_drawdown import PortfolioDrawdownLimits, portfolio_drawdown
from risk_monitor.rules.position_limit import PositionLimitLimits, position_limit
from risk_monitor.rules.price_divergence import PriceDivergenceLimits, price_divergence
from risk_monitor.rules.reject_rate import RejectRateLimits, reject_rate
from risk_monitor.rules.stablecoin_depeg import StablecoinDepegLimits, stablecoin_depeg
from risk_monitor.rules.unsettled_exposure import UnsettledExposureLimits, unsettled_exposure

# Any: each rule takes its own limits model; `RulesLimits` pairs every name with the right one
RuleFunction = Callable[[RuleInputs, Any], pl.DataFrame | SignalBlock]

RULES: Mapping[str, RuleFunction] = MappingProxyType(
    {
        "portfolio_drawdown": portfolio_drawdown,
        "stablecoin_depeg": stablecoin_depeg,
        "unsettled_exposure": unsettled_exposure,
        "position_limit": position_limit,
        "delta_exposure": delta_exposure,
        "concentration": concentration,
        "order_rate": order_rate,
        "reject_rate": reject_rate,
        "data_staleness": data_staleness,
        "api_unavailable": api_unavailable,
        "price_divergence": price_divergence,
    }
)
RULE_NAMES: tuple[str, ...] = tuple(RULES)

__all__ = [
    "RULES",
    "RULE_NAMES",
    "ApiUnavailableLimits",
    "ConcentrationLimits",
    "DataStalenessLimits",
    "DeltaExposureLimits",
    "OrderRateLimits",
    "PortfolioDrawdownLimits",
    "PositionLimitLimits",
    "PriceDivergenceLimits",
    "RejectRateLimits",
    "RuleFunction",
    "RuleInputs",
    "StablecoinDepegLimits",
    "UnsettledExposureLimits",
]
