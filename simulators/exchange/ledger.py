"""Balances per (account, asset), the part of them held by resting orders, and every change.

Money only moves between accounts (`move`), never appears or vanishes, so each asset's total
over all accounts, the house's included, stays what it opened at.
"""

from collections import defaultdict
from collections.abc import Iterable

Change = tuple[int, str, str, float]  # ts_us, account_id, asset, balance after
# A move is two changes at one instant in one asset: ts_us, source, target, asset, then the
# source's and the target's balance after. One row where there were two: moves are the
# engine's busiest record.
Move = tuple[int, str, str, str, float, float]
ChangeColumns = tuple[list[int], list[str], list[str], list[float]]


class Ledger:
    def __init__(self, opening: Iterable[tuple[str, str, float]], start_us: int) -> None:
        self._balance: dict[tuple[str, str], float] = defaultdict(float)
        self._held: dict[tuple[str, str], float] = defaultdict(float)
        self.opening: list[Change] = []
        self.moves: list[Move] = []
        for account, asset, amount in opening:
            self._balance[(account, asset)] += amount
        for (account, asset), amount in sorted(self._balance.items()):
            self.opening.append((start_us, account, asset, amount))

    def balance(self, account: str, asset: str) -> float:
        return self._balance.get((account, asset), 0.0)

    def balances_of(self, account: str, assets: Iterable[str]) -> list[float]:
        """`balance` of each of `assets`, in one call."""
        balance = self._balance
        return [balance.get((account, asset), 0.0) for asset in assets]

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
        self.moves.append((ts_us, source, target, asset, source_after, target_after))

    def changes(self) -> ChangeColumns:
        """Every change in the order it happened, as columns (ts_us, account_id, asset, balance
        after): the opening balances, then each move's source and target."""
        opening = [list(column) for column in zip(*self.opening, strict=True)] or [[], [], [], []]
        ts: list[int] = opening[0] + [0] * (2 * len(self.moves))
        accounts: list[str] = opening[1] + [""] * (2 * len(self.moves))
        assets: list[str] = opening[2] + [""] * (2 * len(self.moves))
        balances: list[float] = opening[3] + [0.0] * (2 * len(self.moves))
        if self.moves:
            at, source, target, asset, source_after, target_after = zip(*self.moves, strict=True)
            first, second = slice(len(self.opening), None, 2), slice(len(self.opening) + 1, None, 2)
            ts[first], ts[second] = at, at
            accounts[first], accounts[second] = source, target
            assets[first], assets[second] = asset, asset
            balances[first], balances[second] = source_after, target_after
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
