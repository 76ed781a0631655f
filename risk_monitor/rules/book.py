"""The accounts' holdings and their USD worth at every evaluation time, as time × holding
matrices (see `dense.py`): the views portfolio_drawdown, position_limit, delta_exposure and
concentration share, and stablecoin_depeg's exposure.

A balance key is (account_id, venue, asset): one account on two venues holds two balances of an
asset. A holding is (account_id, asset), its venues added up; holdings are ordered as they first
appear among the sorted balance keys, and accounts as they first appear among the holdings.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from risk_monitor.dense import grid_times, grouped_compensated_sum, step_on_grid
from risk_monitor.point_in_time import published_steps
from risk_monitor.prices import UsdQuotes
from risk_monitor.rule_blocks import SignalBlock

_BAND = 2048  # times worked on at a time

BALANCE_KEY = ("account_id", "venue", "asset")


@dataclass(frozen=True, eq=False)
class Balances:
    """Each balance key's balance visible at each evaluation time (and whether one is)."""

    keys: pl.DataFrame  # BALANCE_KEY, sorted
    balance: np.ndarray  # time × key
    seen: np.ndarray  # time × key

    @classmethod
    def on_grid(cls, account_balances: pl.DataFrame, grid: pl.DataFrame) -> "Balances":
        times = grid_times(grid)
        by_key = account_balances.partition_by(BALANCE_KEY, as_dict=True)
        keys = pl.DataFrame(
            sorted(by_key), schema=dict.fromkeys(BALANCE_KEY, pl.String), orient="row"
        )
        # filled key by key, so a key's column is contiguous: written column by column, a time ×
        # key matrix streams the whole matrix through the cache once per key
        balance = np.zeros((keys.height, times.size))
        seen = np.zeros((keys.height, times.size), dtype=bool)
        for i, key in enumerate(keys.iter_rows()):
            rows = by_key[key]
            at, value = published_steps(
                rows["available_at"].dt.epoch("us").to_numpy(),
                rows["ts"].dt.epoch("us").to_numpy(),
                rows["balance"].to_numpy(),
            )
            balance[i], seen[i] = step_on_grid(times, at, value)
        return cls(keys, np.ascontiguousarray(balance.T), np.ascontiguousarray(seen.T))

    def columns_of(self, **match: str) -> list[int]:
        """The keys' indices whose columns equal `match`, in key order."""
        names = list(match)
        wanted = tuple(match.values())
        return [i for i, row in enumerate(self.keys.select(names).iter_rows()) if row == wanted]


@dataclass(frozen=True, eq=False)
class Book:
    """Per holding (account_id, asset) at each time: worth (Σ balance × USD price over its
    venues' visible balances, 0 with none), visible (some balance is), priced (every visible
    non-zero balance has a visible price). worth means something only where visible and priced:
    a partial sum would understate the position."""

    grid: pl.DataFrame
    holdings: pl.DataFrame  # account_id, asset
    worth: np.ndarray
    visible: np.ndarray
    priced: np.ndarray

    @classmethod
    def value(cls, balances: Balances, quotes: UsdQuotes, grid: pl.DataFrame) -> "Book":
        times = grid_times(grid)
        holdings = balances.keys.select("account_id", "asset").unique(maintain_order=True)
        # each holding's balance keys, in key order
        index = {holding: h for h, holding in enumerate(holdings.iter_rows())}
        venues: list[list[int]] = [[] for _ in index]
        key_assets = []
        for k, (account, _, asset) in enumerate(balances.keys.iter_rows()):
            venues[index[(account, asset)]].append(k)
            key_assets.append(asset)
        assets = sorted(set(key_assets))
        quoted = [quotes.on_grid(times, asset) for asset in assets]
        column = np.array([assets.index(asset) for asset in key_assets], dtype=np.intp)
        shape = (times.size, len(assets))
        prices = np.column_stack([p for p, _ in quoted]) if quoted else np.zeros(shape)
        has_prices = (
            np.column_stack([q for _, q in quoted]) if quoted else np.zeros(shape, dtype=bool)
        )
        worth = np.empty((times.size, len(venues)))
        visible = np.empty(worth.shape, dtype=bool)
        priced = np.empty(worth.shape, dtype=bool)
        # band by band of times, so each step's matrices are still in cache for the next
        for top in range(0, times.size, _BAND):
            rows = slice(top, top + _BAND)
            balance, seen = balances.balance[rows], balances.seen[rows]
            zero = balance == 0
            # nothing held needs no price; the product is 0 exactly, as a partial sum is not
            terms = np.where(zero, 0.0, balance * prices[rows][:, column])
            known = seen & (zero | has_prices[rows][:, column])
            worth[rows] = grouped_compensated_sum(terms, venues, known)
            visible[rows] = _any(seen, venues)
            priced[rows] = ~_any(seen & ~known, venues)
        return cls(grid, holdings, worth, visible, priced)

    @cached_property
    def accounts(self) -> list[tuple[str, list[int]]]:
        """Each account and its holdings' columns, in order."""
        columns: dict[str, list[int]] = {}
        for h, account in enumerate(self.holdings["account_id"]):
            columns.setdefault(account, []).append(h)
        return list(columns.items())

    @cached_property
    def _groups(self) -> list[list[int]]:
        return [holdings for _, holdings in self.accounts]

    def per_account(self, values: np.ndarray) -> np.ndarray:
        """Σ over each account's holdings of `values` (time × holding), time × account."""
        return grouped_compensated_sum(values, self._groups)

    def largest(self, values: np.ndarray, among: np.ndarray) -> np.ndarray:
        """Max over each account's holdings `among` (a bool per holding) of `values` (time ×
        holding), time × account; 0 for an account with none of them."""
        chosen = [[h for h in hs if among[h]] for hs in self._groups]
        return _reduce_groups(np.maximum, values, chosen, 0.0)

    def known(self, priced: np.ndarray | None = None) -> np.ndarray:
        """time × account: some balance of the account is visible and every one visible is
        priced (`priced` instead of the book's own, if given): its totals mean something."""
        if priced is None:
            return self._known
        return np.asarray(self._some_visible & ~_any(~priced, self._groups))

    @cached_property
    def _some_visible(self) -> np.ndarray:
        return _any(self.visible, self._groups)

    @cached_property
    def _known(self) -> np.ndarray:
        """known() with the book's own prices, which most rules read: read-only, as shared."""
        known = self.known(self.priced)
        known.flags.writeable = False
        return known

    def account_signal(
        self, value: np.ndarray, known: np.ndarray, armed: np.ndarray | None = None
    ) -> SignalBlock:
        """A signal per account (subject = account_id), time × account; armed throughout
        unless `armed` says otherwise."""
        accounts = tuple(account for account, _ in self.accounts)
        armed = np.ones(value.shape, dtype=bool) if armed is None else armed
        return SignalBlock(accounts, accounts, value, known, armed)


def _any(matrix: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """time × group: whether any of the group's columns of `matrix` (bool) holds."""
    return _reduce_groups(np.logical_or, matrix, groups, False)


def _reduce_groups(
    ufunc: np.ufunc, matrix: np.ndarray, groups: list[list[int]], empty: float | bool
) -> np.ndarray:
    """time × group: `ufunc` over each group's columns of `matrix`, `empty` for a group of
    none. Every group at once, its i-th column at step i: a gather and an operation over all
    groups per step, where one group at a time reduces short rows. A group shorter than others
    repeats its last column, which `ufunc` must ignore (max, or: x op x = x)."""
    out = np.full((matrix.shape[0], len(groups)), empty, dtype=matrix.dtype)
    some = [g for g, columns in enumerate(groups) if columns]
    if not some:
        return out
    depth = max(len(groups[g]) for g in some)
    steps = [[groups[g][min(i, len(groups[g]) - 1)] for g in some] for i in range(depth)]
    for top in range(0, matrix.shape[0], _BAND):  # a band of times at a time stays in cache
        band = matrix[top : top + _BAND]
        reduced = np.take(band, steps[0], axis=1)
        for columns in steps[1:]:
            ufunc(reduced, np.take(band, columns, axis=1), out=reduced)
        out[top : top + _BAND, some] = reduced
    return out
