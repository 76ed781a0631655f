"""Production mode: the monitor's rules run live on a polling loop over real APIs.

    exchange = CcxtExchange("binance", ["BTC/USDT"], api_key=..., secret=..., usd_proxy="USDT")
    metrics = MonitorMetrics()
    metrics.serve(9108)
    LiveMonitor([exchange], limits, interval=timedelta(seconds=1), metrics=metrics).run()

Imports ccxt, prometheus_client, polars and the standard library; nothing of ours outside
risk_monitor. See README.md, "Production mode".
"""

from risk_monitor.live.custodian import CustodianAdapter, CustodianPoller
from risk_monitor.live.exchange import CcxtExchange, monitor_pair
from risk_monitor.live.loop import AlertEvent, CycleReport, LiveMonitor, utc_now
from risk_monitor.live.metrics import MonitorMetrics
from risk_monitor.live.polling import Polled, PollSource

__all__ = [
    "AlertEvent",
    "CcxtExchange",
    "CustodianAdapter",
    "CustodianPoller",
    "CycleReport",
    "LiveMonitor",
    "MonitorMetrics",
    "PollSource",
    "Polled",
    "monitor_pair",
    "utc_now",
]
