"""Books in integer smallest units, so a transfer moves exactly what it says, to the last unit.

Floats cannot conserve: `a - x + (b + x)` need not equal `a + b`. The custodian keeps every
balance and obligation as an int (10^-places of the asset, satoshis for BTC at 8) and converts to
whole-unit floats only at the edge; for balances below ~4·10^7 whole units at 8 places, converting
a published float back with `to_units` gives the exact integer again.
"""

import polars as pl


def to_units(amount: float, places: int) -> int:
    return round(amount * _scale(places))


def to_amount(units: int, places: int) -> float:
    return units / _scale(places)


def units_expr(amount: pl.Expr, places: pl.Expr) -> pl.Expr:
    """Vectorised `to_units`: both round half to even."""
    return (amount * pl.lit(10.0).pow(places)).round(0, mode="half_to_even").cast(pl.Int64())


def amount_expr(units: pl.Expr, places: pl.Expr) -> pl.Expr:
    return units.cast(pl.Float64()) / pl.lit(10.0).pow(places)


def _scale(places: int) -> int:
    scale: int = 10**places  # typeshed cannot know the exponent is not negative
    return scale
