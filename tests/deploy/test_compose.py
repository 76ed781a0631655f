"""deploy/compose.yaml, checked without Docker Hub: every host path it mounts is in the repository
or made by `make deploy-data`, Grafana's provisioning paths meet the mounts, the datasource
reaches the Prometheus service, images are pinned, and `docker compose config` accepts it where
Docker Compose is installed."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.project import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
# made by `make deploy-data` (Makefile), not kept in git
PRODUCED = {ROOT / "data" / "exports" / "tsdb"}
PINNED = re.compile(r"^[a-z0-9./-]+:v?\d+\.\d+\.\d+$")


def services() -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())["services"]
    return found


def mounts(service: str) -> dict[str, Path]:
    """Container path → host path, for the service's bind mounts."""
    found = {}
    for volume in services()[service].get("volumes", []):
        host, container = volume.split(":")[:2]
        assert host.startswith("."), f"{service}: {volume} is not a bind mount of the repository"
        found[container] = (DEPLOY / host).resolve()
    return found


def flags(service: str) -> dict[str, str]:
    pairs = (arg.removeprefix("--").split("=", 1) for arg in services()[service]["command"])
    return {key: value for key, value in pairs}


def test_every_mounted_host_path_is_in_the_repository_or_made_by_deploy_data() -> None:
    for service in services():
        for container, host in mounts(service).items():
            assert host.is_relative_to(ROOT), f"{service}: {host} is outside the repository"
            assert host.exists() or host in PRODUCED, f"{service}: {host} ({container}) missing"
    recipe = (ROOT / "Makefile").read_text().split("\ndeploy-data:", 1)[1].split("\n\n")[0]
    assert "--data-dir $(CURDIR)/data export metrics --all --tsdb" in recipe


def test_images_are_pinned_to_a_release() -> None:
    for name, service in services().items():
        assert PINNED.match(service["image"]), f"{name}: {service['image']} is not pinned"


def test_prometheus_serves_the_backfilled_blocks_with_its_config() -> None:
    served, where = flags("prometheus"), mounts("prometheus")
    assert where[served["storage.tsdb.path"]] == ROOT / "data" / "exports" / "tsdb"
    assert where[served["config.file"]].is_file()
    assert served["storage.tsdb.retention.time"] == "100y"


def test_grafana_provisioning_meets_its_mounts_and_the_prometheus_service() -> None:
    where = mounts("grafana")
    provisioning = where["/etc/grafana/provisioning"]
    assert provisioning == ROOT / "dashboards" / "provisioning"
    for path in (provisioning / "dashboards").glob("*.yml"):
        for provider in yaml.safe_load(path.read_text())["providers"]:
            boards = where[provider["options"]["path"]]
            assert sorted(boards.glob("*.json")), f"{path.name}: no dashboard in {boards}"

    (source,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    variable = re.fullmatch(r"\$\{(\w+)(:-[^}]*)?\}", source["url"])
    assert variable, source["url"]
    port = flags("prometheus")["web.listen-address"].rsplit(":", 1)[1]
    grafana_env = services()["grafana"]["environment"]
    assert grafana_env[variable.group(1)] == f"http://prometheus:{port}"
    assert "prometheus" in services()["grafana"]["depends_on"]

    used = set()
    for board in (ROOT / "dashboards" / "grafana").glob("*.json"):
        used |= datasource_uids(json.loads(board.read_text()))
    assert used == {source["uid"]}


def datasource_uids(node: object) -> set[str]:
    """Every `datasource: {uid}` a dashboard's panels, targets and variables name."""
    if isinstance(node, list):
        return set().union(*(datasource_uids(n) for n in node))
    if not isinstance(node, dict):
        return set()
    found = set().union(*(datasource_uids(v) for v in node.values()))
    source = node.get("datasource")
    if isinstance(source, dict) and isinstance(source.get("uid"), str):
        found.add(source["uid"])
    return found


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="Docker Compose is not installed (`docker compose version` fails)",
)
def test_docker_compose_accepts_the_file() -> None:
    checked = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
