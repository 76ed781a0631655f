"""What a rule is given: the evaluation grid and the checked prod tables, with point-in-time views
over them. Views shared by several rules are computed once."""

from dataclasses import dataclass
from functools import cached_property

import polars as pl

from risk_monitor.prices import USD, UsdQuotes
from risk_monitor.rules.book import Balances, Book
from risk_monitor.rules.order_lifecycles import order_lifecycles


@dataclass(frozen=True, eq=False)
class RuleInputs:
    """The grid (`ts`) and the prod tables, already checked against the input contract."""

    grid: pl.DataFrame
    market_ticks: pl.DataFrame
    account_balances: pl.DataFrame
    settlements: pl.DataFrame
    exchange_orders: pl.DataFrame
    api_status: pl.DataFrame

    @cached_property
    def balances(self) -> Balances:
        """Each (account_id, venue, asset) balance visible at each evaluation time."""
        return Balances.on_grid(self.account_balances, self.grid)

    @cached_property
    def usd_quotes(self) -> UsdQuotes:
        """Published USD quotes, to price any frame with ts and asset columns."""
        return UsdQuotes.from_ticks(self.market_ticks)

    @cached_property
    def book(self) -> Book:
        """Each account's holdings and their USD worth at each evaluation time.
        Raises InputContractError if a held asset has no USD pair at all."""
        # an asset whose balance is zero everywhere needs no price: it contributes nothing
        self.usd_quotes.require(self.assets_in_balances(held_only=True))
        return Book.value(self.balances, self.usd_quotes, self.grid)

    @cached_property
    def order_lifecycles(self) -> pl.DataFrame:
        """One row per order: account_id, first_seen, rejected_seen (see order_lifecycles)."""
        return order_lifecycles(self.exchange_orders)

    def assets_in_balances(self, *, held_only: bool) -> list[str]:
        """Assets that appear in the balances table (with a non-zero balance, if `held_only`)."""
        rows = self.account_balances
        if held_only:
            rows = rows.filter(pl.col("balance") != 0)
        return sorted(rows["asset"].unique())


def is_usd(asset: pl.Expr) -> pl.Expr:
    """True for the unit of account, which has no price risk and no position limit."""
    return asset == USD
