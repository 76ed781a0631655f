"""Limits files: the shipped default, and every kind of bad file naming source and field path."""

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

import risk_monitor
from risk_monitor import RULE_NAMES, LimitsError, limits_from_mapping, parse_limits
from risk_monitor.limits import RulesLimits

DEFAULT_LIMITS = Path(risk_monitor.__file__).parent / "limits" / "default.yaml"
SOURCE = "limits/x.yaml"

VALID = """
version: 1
rules:
  portfolio_drawdown: {lookback: 24h, warning: 0.03, breach: 0.05}
  stablecoin_depeg: {assets: [USDT], warning: 0.005, breach: 0.01, min_exposure_usd: 10000}
"""


def problems(text: str) -> tuple[str, ...]:
    with pytest.raises(LimitsError) as raised:
        parse_limits(text, SOURCE)
    assert str(raised.value) == "\n".join(raised.value.problems)
    return raised.value.problems


def test_default_file_parses_to_the_documented_limits() -> None:
    limits = parse_limits(DEFAULT_LIMITS.read_text(), str(DEFAULT_LIMITS))

    assert limits.version == 1
    assert limits.evaluation.interval == timedelta(seconds=1)
    drawdown, depeg = limits.rules.portfolio_drawdown, limits.rules.stablecoin_depeg
    assert drawdown is not None
    assert (drawdown.lookback, drawdown.warning, drawdown.breach) == (
        timedelta(hours=24),
        0.03,
        0.05,
    )
    assert drawdown.clear_ratio == 0.8
    assert depeg is not None
    assert depeg.assets == ("USDT", "USDC")
    assert (depeg.warning, depeg.breach, depeg.min_exposure_usd) == (0.005, 0.01, 10000)


def test_defaults_fill_interval_and_clear_ratio() -> None:
    limits = parse_limits(VALID, SOURCE)

    assert limits.evaluation.interval == timedelta(seconds=1)
    assert limits.rules.portfolio_drawdown is not None
    assert limits.rules.portfolio_drawdown.clear_ratio == 0.8


def test_a_rule_missing_from_the_file_is_not_configured() -> None:
    limits = parse_limits(
        "version: 1\nrules:\n  stablecoin_depeg: " + VALID.split("depeg: ")[1], SOURCE
    )

    assert [name for name, _ in limits.rules.configured()] == ["stablecoin_depeg"]


def test_every_rule_in_the_registry_has_a_limits_section() -> None:
    assert tuple(RulesLimits.model_fields) == RULE_NAMES


def test_inline_mapping_accepts_timedeltas_like_a_file_accepts_text() -> None:
    limits = limits_from_mapping(
        {"version": 1, "evaluation": {"interval": timedelta(seconds=5)}}, "scenario.yaml: limits"
    )

    assert limits.evaluation.interval == timedelta(seconds=5)
    assert limits.rules.configured() == ()


def test_limits_are_frozen() -> None:
    limits = parse_limits(VALID, SOURCE)

    with pytest.raises(ValidationError):
        limits.rules = RulesLimits()  # type: ignore[misc]  # mypy knows it is frozen; so must pydantic


def test_unknown_rule_lists_the_known_ones() -> None:
    assert problems("version: 1\nrules:\n  foo: {warning: 1, breach: 2}\n") == (
        "limits/x.yaml: rules.foo: unknown rule 'foo'; known: api_unavailable, concentration, "
        "data_staleness, delta_exposure, order_rate, portfolio_drawdown, position_limit, "
        "price_divergence, reject_rate, stablecoin_depeg, unsettled_exposure",
    )


def test_warning_above_breach() -> None:
    assert problems(VALID.replace("warning: 0.03", "warning: 0.06")) == (
        "limits/x.yaml: rules.portfolio_drawdown.warning: must not exceed breach (0.05), got 0.06",
    )


def test_negative_limit() -> None:
    assert problems(VALID.replace("min_exposure_usd: 10000", "min_exposure_usd: -1")) == (
        "limits/x.yaml: rules.stablecoin_depeg.min_exposure_usd: must not be negative, got -1.0",
    )


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("24 hours", "expected a duration like '1s', '15m', '24h' or '2d', got '24 hours'"),
        ("0h", "must be positive, got '0h'"),
        ("-1h", "expected a duration like '1s', '15m', '24h' or '2d', got '-1h'"),
        ("86400", "expected a duration like '1s', '15m', '24h' or '2d', got 86400"),
    ],
)
def test_bad_duration(written: str, problem: str) -> None:
    assert problems(VALID.replace("lookback: 24h", f"lookback: {written}")) == (
        f"limits/x.yaml: rules.portfolio_drawdown.lookback: {problem}",
    )


@pytest.mark.parametrize("ratio", ["0", "1.5", "-0.2"])
def test_clear_ratio_outside_zero_to_one(ratio: str) -> None:
    assert problems(VALID.replace("breach: 0.05}", f"breach: 0.05, clear_ratio: {ratio}}}")) == (
        "limits/x.yaml: rules.portfolio_drawdown.clear_ratio: "
        f"must be in (0, 1], got {float(ratio)}",
    )


def test_unknown_key_lists_the_known_ones() -> None:
    assert problems(VALID.replace("lookback:", "lookbak: 1h, lookback:")) == (
        "limits/x.yaml: rules.portfolio_drawdown.lookbak: unknown key 'lookbak'; "
        "known: breach, clear_ratio, lookback, warning",
    )


def test_every_problem_is_listed_at_once() -> None:
    text = VALID.replace("warning: 0.03", "warning: -0.03").replace("[USDT]", "[]") + "extra: 1\n"

    assert problems(text) == (
        "limits/x.yaml: rules.portfolio_drawdown.warning: must not be negative, got -0.03",
        "limits/x.yaml: rules.stablecoin_depeg.assets: "
        "tuple should have at least 1 item after validation, not 0, got []",
        "limits/x.yaml: extra: unknown key 'extra'; known: evaluation, mandates, rules, version",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("rules: {}\n", "limits/x.yaml: version: required"),
        ("version: 2\n", "limits/x.yaml: version: input should be 1, got 2"),
        ("- 1\n", "limits/x.yaml: expected a mapping at the top level, got list"),
        ("", "limits/x.yaml: expected a mapping at the top level, got NoneType"),
        ("version: 1\nrules: [a]\n", "limits/x.yaml: rules: expected a mapping, got list"),
        (
            "version: 1\nevaluation: {interval: true}\n",
            "limits/x.yaml: evaluation.interval: "
            "expected a duration like '1s', '15m', '24h' or '2d', got True",
        ),
        (
            VALID.replace("0.005", "'0.005'"),
            "limits/x.yaml: rules.stablecoin_depeg.warning: "
            "input should be a valid number, got '0.005'",
        ),
    ],
)
def test_malformed_files(text: str, problem: str) -> None:
    assert problems(text) == (problem,)


def test_invalid_yaml_names_the_source_and_line() -> None:
    (problem,) = problems("version: 1\nrules: {portfolio_drawdown: [\n")

    assert problem.startswith("limits/x.yaml: not valid YAML:")
    assert "line" in problem


def test_duplicate_keys_are_refused_not_silently_overwritten() -> None:
    (problem,) = problems(VALID.replace("breach: 0.05}", "breach: 0.05, breach: 0.5}"))

    assert problem.startswith("limits/x.yaml: not valid YAML:")
    assert "duplicate key 'breach'" in problem


def test_default_file_configures_every_rule_with_durations_in_seconds() -> None:
    limits = parse_limits(DEFAULT_LIMITS.read_text(), str(DEFAULT_LIMITS))

    assert tuple(name for name, _ in limits.rules.configured()) == RULE_NAMES
    staleness, api = limits.rules.data_staleness, limits.rules.api_unavailable
    assert staleness is not None
    assert (staleness.warning, staleness.breach) == (30.0, 120.0)
    balances = staleness.per_source["account_balances"]
    assert (balances.warning, balances.breach) == (120.0, 300.0)
    assert api is not None
    assert (api.warning, api.breach) == (180.0, 600.0)
    assert limits.mandate_scope() == {"firm": None}


NEW_RULES = """
version: 1
rules:
  position_limit:
    warning: 100
    breach: 200
    per_asset: {BTC: {warning: 50, breach: 60}}
    per_account: {desk_a: {warning: 10, breach: 20}}
  data_staleness:
    warning: 30s
    breach: 2m
    per_source: {account_balances: {warning: 1m, breach: 5m}}
  reject_rate: {window: 5m, min_orders: 10, warning: 0.1, breach: 0.25}
  price_divergence:
    warning: 0.02
    breach: 0.05
    per_pair: {BTC-PERP/USD: {warning: 0.01, breach: 0.03}}
"""


def test_new_sections_parse() -> None:
    limits = parse_limits(NEW_RULES, SOURCE)

    position = limits.rules.position_limit
    assert position is not None
    assert position.per_asset["BTC"].breach == 60.0
    assert limits.rules.reject_rate is not None
    assert limits.rules.reject_rate.window == timedelta(minutes=5)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            ("{BTC: {warning: 50, breach: 60}}", "{BTC: {warning: 70, breach: 60}}"),
            "rules.position_limit.per_asset.BTC.warning: must not exceed breach (60.0), got 70.0",
        ),
        (
            ("{desk_a: {warning: 10, breach: 20}}", "{desk_a: {warning: 10, breach: -20}}"),
            "rules.position_limit.per_account.desk_a.breach: must not be negative, got -20.0",
        ),
        (
            ("{BTC: {warning: 50, breach: 60}}", "{BTC: {warning: 50, breach: 60, clear: 1}}"),
            "rules.position_limit.per_asset.BTC.clear: unknown key 'clear'; known: breach, warning",
        ),
        (
            ("warning: 30s", "warning: 3m"),
            "rules.data_staleness.warning: must not exceed breach (120.0 s), got 180.0 s",
        ),
        (
            ("warning: 30s", "warning: 30"),
            "rules.data_staleness.warning: "
            "expected a duration like '1s', '15m', '24h' or '2d', got 30",
        ),
        (
            ("{account_balances:", "{balances:"),
            "rules.data_staleness.per_source: unknown source 'balances'; "
            "known: market_ticks, account_balances",
        ),
        (
            ("min_orders: 10", "min_orders: 0"),
            "rules.reject_rate.min_orders: input should be greater than or equal to 1, got 0",
        ),
        (
            ("min_orders: 10", "min_orders: 2.5"),
            "rules.reject_rate.min_orders: input should be a valid integer, got 2.5",
        ),
        (
            ("{warning: 0.01, breach: 0.03}", "{warning: 0.04, breach: 0.03}"),
            "rules.price_divergence.per_pair.BTC-PERP/USD.warning: "
            "must not exceed breach (0.03), got 0.04",
        ),
    ],
)
def test_bad_new_sections(edit: tuple[str, str], problem: str) -> None:
    old, new = edit
    assert old in NEW_RULES

    assert problems(NEW_RULES.replace(old, new, 1)) == (f"{SOURCE}: {problem}",)
