"""Replay from the ledger alone: an appeal driven through its life by the tickets service in
process, the audit following it over RabbitMQ into its own ledger, on SQLite and PostgreSQL. At
each moment of the appeal's life the tickets service's view of it is recorded; the appeal replayed
from the audit's ledger as of that moment's time, and as of the ledger seq the moment stood at,
is that view, read from the database and from an exported ledger file alike. A changed or missing
entry is refused by name, and a time before the appeal was raised finds nothing.

Without a broker: an enterprise replayed as of each moment is its aggregate's snapshot then;
every stream folded at once is each stream replayed alone; the stream type table holds every
aggregate of every service."""
import argparse
import datetime as dt
import importlib
import json
import pkgutil
import time

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

import services
from bench import lives
from callers import assertion
from huiqi import replay as replay_command
from huiqi import streams
from huiqi.export import export as export_ledger
from kernel.actor import Actor
from kernel.aggregate import Aggregate
from kernel.database import make_engine
from kernel.envelope import Event, canonical_json, format_time, new_event_id, utc_now
from kernel.store import EventStore
from registered_units import known_units
from services.audit.chain import GENESIS, Entry
from services.audit.service import AuditService
from services.liaison.registry.domain import Enterprise, Park, Unit
from services.tickets.service import TicketsService
from services.tickets.appeals.appeal_view import AppealView

UNIT = "city-transport-bureau"
OFFICE = {"sub": "clerk-li", "role": "office"}
OFFICER = {"sub": "officer-xu", "role": "unit_officer", "unit": UNIT}
ENTERPRISE_USCC = "91360703MA37K8L9PN"
ENTERPRISE = {"sub": "ent-nankang", "role": "enterprise", "uscc": ENTERPRISE_USCC}
APPEAL = {"enterprise_name": "南康家具产业园某企业", "uscc": ENTERPRISE_USCC,
          "title": "实木家具出口检验周期长", "description": "出口检验排队超过十天，影响交货。",
          "channel": "hotline", "category": "logistics", "county": "nankang"}
OTHER = {"enterprise_name": "赣县稀土某企业", "uscc": "91360702MA35G0QX4J",
         "title": "用电增容审批慢", "description": "新厂房增容审批超过两个月。",
         "channel": "email", "category": "land_and_energy", "county": "ganxian"}

# The appeal's life: (who, action, fields); each step is one moment recorded.
LIFE = [
    (OFFICE, "dispatch", {"lead_unit": UNIT}),
    (OFFICER, "sign-for", {}),
    (OFFICE, "urge", {"message": "企业催问进度，请加快。"}),
    (OFFICER, "classify", {"way": "policy_available", "policies": ["赣市府发〔2016〕12号"],
                           "guidance": "按出口检验绿色通道办理。"}),
    (OFFICER, "progress", {"note": "已与海关对接，安排专人预检。"}),
    (OFFICER, "request-extension", {"working_days": 5, "reason": "需等待海关系统升级。"}),
    (OFFICE, "grant-extension", {}),
    (OFFICER, "resolve", {"summary": "检验周期缩短至三天。"}),
    (ENTERPRISE, "rate", {"rating": "unsatisfied", "comment": "仍需排队"}),
    (OFFICER, "resolve", {"summary": "开通预约检验，当天可检。"}),
    (ENTERPRISE, "rate", {"rating": "satisfied"}),
    (OFFICE, "close-off", {}),
]


@pytest.fixture
def stores(db_url, make_sqlite_url, make_pg_url):
    """tickets and audit each on a database of its own, of the kind under test."""
    second = make_sqlite_url() if db_url.startswith("sqlite") else make_pg_url()
    return db_url, second


def wait_until(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the audit did not catch up in time")
        time.sleep(0.1)


def args(stream_id: str, **options) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    replay_command.add_arguments(parser)
    argv = [stream_id]
    for name, value in options.items():
        argv += [f"--{name.replace('_', '-')}", str(value)]
    return parser.parse_args(argv)


def replayed(capsys, stream_id: str, **options) -> dict:
    capsys.readouterr()
    assert replay_command.run(args(stream_id, **options)) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    try:
        return json.loads(out)
    except ValueError:
        raise AssertionError(out[:2000])


def refused(capsys, stream_id: str, **options) -> str:
    capsys.readouterr()
    assert replay_command.run(args(stream_id, **options)) == 1
    return capsys.readouterr().err


def export(audit_engine, path) -> list[dict]:
    """The ledger exported by `huiqi export-ledger` (JSON lines of its entries' columns); the
    entries."""
    with audit_engine.connect() as connection:
        export_ledger(connection, path, quiet=True)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_appeal_replayed_from_the_ledger_is_its_view_at_every_moment(
        stores, container_factory, service_config, monkeypatch, capsys, tmp_path):
    tickets_url, audit_url = stores
    # The audit's signing key and witness directory of the test's own.
    monkeypatch.setenv("HUIQI_VAR_DIR", str(tmp_path / "var"))
    known_units(tickets_url, UNIT, service="tickets")
    container_factory(AuditService, service_config(audit_url)).start()
    container_factory(TicketsService, service_config(tickets_url)).start()

    before_raise = utc_now()
    moments = []  # (time, the view then)
    with ClusterRpcProxy(service_config()) as cluster:
        ticket_id = cluster.tickets.raise_appeal(assertion(ENTERPRISE), APPEAL)["id"]

        def moment():
            view = cluster.tickets.get_ticket(assertion(OFFICE), ticket_id)
            moments.append((utc_now(), view))
            time.sleep(0.002)  # the next command's facts occur strictly later

        moment()
        other_id = cluster.tickets.raise_appeal(assertion(OFFICE), OTHER)["id"]
        cluster.tickets.act(assertion(OFFICE), other_id, "dispatch", {"lead_unit": UNIT})
        for step, (who, action, fields) in enumerate(LIFE):
            cluster.tickets.act(assertion(who), ticket_id, action, fields)
            moment()
            if step % 3 == 0:  # another appeal's entries between this one's
                cluster.tickets.act(assertion(OFFICE), other_id, "urge",
                                    {"message": f"第{step}次催办"})
        cluster.tickets.set_route(assertion(OFFICE), {"category": "logistics",
                                                      "county": "nankang", "unit": UNIT})
        routes = cluster.tickets.routes(assertion(OFFICE))

    assert moments[-1][1]["status"] == "closed" and moments[-1][1]["reopen_count"] == 1
    assert len({view["version"] for _, view in moments}) == len(moments)

    tickets_engine, audit_engine = make_engine(tickets_url), make_engine(audit_url)
    logged = len(EventStore(tickets_engine).read_all(limit=1000))
    wait_until(lambda: len(export(audit_engine, tmp_path / "ledger.jsonl")) == logged)
    rows = export(audit_engine, tmp_path / "ledger.jsonl")
    tickets_engine.dispose()
    seq_of = {json.loads(row["event"])["version"]: row["seq"]
              for row in rows if row["stream_id"] == ticket_id}
    assert len(seq_of) == moments[-1][1]["version"]
    monkeypatch.setenv("AUDIT_DATABASE_URL", audit_url)

    for at, view in moments:
        version = view["version"]
        # As of the moment's time, from the database and from the exported file.
        by_time = replayed(capsys, ticket_id, as_of=format_time(at))
        assert by_time["state"] == view, (version, view["status"])
        assert (by_time["version"], by_time["last_seq"]) == (version, seq_of[version])
        assert by_time["stream_type"] == "ticket" and by_time["service"] == "tickets"
        from_file = replayed(capsys, ticket_id, as_of=format_time(at),
                             ledger=tmp_path / "ledger.jsonl")
        assert from_file == by_time
        # As of the seq of the moment's last entry, and of the last seq before the next one:
        # the other appeal's entries in between change nothing.
        following = seq_of.get(version + 1, rows[-1]["seq"] + 1)
        for seq in {seq_of[version], following - 1}:
            assert replayed(capsys, ticket_id, seq=seq)["state"] == view, (version, seq)
        # The same moment in Beijing time.
        beijing = at.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()
        assert replayed(capsys, ticket_id, as_of=beijing)["state"] == view

    assert replayed(capsys, ticket_id)["state"] == moments[-1][1]
    # The routing table, another aggregate: its snapshot as the service answers it.
    assert replayed(capsys, "routing-table")["state"] == routes

    # Before the appeal was raised there is nothing to replay, and the reason says so.
    nothing = refused(capsys, ticket_id, as_of=format_time(before_raise))
    assert f"stream {ticket_id} has no entry" in nothing and "its first is seq" in nothing
    # The other appeal was raised after this one's first entry.
    assert f"no entry in the ledger up to seq {seq_of[1]}" in refused(capsys, other_id,
                                                                      seq=seq_of[1])
    audit_engine.dispose()

    # An exported ledger with one entry of the appeal changed, or one left out, is refused.
    lines = (tmp_path / "ledger.jsonl").read_text(encoding="utf-8").splitlines()
    resolved = moments[8][1]
    assert resolved["status"] == "resolved"
    resolved_seq = seq_of[resolved["version"]]
    changed, dropped = list(lines), list(lines)
    entry = json.loads(changed[resolved_seq - 1])
    event = json.loads(entry["event"])
    event["payload"]["summary"] = "已办结（改写）"
    entry["event"] = canonical_json(event).decode("utf-8")
    changed[resolved_seq - 1] = json.dumps(entry, ensure_ascii=False)
    (tmp_path / "changed.jsonl").write_text("\n".join(changed) + "\n", encoding="utf-8")
    reason = refused(capsys, ticket_id, ledger=tmp_path / "changed.jsonl")
    assert f"seq {resolved_seq}" in reason and "hash does not match" in reason
    # Replayed as of before the changed entry, the appeal is still its view then.
    assert replayed(capsys, ticket_id, seq=resolved_seq - 1,
                    ledger=tmp_path / "changed.jsonl")["state"] == moments[7][1]
    assert event["type"] == "TicketResolved"

    del dropped[seq_of[4] - 1]
    (tmp_path / "dropped.jsonl").write_text("\n".join(dropped) + "\n", encoding="utf-8")
    reason = refused(capsys, ticket_id, ledger=tmp_path / "dropped.jsonl")
    assert f"seq {seq_of[5]}" in reason and "version 5 where version 4 comes next" in reason


def test_bad_arguments_are_named():
    parser = argparse.ArgumentParser()
    replay_command.add_arguments(parser)
    for argv in (["x", "--as-of", "2026-05-06T08:00:00"], ["x", "--as-of", "yesterday"],
                 ["x", "--seq", "0"], ["x", "--seq", "two"],
                 ["x", "--seq", "3", "--as-of", "2026-05-06T08:00:00Z"]):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
    assert parser.parse_args(["x", "--as-of", "2026-05-06T16:00:00+08:00"]).as_of == \
        dt.datetime(2026, 5, 6, 8, tzinfo=dt.timezone.utc)


def test_a_missing_audit_database_is_named(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("AUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    assert "there is no audit database" in refused(capsys, "t-1")
    assert not (tmp_path / "none.db").exists()


def aggregate_classes() -> set[type]:
    """Every aggregate with a stream type in the services' modules."""
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, pending = set(), list(Aggregate.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.stream_type and cls.__module__.startswith("services."):
            found.add(cls)
    return found


def test_every_aggregate_of_every_service_can_be_replayed():
    classes = aggregate_classes()
    assert len(classes) >= 20
    assert {cls.stream_type: cls for cls in classes} == \
        {kind.stream_type: kind.aggregate for kind in streams.KINDS.values()}
    for kind in streams.KINDS.values():
        # The service that writes the stream is the one whose package holds its aggregate.
        assert kind.aggregate.__module__.split(".")[1] == kind.service
        # Every kind shows an empty aggregate's state as JSON.
        json.dumps(kind.folding(kind, "s-1").state(), ensure_ascii=False)


def chained(service: str, stream_type: str, stream_id: str, facts, after=()) -> list:
    """Ledger entries for `facts` of one stream, after the entries `after`, as the audit makes
    them."""
    made = list(after)
    prev_hash = made[-1].hash if made else GENESIS
    for version, fact in enumerate(facts, start=1):
        event = {"event_id": new_event_id(), "stream_id": stream_id, "stream_type": stream_type,
                 "version": version, "type": fact.type, "occurred_at": format_time(fact.occurred_at),
                 "actor": fact.actor, "correlation_id": "c", "causation_id": "",
                 "payload": fact.payload}
        entry = Entry.make(prev_hash, seq=len(made) + 1, service=service,
                           source_position=len(made) + 1, event=event,
                           recorded_at=format_time(utc_now()))
        made.append(entry)
        prev_hash = entry.hash
    return made


def test_an_enterprise_replayed_as_of_each_moment_is_its_snapshot_then():
    uscc, at = "91360702MA35G0QX4J", dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.timezone.utc)
    office = Actor(sub="clerk-li", role="office")
    enterprise = Enterprise(uscc)
    snapshots = []
    enterprise.register(name="赣州稀土集团", county="zhanggong", park=None, industry="稀土",
                        size="large", above_designated_size=True, at=at, actor=office)
    snapshots.append(enterprise.snapshot())
    enterprise.rate("good", at=at + dt.timedelta(days=30), actor=office)
    snapshots.append(enterprise.snapshot())
    enterprise.change_profile({"name": "中国稀土集团赣州公司"}, at=at + dt.timedelta(days=60),
                              actor=office)
    snapshots.append(enterprise.snapshot())
    entries = chained("liaison", "enterprise", uscc, enterprise.pending())

    for days, snapshot in zip((0, 30, 60), snapshots):
        moment = at + dt.timedelta(days=days, hours=1)
        replayed = streams.replay(entries, uscc, as_of=moment)
        assert replayed.state == snapshot and replayed.service == "liaison"
        assert streams.replay(entries, uscc, seq=days // 30 + 1).state == snapshot
    with pytest.raises(streams.StreamNotFound, match="which occurred at 2026-05-12T09:30"):
        streams.replay(entries, uscc, as_of=at - dt.timedelta(seconds=1))


def test_every_stream_folded_at_once_is_each_replayed_alone():
    entries = list(lives.entries(430))
    states = streams.replay_all(entries)
    assert len(states) > 10
    for (stream_type, stream_id), state in states.items():
        assert stream_type == "ticket"
        assert streams.replay(entries, stream_id).state == state
        events = [Event.from_dict(json.loads(e.event)) for e in entries if e.stream_id == stream_id]
        assert state == AppealView.fold_events(stream_id, events)
    halfway = streams.replay_all(entries, seq=215)
    for (_, stream_id), state in halfway.items():
        assert streams.replay(entries, stream_id, seq=215).state == state
    assert any(halfway[key] != states[key] for key in halfway)


def test_the_same_id_of_two_stream_types_needs_the_type_named():
    at = dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.timezone.utc)
    office = Actor(sub="clerk-li", role="office")
    park = Park("shared-id")
    park.register(name="章贡高新区", county="zhanggong", at=at, actor=office)
    unit = Unit("shared-id")
    unit.register(name="市财政局", kind="city_department", at=at, actor=office)
    entries = chained("liaison", "park", "shared-id", park.pending())
    entries = chained("liaison", "unit", "shared-id", unit.pending(), after=entries)
    with pytest.raises(streams.ReplayError, match="names streams of 2 types"):
        streams.replay(entries, "shared-id")
    assert streams.replay(entries, "shared-id", stream_type="unit").state == unit.snapshot()
    assert streams.replay(entries, "shared-id", stream_type="park").state == park.snapshot()
