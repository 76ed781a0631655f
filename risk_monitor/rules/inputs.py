"""What a rule is given: the evaluation grid and the checked prod tables, with point-in-time views
over them. Views shared by several rules are computed once."""

from dataclasses import dataclass
from functools import cached_property

import polars as pl

from risk_monitor.point_in_time import latest_visible
from risk_monitor.prices import USD, UsdQuotes

BALANCE_KEY = ("account_id", "venue", "asset")


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

    @cached_property
    def asset_worth(self) -> pl.DataFrame:
        """ts × (account_id, asset) → the account's position in that asset, in USD, over all
        venues; ordered by ts, then key.

        Columns: worth (Σ balance × USD price of the visible balances), visible (some balance is
        visible), priced (every visible non-zero balance has a visible price). worth means
        something only where visible and priced; a partial sum would understate the position.
        Raises InputContractError if a held asset has no USD pair at all.
        """
        # an asset whose balance is zero everywhere needs no price: it contributes nothing
        self.usd_quotes.require(self.assets_in_balances(held_only=True))
        balance, worth = pl.col("balance"), pl.col("worth")
        return (
            self.usd_quotes.attach(self.visible_balances)
            .with_columns(
                worth=pl.when(balance == 0)
                .then(pl.lit(0.0))
                .otherwise(balance * pl.col("usd_price"))
            )
            .group_by("ts", "account_id", "asset", maintain_order=True)
            .agg(
                worth=worth.sum(),
                visible=balance.is_not_null().any(),
                priced=(balance.is_null() | worth.is_not_null()).all(),
            )
        )

    def assets_in_balances(self, *, held_only: bool) -> list[str]:
        """Assets that appear in the balances table (with a non-zero balance, if `held_only`)."""
        rows = self.account_balances
        if held_only:
            rows = rows.filter(pl.col("balance") != 0)
        return sorted(rows["asset"].unique())


def account_totals(asset_worth: pl.DataFrame, **totals: pl.Expr) -> pl.DataFrame:
    """Per ts × account_id, `totals` aggregated over the rows of `asset_worth`, null unless some
    balance of the account is visible and every one visible is priced; ordered by ts, account."""
    known = pl.col("visible").any() & pl.col("priced").all()
    return asset_worth.group_by("ts", "account_id", maintain_order=True).agg(
        **{name: pl.when(known).then(total) for name, total in totals.items()}
    )


def is_usd(asset: pl.Expr) -> pl.Expr:
    """True for the unit of account, which has no price risk and no position limit."""
    return asset == USD
