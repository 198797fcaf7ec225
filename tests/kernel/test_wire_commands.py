"""The one way an action named on the wire becomes the command the store runs on an aggregate:
the name it is counted and kept under, its fields read inside the command, the method run and
what it recorded appended, the snapshot answered."""
import datetime as dt

import pytest

from kernel.actor import Actor
from kernel.aggregate import Aggregate
from kernel.errors import UnexpectedField, UnknownCode
from kernel.store import EventStore
from kernel.wire import Action, Body, command_name, on_aggregate, perform, saved

AT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc)
CLERK = Actor("clerk", "office")


class Note(Body):
    text: str


ACTIONS = {"add-note": Action("add_note", Note, "add a note")}


class Folder(Aggregate):
    stream_type = "folder"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.notes: list[str] = []

    def add_note(self, *, at, actor: Actor, text: str) -> None:
        self._record_fact("NoteAdded", {"text": text}, at, actor)

    def when_NoteAdded(self, fact) -> None:
        self.notes.append(fact.payload["text"])

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "notes": list(self.notes)}


def test_a_command_is_named_by_its_method_and_an_unknown_action_as_unknown():
    assert command_name(ACTIONS, "add-note") == "add_note"
    assert command_name(ACTIONS, "add_note") == "unknown"
    assert on_aggregate(ACTIONS, "shred", {}, "a folder", None)[0] == "unknown"


def test_the_fields_are_read_inside_the_command_and_handed_to_the_decision():
    handed = []
    name, run = on_aggregate(ACTIONS, "add-note", {"text": "甲"}, "a folder",
                             lambda uow, method, arguments: handed.append((uow, method, arguments))
                             or "answer")
    assert (name, handed) == ("add_note", [])  # nothing is read before the store runs it
    assert run("uow") == "answer"
    assert handed == [("uow", "add_note", {"text": "甲"})]


def test_an_unknown_action_or_field_is_refused_when_the_command_runs_never_deciding():
    def decide(uow, method, arguments):
        raise AssertionError("decided")

    with pytest.raises(UnknownCode) as unknown:
        on_aggregate(ACTIONS, "shred", {}, "a folder", decide)[1](None)
    assert unknown.value.field == "action"
    with pytest.raises(UnexpectedField) as unexpected:
        on_aggregate(ACTIONS, "add-note", {"text": "甲", "colour": "red"}, "a folder",
                     decide)[1](None)
    assert unexpected.value.field == "colour"


def test_performing_runs_the_method_appends_what_it_recorded_and_answers_the_snapshot(
        migrated_engine):
    store = EventStore(migrated_engine)
    with store.unit_of_work() as uow:
        name, run = on_aggregate(
            ACTIONS, "add-note", {"text": "甲"}, "a folder",
            lambda uow, method, arguments: perform(uow, uow.load(Folder, "f-1"), method,
                                                   arguments, CLERK, at=AT))
        assert run(uow) == {"id": "f-1", "version": 1, "notes": ["甲"]}
    with store.unit_of_work() as uow:
        folder = uow.load(Folder, "f-1")
        folder.add_note(at=AT, actor=CLERK, text="乙")
        assert saved(uow, folder) == {"id": "f-1", "version": 2, "notes": ["甲", "乙"]}
    [first, second] = store.read_stream("f-1")
    assert (first.type, first.payload, first.actor, first.occurred_at) == (
        "NoteAdded", {"text": "甲"}, CLERK.label, "2026-03-02T02:00:00.000000Z")
    assert second.payload == {"text": "乙"} and second.version == 2
