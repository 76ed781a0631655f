"""What a rule is given: the evaluation grid and the checked prod tables, with point-in-time views
over them. Views shared by several rules are computed once."""

from dataclasses import dataclass
from functools import cached_property

import polars as pl

from risk_monitor.point_in_time import latest_visible
from risk_monitor.prices import UsdQuotes

BALANCE_KEY = ("account_id", "venue", "asset")


@dataclass(frozen=True, eq=False)
class RuleInputs:
    """The grid (`ts`) and the prod tables, already checked against the input contract."""

    grid: pl.DataFrame
    market_ticks: pl.DataFrame
    account_balances: pl.DataFrame
    settlements: pl.DataFrame

    @cached_property
    def visible_balances(self) -> pl.DataFrame:
        """ts × (account_id, venue, asset) → balance visible at ts, null before the first one;
        ordered by ts, then key.

        Keyed by venue too: one account on two venues holds two separate balances of an asset.
        """
        return latest_visible(self.account_balances, self.grid, BALANCE_KEY, ["balance"])

    @cached_property
    def usd_quotes(self) -> UsdQuotes:
        """Published USD quotes, to price any frame with ts and asset columns."""
        return UsdQuotes.from_ticks(self.market_ticks)

    def assets_in_balances(self, *, held_only: bool) -> list[str]:
        """Assets that appear in the balances table (with a non-zero balance, if `held_only`)."""
        rows = self.account_balances
        if held_only:
            rows = rows.filter(pl.col("balance") != 0)
        return sorted(rows["asset"].unique())
