"""Long price tables turned wide: one row per time, one column per pair or asset.

`DataFrame.pivot` hashes every row to place it. A replay's series all share one time grid, so
each is already a whole column: cut the sorted long table at its series and set them side by
side. Anything else (series on different grids, gaps, repeats) goes through `pivot`, which
leaves the nulls the callers name as gaps.
"""

import polars as pl


def wide_on_shared_grid(
    long: pl.DataFrame, on: str, index: str, values: list[str], separator: str = "_"
) -> pl.DataFrame:
    """`long.pivot(on=on, index=index, values=values, maintain_order=True).sort(index)`, with
    columns named as `pivot` names them: the series' name alone for one value column,
    `{value}{separator}{series}` for several."""
    parts = long.partition_by(on, maintain_order=True, as_dict=True)
    grids = [part.get_column(index) for part in parts.values()]
    if not grids or not _one_strict_grid(grids):
        return long.pivot(
            on=on, index=index, values=values, separator=separator, maintain_order=True
        ).sort(index)

    def named(value: str, series: str) -> str:
        return series if len(values) == 1 else f"{value}{separator}{series}"

    columns = [
        part.get_column(value).alias(named(value, str(key)))
        for value in values
        for (key,), part in parts.items()
    ]
    return pl.DataFrame([grids[0], *columns])


def _one_strict_grid(grids: list[pl.Series]) -> bool:
    first = grids[0]
    n = first.len()
    if first.null_count() or not (first.slice(1) > first.slice(0, n - 1)).all():
        return False
    return all(grid.equals(first) for grid in grids[1:])
