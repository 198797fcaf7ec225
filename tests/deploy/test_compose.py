"""The deployment files, checked by parsing them (no Docker needed) and against the service
registry (`services/registry.py`): each service of the registry in the compose file, wired to the
broker, its own database and its registry port; every mounted file present; Prometheus scraping
every service; the dashboard offering every service and querying only the provisioned datasource
and metrics the code exports; the image exposing every port."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from kernel import metrics
from services.registry import EVENT_SOURCES, SERVICES

ROOT = Path(__file__).resolve().parents[2]
APPS = SERVICES.names
BACKENDS = EVENT_SOURCES
GRAFANA = ROOT / "deploy" / "grafana"


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


@pytest.fixture(scope="module")
def init_sql() -> str:
    return (ROOT / "deploy" / "postgres" / "init.sql").read_text(encoding="utf-8")


def environment(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return env


def depends_on(service: dict) -> dict:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def app_port(services: dict, name: str) -> int:
    value = environment(services[name]).get(f"{name.upper()}_PORT")
    assert value is not None, f"{name} does not set {name.upper()}_PORT"
    return int(value)


def panels(dashboard: dict):
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def test_broker_and_database_are_in_the_stack(services):
    assert "rabbitmq" in services
    assert "postgres" in services
    assert "healthcheck" in services["rabbitmq"]
    assert "healthcheck" in services["postgres"]


@pytest.mark.parametrize("name", APPS)
def test_each_app_builds_from_the_repository_and_serves_its_name(services, name):
    assert name in services, f"{name} is missing from docker-compose.yml"
    service = services[name]
    build = service.get("build")
    context = build.get("context") if isinstance(build, dict) else build
    assert context in (".", "./"), f"{name} does not build from the repository root"
    command = service.get("command")
    if isinstance(command, str):
        command = shlex.split(command)
    assert command == [name], f"{name} runs `serve {command}`"


@pytest.mark.parametrize("name", APPS)
def test_each_app_reaches_the_broker_in_the_stack(services, name):
    uri = environment(services[name]).get("AMQP_URI")
    assert uri, f"{name} has no AMQP_URI"
    assert urlsplit(uri).hostname == "rabbitmq"


@pytest.mark.parametrize("name", APPS)
def test_each_app_waits_for_a_healthy_broker_and_database(services, name):
    deps = depends_on(services[name])
    assert deps.get("rabbitmq") == "service_healthy"
    assert deps.get("postgres") == "service_healthy"


def test_each_backend_has_its_own_database_created_by_init_sql(services, init_sql):
    created = set(re.findall(r"CREATE DATABASE\s+(\w+)", init_sql, re.IGNORECASE))
    roles = dict(re.findall(r"CREATE ROLE\s+(\w+)\s+.*?PASSWORD\s+'([^']*)'", init_sql,
                            re.IGNORECASE))
    databases = {}
    for name in BACKENDS:
        url = environment(services[name]).get(f"{name.upper()}_DATABASE_URL")
        assert url, f"{name} has no {name.upper()}_DATABASE_URL"
        parts = urlsplit(url)
        assert parts.scheme == "postgresql", url
        assert parts.hostname == "postgres", url
        database = parts.path.lstrip("/")
        assert database in created, f"{name}'s database {database!r} is not created by init.sql"
        assert roles.get(parts.username) == parts.password, (
            f"{name} logs in as {parts.username!r}, which init.sql does not create with that "
            "password")
        databases[name] = database
    assert len(set(databases.values())) == len(BACKENDS), f"services share a database: {databases}"


def test_the_gateway_has_no_database_of_its_own(services):
    assert not any(key.endswith("_DATABASE_URL") for key in environment(services["gateway"]))


@pytest.mark.parametrize("name", APPS)
def test_each_app_listens_on_its_registry_port(services, name):
    assert app_port(services, name) == SERVICES[name].port


def test_the_compose_file_runs_nothing_the_registry_does_not_know(services):
    infrastructure = {"rabbitmq", "postgres", "prometheus", "grafana"}
    assert set(services) - infrastructure == set(APPS)


def test_the_gateway_starts_after_every_backend(services):
    deps = depends_on(services["gateway"])
    for name in BACKENDS:
        assert deps.get(name) == "service_healthy", f"the gateway does not wait for {name}"


@pytest.mark.parametrize("name", APPS)
def test_each_app_health_check_asks_healthz_on_its_port(services, name):
    test = services[name]["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert f":{app_port(services, name)}/healthz" in command


def test_the_image_exposes_every_registry_port():
    exposed = set()
    for keyword, arguments in dockerfile_instructions():
        if keyword == "EXPOSE":
            exposed.update(int(port.split("/")[0]) for port in arguments.split())
    assert exposed == {entry.port for entry in SERVICES}


def test_the_published_ports(services):
    def published(name):
        # "host:container" or "address:host:container"
        return dict(str(port).split(":")[-2:] for port in services[name].get("ports", []))

    assert published("gateway").get("8000") == str(app_port(services, "gateway"))
    assert published("grafana").get("3000") == "3000"
    assert published("prometheus").get("9090") == "9090"
    # The broker, its management included, is reached from inside the compose network only.
    assert "ports" not in services["rabbitmq"]


def test_every_mounted_local_file_is_in_the_repository(services):
    mounted = []
    for service in services.values():
        for volume in service.get("volumes", []):
            if isinstance(volume, dict):
                if volume.get("type") == "bind":
                    mounted.append(volume["source"])
            elif volume.startswith((".", "/", "~")):
                mounted.append(volume.split(":", 1)[0])
    assert "./deploy/postgres/init.sql" in mounted
    missing = [source for source in mounted if not (ROOT / source).exists()]
    assert not missing, f"mounted but not in the repository: {missing}"


def test_prometheus_scrapes_every_app_at_its_compose_port(services):
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text("utf-8"))
    targets = set()
    for job in config["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics", job["job_name"]
        for static in job.get("static_configs", []):
            targets.update(static["targets"])
    for name in APPS:
        assert f"{name}:{app_port(services, name)}" in targets, f"{name} is not scraped"


@pytest.fixture(scope="module")
def datasource_uid() -> str:
    provisioning = yaml.safe_load(
        (GRAFANA / "provisioning/datasources/prometheus.yml").read_text("utf-8"))
    [prometheus] = [d for d in provisioning["datasources"] if d["type"] == "prometheus"]
    return prometheus["uid"]


@pytest.fixture(scope="module")
def dashboard() -> dict:
    return json.loads((GRAFANA / "dashboards/huiqi.json").read_text("utf-8"))


def test_grafana_loads_the_dashboard_from_where_it_is_mounted(services):
    providers = yaml.safe_load(
        (GRAFANA / "provisioning/dashboards/dashboards.yml").read_text("utf-8"))["providers"]
    mounts = {volume.split(":")[1]: volume.split(":")[0]
              for volume in services["grafana"]["volumes"] if volume.startswith(".")}
    for provider in providers:
        source = mounts.get(provider["options"]["path"])
        assert source is not None, f"nothing is mounted at {provider['options']['path']}"
        assert (ROOT / source / "huiqi.json").is_file()


def test_the_dashboard_offers_every_service(dashboard):
    [variable] = [v for v in dashboard["templating"]["list"] if v["name"] == "service"]
    assert set(variable["query"].split(",")) == set(APPS)
    offered = {option["value"] for option in variable["options"] if option["value"] != "$__all"}
    assert offered == set(APPS)


def test_every_panel_queries_the_provisioned_datasource(dashboard, datasource_uid):
    queried = [panel for panel in panels(dashboard) if panel.get("targets")]
    assert queried, "the dashboard has no queries"
    for panel in queried:
        assert panel.get("datasource", {}).get("uid") == datasource_uid, panel["title"]
        for target in panel["targets"]:
            assert target.get("datasource", {}).get("uid", datasource_uid) == datasource_uid, (
                panel["title"])


def exported_names() -> set[str]:
    """The series names a scrape shows: a Counter's name is stored without `_total`."""
    names = set()
    for collector in vars(metrics).values():
        if isinstance(collector, MetricWrapperBase):
            for family in collector.describe():
                names.add(f"{family.name}_total" if family.type == "counter" else family.name)
    return names


def test_exported_names_are_what_a_scrape_shows():
    names = exported_names()
    assert "huiqi_commands_total" in names
    assert "huiqi_command_seconds" in names
    assert "huiqi_relay_lag_events" in names


def test_every_metric_on_the_dashboard_is_exported(dashboard):
    exported = exported_names()
    used = set()
    for panel in panels(dashboard):
        for target in panel.get("targets", []):
            for name in re.findall(r"huiqi_[a-z_]+", target.get("expr", "")):
                used.add(re.sub(r"_(bucket|count|sum)$", "", name))
    assert used, "no panel queries a huiqi metric"
    assert used <= exported, f"not exported by kernel/metrics.py: {sorted(used - exported)}"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def test_the_image_serves_one_named_service_on_every_interface():
    instructions = dockerfile_instructions()
    [entrypoint] = [arguments for keyword, arguments in instructions if keyword == "ENTRYPOINT"]
    assert json.loads(entrypoint)[-3:] == ["-m", "huiqi", "serve"]
    env = {}
    for keyword, arguments in instructions:
        if keyword == "ENV":
            env.update(item.partition("=")[::2] for item in shlex.split(arguments))
    assert env.get("HUIQI_BIND") == "0.0.0.0"
