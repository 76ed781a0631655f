"""Balances per (account, asset), the part of them held by resting orders, and every change.

Money only moves between accounts (`move`), never appears or vanishes, so each asset's total
over all accounts, the house's included, stays what it opened at.
"""

from collections import defaultdict
from collections.abc import Iterable
from itertools import repeat

import numpy as np
from numpy.typing import NDArray

from simulators.columns import float64s, int64s

Change = tuple[int, str, str, float]  # ts_us, account_id, asset, balance after
# Every change as columns: ts_us, account_id, asset, balance after.
ChangeColumns = tuple[NDArray[np.int64], list[str], list[str], NDArray[np.float64]]


class Ledger:
    def __init__(self, opening: Iterable[tuple[str, str, float]], start_us: int) -> None:
        self._balance: dict[tuple[str, str], float] = defaultdict(float)
        self._held: dict[tuple[str, str], float] = defaultdict(float)
        self.opening: list[Change] = []
        # Every move, as columns: ts_us, source, target, asset, then the source's and the
        # target's balance after (a move is two changes at one instant in one asset). Moves are
        # the engine's busiest record; simulators/exchange/records.py says why columns.
        self._move_ts: list[int] = []
        self._move_source: list[str] = []
        self._move_target: list[str] = []
        self._move_asset: list[str] = []
        self._source_after: list[float] = []
        self._target_after: list[float] = []
        for account, asset, amount in opening:
            self._balance[(account, asset)] += amount
        for (account, asset), amount in sorted(self._balance.items()):
            self.opening.append((start_us, account, asset, amount))

    def balance(self, account: str, asset: str) -> float:
        return self._balance.get((account, asset), 0.0)

    def balances_at(self, keys: Iterable[tuple[str, str]]) -> list[float]:
        """`balance` of each (account, asset) of `keys`: a caller that asks for the same ones
        again and again builds its keys once."""
        # `map`, not a comprehension: no frame per call
        return list(map(self._balance.get, keys, repeat(0.0)))

    def available(self, account: str, asset: str) -> float:
        key = (account, asset)
        return self._balance.get(key, 0.0) - self._held.get(key, 0.0)

    def hold(self, account: str, asset: str, amount: float) -> None:
        self._held[(account, asset)] += amount

    def release(self, account: str, asset: str, amount: float) -> None:
        key = (account, asset)
        self._held[key] = max(self._held[key] - amount, 0.0)

    def move(self, ts_us: int, source: str, target: str, asset: str, amount: float) -> None:
        if amount == 0:
            return
        # two accounts, written out: a move per fill leg and fee, the engine's busiest call
        balance = self._balance
        key = (source, asset)
        source_after = balance[key] + -amount
        balance[key] = source_after
        key = (target, asset)
        target_after = balance[key] + amount
        balance[key] = target_after
        self._move_ts.append(ts_us)
        self._move_source.append(source)
        self._move_target.append(target)
        self._move_asset.append(asset)
        self._source_after.append(source_after)
        self._target_after.append(target_after)

    def changes(self) -> ChangeColumns:
        """Every change in the order it happened, as columns (ts_us, account_id, asset, balance
        after): the opening balances, then each move's source and target."""
        opening = len(self.opening)
        moves = len(self._move_ts)
        ts = np.empty(opening + 2 * moves, dtype=np.int64)
        balances = np.empty(opening + 2 * moves, dtype=np.float64)
        accounts: list[str] = [account for _, account, _, _ in self.opening] + [""] * (2 * moves)
        assets: list[str] = [asset for _, _, asset, _ in self.opening] + [""] * (2 * moves)
        ts[:opening] = [at for at, _, _, _ in self.opening]
        balances[:opening] = [amount for _, _, _, amount in self.opening]
        first, second = slice(opening, None, 2), slice(opening + 1, None, 2)
        ts[first] = ts[second] = int64s(self._move_ts)
        accounts[first], accounts[second] = self._move_source, self._move_target
        assets[first] = assets[second] = self._move_asset
        balances[first] = float64s(self._source_after)
        balances[second] = float64s(self._target_after)
        return ts, accounts, assets, balances

    def balances(self) -> dict[tuple[str, str], float]:
        """Every (account, asset) balance, the house accounts' included."""
        return dict(self._balance)

    def totals(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for (_, asset), amount in self._balance.items():
            out[asset] += amount
        return dict(out)

    def gross(self) -> dict[str, float]:
        """Sum of absolute balances per asset: the scale float error is measured against."""
        out: dict[str, float] = defaultdict(float)
        for (_, asset), amount in self._balance.items():
            out[asset] += abs(amount)
        return dict(out)
