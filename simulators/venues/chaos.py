"""A chaos backdoor as the venue simulators see it: a kind, a time window and its parameters.

The scenario layer resolves injections into these; the simulators never read scenario files.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ChaosWindow:
    injection_id: str
    kind: str  # e.g. latency_spike, order_rejects, spread_widening, downtime, settlement_delay
    start: datetime
    end: datetime  # exclusive; the scenario end when the injection never recovers
    params: dict[str, Any] = field(default_factory=dict)

    def active(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
