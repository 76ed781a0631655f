"""Bad inputs stop the run with the row or window named."""

from datetime import timedelta

import pytest

from simulators.custodian import simulate_custodian
from tests.unit.simulators.custodian.kit import (
    HOUR,
    MINUTE,
    START,
    fill,
    fills_frame,
    instruction,
    instructions_frame,
    links,
    opening,
    run,
    window,
)


@pytest.mark.parametrize(
    ("chaos", "message"),
    [
        (window("downtime", HOUR, 2 * HOUR), "not a custodian kind"),
        (window("settlement_delay", HOUR, 2 * HOUR, by="soon"), "params.by"),
        (window("settlement_rejects", HOUR, 2 * HOUR, fraction=1.5), "in (0, 1]"),
        (window("partial_settlement", HOUR, 2 * HOUR), "params.fraction"),
        (window("custodian_offline", 2 * HOUR, HOUR), "is not after start"),
    ],
)
def test_a_bad_chaos_window_is_named(chaos: object, message: str) -> None:
    with pytest.raises(ValueError, match="chaos window 'inj'") as error:
        run([], chaos=[chaos])  # type: ignore[list-item]
    assert message in str(error.value)


def test_a_delay_may_be_given_as_a_timedelta() -> None:
    delay = window("settlement_delay", HOUR, 3 * HOUR, by=timedelta(minutes=30))
    result = run([fill(MINUTE)], chaos=[delay])
    assert set(result.settlements["settled_at"]) == {START + 2 * HOUR + 30 * MINUTE}
    assert result.chaos_events["params"][0] == '{"by": "30m"}'


def test_fills_of_an_unlinked_exchange_account_are_refused() -> None:
    with pytest.raises(ValueError, match="no link settles: ex_b"):
        run([fill(MINUTE, account_id="ex_b")])


def test_fills_outside_the_run_are_refused() -> None:
    with pytest.raises(ValueError, match="inside the run"):
        run([fill(9 * HOUR)], hours=8)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (instruction(MINUTE, "x", "transfer", 1.0), "direction"),
        (instruction(MINUTE, "x", "deposit", -1.0), "positive"),
        (instruction(MINUTE, "x", "deposit", 1e-12), "below the asset's unit"),
        (instruction(9 * HOUR, "x", "deposit", 1.0), "outside the run"),
    ],
)
def test_a_bad_instruction_is_named(row: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match="instruction 'x'") as error:
        run([], instructions=[row])
    assert message in str(error.value)


def test_an_exchange_account_settles_into_one_custody_account_only() -> None:
    with pytest.raises(ValueError, match="linked to more than one"):
        simulate_custodian(
            fills_frame([]),
            opening(),
            links({"ex_a": "cust_a"}).vstack(links({"ex_a": "cust_b"})),
            instructions_frame([instruction(MINUTE, "d", "deposit", 1.0)]),
            [],
            START,
            START + HOUR,
            1,
        )
