"""The kernel's declared events: an aggregate records only what its catalogue declares, in the
declared shape; a consumer reads only declared fields; the rule of change tells a compatible
change from one that needs a new event type."""
from __future__ import annotations

import datetime as dt

import pytest

from kernel.actor import Actor
from kernel.aggregate import Aggregate
from kernel.events import (
    Catalogue, Payload, PayloadBreaksContract, UndeclaredEvent, compare, declare, snapshot,
)

AT = dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone.utc)
CLERK = Actor(sub="c1", role="office")


class LampLit(Payload):
    """A lamp was lit."""
    lamp_id: str
    brightness: int
    colour: str | None = None


class LampBroken(Payload):
    """A lamp broke."""
    lamp_id: str


EVENTS = Catalogue("lamps", declare(LampLit, clause="二(四)"))


class Lamp(Aggregate):
    stream_type = "lamp"
    events = EVENTS

    def _check(self, command, actor):
        return None

    def light(self, brightness):
        self._record_fact("LampLit", {"lamp_id": self.id, "brightness": brightness}, AT, CLERK)

    def break_(self):
        self._record_fact("LampBroken", {"lamp_id": self.id}, AT, CLERK)

    def when_LampLit(self, fact):
        self.brightness = fact.payload["brightness"]

    def when_LampBroken(self, fact):
        pass


def test_a_declared_fact_is_recorded():
    lamp = Lamp("l1")
    lamp.light(3)
    assert [fact.type for fact in lamp.pending()] == ["LampLit"]
    assert lamp.brightness == 3


def test_an_undeclared_type_is_never_recorded():
    lamp = Lamp("l1")
    with pytest.raises(UndeclaredEvent, match="LampBroken"):
        lamp.break_()
    assert lamp.pending() == [] and lamp.version == 0


def test_a_payload_outside_its_shape_is_never_recorded():
    lamp = Lamp("l1")
    with pytest.raises(PayloadBreaksContract, match="brightness"):
        lamp.light("very")
    assert lamp.pending() == []


def test_an_undeclared_field_breaks_the_contract():
    with pytest.raises(PayloadBreaksContract, match="wattage"):
        EVENTS.checked("LampLit", {"lamp_id": "l1", "brightness": 1, "wattage": 60})


def test_a_consumer_reads_only_declared_fields():
    class Recorded:
        type = "LampLit"
        payload = {"lamp_id": "l1", "brightness": 2}

    fact = EVENTS.parse(Recorded)
    assert fact.brightness == 2 and fact.colour is None
    with pytest.raises(AttributeError):
        fact.wattage  # noqa: B018 — reading a field no producer declares fails


def test_a_type_declared_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        Catalogue("lamps", EVENTS, declare(LampLit, clause="二(四)"))


def test_an_event_names_its_clause_or_says_why():
    with pytest.raises(ValueError, match="clause"):
        declare(LampBroken)


def _evolved(payload_class):
    return snapshot([Catalogue("lamps", declare(payload_class, clause="二(四)"))])


def test_an_added_optional_field_is_compatible():
    class LampLit(Payload):  # noqa: F811 — the same type, one field more
        lamp_id: str
        brightness: int
        colour: str | None = None
        room: str | None = None

    breaking, compatible = compare(snapshot([EVENTS]), _evolved(LampLit))
    assert breaking == []
    assert compatible == ["lamps.LampLit.room: added as optional"]


@pytest.mark.parametrize("change, expected", [
    ("required", "lamps.LampLit.room: added as required"),
    ("shape", "lamps.LampLit.brightness: its shape changed"),
    ("gone", "lamps.LampLit.colour: the field is gone"),
])
def test_a_changed_meaning_breaks_the_rule(change, expected):
    if change == "required":
        class LampLit(Payload):
            lamp_id: str
            brightness: int
            colour: str | None = None
            room: str
    elif change == "shape":
        class LampLit(Payload):
            lamp_id: str
            brightness: str
            colour: str | None = None
    else:
        class LampLit(Payload):
            lamp_id: str
            brightness: int

    breaking, _ = compare(snapshot([EVENTS]), _evolved(LampLit))
    assert any(line.startswith(expected) for line in breaking), breaking


def test_a_type_gone_breaks_the_rule():
    breaking, _ = compare(snapshot([EVENTS]), snapshot([Catalogue("lamps")]))
    assert breaking and breaking[0].startswith("lamps.LampLit: the type is gone")
