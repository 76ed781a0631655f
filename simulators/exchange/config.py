"""Everything tunable about the simulated exchange, in one frozen, documented config."""

from dataclasses import dataclass, field
from datetime import timedelta

from simulators.accounts import BalanceApiLatency
from simulators.latency import Latency

BPS = 1e-4


@dataclass(frozen=True)
class OrderEntryLatency(Latency):
    """Client to matching engine: tens of milliseconds, a long tail under load."""

    median: timedelta = timedelta(milliseconds=15)
    sigma: float = 0.5
    cap: timedelta = timedelta(seconds=2)


@dataclass(frozen=True)
class OrderResponseLatency(Latency):
    """Matching engine to client: the ack or the websocket push of an order update."""

    median: timedelta = timedelta(milliseconds=25)
    sigma: float = 0.6
    cap: timedelta = timedelta(seconds=3)


@dataclass(frozen=True)
class BookCalibration:
    """How candles size the synthetic book (README, "Calibration").

    With `range` the trailing median of (high - low) / close and `volume` the trailing median
    candle volume in base units: half-spread = max(floor, spread_coef · range), level step =
    max(floor, step_coef · range), top level = depth_coef · volume · resolution / timeframe, and
    level i holds (1 + i) times the top level.
    """

    window: int = 60  # candles in the trailing median
    spread_coef: float = 0.05
    step_coef: float = 0.05
    floor_bps: float = 0.5  # about one price tick on a liquid major
    depth_coef: float = 1.0
    # Used when no candle series shares the pair's base asset (e.g. USDT/USD from Binance data).
    default_range_bps: float = 5.0
    default_level_notional: float = 50_000.0  # in quote units: assumes a USD-like quote


@dataclass(frozen=True)
class ExchangeConfig:
    venue: str = "exchange"
    levels: int = 40
    maker_fee_bps: float = 2.0
    taker_fee_bps: float = 5.0
    calibration: BookCalibration = field(default_factory=BookCalibration)
    # Each taker fill against synthetic depth moves the mid by impact_coef level steps per top
    # level's worth of quantity taken; the move halves every impact_half_life.
    impact_coef: float = 0.1
    impact_half_life: timedelta = timedelta(seconds=30)
    # Latency medians scale with recent over baseline realised volatility, up to
    # max_volatility_factor.
    volatility_half_life: timedelta = timedelta(minutes=1)
    volatility_baseline: timedelta = timedelta(hours=1)
    max_volatility_factor: float = 10.0
    entry_latency: OrderEntryLatency = field(default_factory=OrderEntryLatency)
    response_latency: OrderResponseLatency = field(default_factory=OrderResponseLatency)
    api_latency: BalanceApiLatency = field(default_factory=BalanceApiLatency)
    api_timeout: timedelta = timedelta(seconds=10)
    balance_endpoint: str = "GET /api/v3/account"
    poll_every: timedelta = timedelta(seconds=10)
    book_sample_every: timedelta = timedelta(seconds=10)
    book_sample_levels: int = 5
    # House accounts: fees collected, and the synthetic market that takes the other side of
    # fills against synthetic depth. With them, every asset's total across accounts is constant.
    fee_account: str = "exchange:fees"
    market_account: str = "exchange:market"

    def __post_init__(self) -> None:
        if self.levels < 1 or self.book_sample_levels < 1:
            raise ValueError("levels and book_sample_levels must be at least 1")
        if min(self.maker_fee_bps, self.taker_fee_bps) < 0:
            raise ValueError("fees must not be negative")
        if self.impact_coef < 0:
            raise ValueError(f"impact_coef must not be negative, got {self.impact_coef}")
        for name in (
            "impact_half_life",
            "volatility_half_life",
            "volatility_baseline",
            "poll_every",
            "api_timeout",
        ):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive")
        if self.book_sample_every <= timedelta(0):
            raise ValueError("book_sample_every must be positive")
        if self.max_volatility_factor < 1:
            raise ValueError("max_volatility_factor must be at least 1")

    @property
    def maker_fee(self) -> float:
        return self.maker_fee_bps * BPS

    @property
    def taker_fee(self) -> float:
        return self.taker_fee_bps * BPS

    @property
    def house_accounts(self) -> tuple[str, str]:
        return (self.fee_account, self.market_account)
