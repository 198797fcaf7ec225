"""Declared events: what a service publishes, as a contract its consumers can hold it to.

A service's `events.py` declares each event type it records — its name, the shape of its payload
(a pydantic model) and the clause of the notice it serves — in a `Catalogue`. The catalogue is
what the rest of the stack knows of the service's facts:

- an aggregate names its catalogue (`events = EVENTS`); `kernel.aggregate` refuses to record a
  type the catalogue does not declare, and a payload its model does not accept;
- a consumer parses what it takes in through the producer's model (`EVENTS.parse(event)`), so it
  can read only the fields a producer declares;
- `huiqi events` writes `docs/EVENTS.md` and the snapshot `docs/events.json` from every
  catalogue, and a test compares the catalogues with the snapshot under the rule of change
  (`compare`): a changed meaning is a new type; a field may be added only as optional.

Plain Python: an `events.py` imports only this module, pydantic and the stdlib, so a consumer in
another service imports it as it would a wire contract.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

import pydantic


class Payload(pydantic.BaseModel):
    """The payload of one event type; the subclass's name is the type's name.

    Fields are the payload's JSON shapes (an instant or a date is a string, as the store keeps
    it); a field a payload may lack is optional with a default. Nothing undeclared is accepted."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    type_name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.type_name = cls.__name__


class UndeclaredEvent(TypeError):
    """An event type its catalogue does not declare: a programming error, never a refusal."""


class PayloadBreaksContract(TypeError):
    """A payload its declared model does not accept: the producer breaks its own contract."""


@dataclasses.dataclass(frozen=True)
class Declared:
    """One declared event type: its payload model, the notice clause it serves, and, for an
    event of the machinery that serves no clause, why it exists."""

    payload: type[Payload]
    clause: str = ""
    why: str = ""

    def __post_init__(self):
        if not self.clause and not self.why:
            raise ValueError(f"{self.type}: an event names the notice clause it serves, "
                             "or says why it exists (why=)")

    @property
    def type(self) -> str:
        return self.payload.type_name

    @property
    def meaning(self) -> str:
        return " ".join((self.payload.__doc__ or "").split())


def declare(payload: type[Payload], *, clause: str = "", why: str = "") -> Declared:
    return Declared(payload, clause, why)


class Catalogue(Mapping[str, Declared]):
    """A service's (or an area's) declared events, by type name; it gathers other catalogues
    given among its entries (an area's `EVENTS` into its service's)."""

    def __init__(self, service: str, *entries: "Declared | Catalogue"):
        self.service = service
        self._declared: dict[str, Declared] = {}
        for entry in entries:
            for declared in (entry.values() if isinstance(entry, Catalogue) else (entry,)):
                if declared.type in self._declared:
                    raise ValueError(f"{service}: event type {declared.type} declared twice")
                self._declared[declared.type] = declared

    def __getitem__(self, type_: str) -> Declared:
        try:
            return self._declared[type_]
        except KeyError:
            raise UndeclaredEvent(
                f"{self.service} declares no event type {type_!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._declared)

    def __len__(self) -> int:
        return len(self._declared)

    def __contains__(self, type_: object) -> bool:
        return type_ in self._declared

    def checked(self, type_: str, payload: Mapping[str, Any]) -> None:
        """Refuse a type not declared, or a payload its model does not take (the producer's
        check, as a fact is recorded)."""
        model = self[type_].payload
        try:
            model.model_validate(payload)
        except pydantic.ValidationError as exc:
            raise PayloadBreaksContract(
                f"{self.service}.{type_}: the payload breaks its declared shape: {exc}") from None

    def parse(self, event) -> Payload:
        """The declared model of a recorded event (anything with `type` and `payload`): what a
        consumer reads, so that it cannot read a field no producer declares."""
        return self[event.type].payload.model_validate(event.payload)


# -- the snapshot and the rule of change ------------------------------------------------------

def snapshot(catalogues: Iterable[Catalogue]) -> dict:
    """Every declared type's fields as JSON, by service: what `docs/events.json` holds."""
    found: dict[str, dict] = {}
    for catalogue in catalogues:
        types = found.setdefault(catalogue.service, {})
        for name, declared in sorted(catalogue.items()):
            schema = declared.payload.model_json_schema()
            required = set(schema.get("required", ()))
            types[name] = {
                "clause": declared.clause,
                "why": declared.why,
                "fields": {field: {"schema": _bare(spec), "required": field in required}
                           for field, spec in schema.get("properties", {}).items()},
            }
    return dict(sorted(found.items()))


def _bare(spec: dict) -> dict:
    """A field's schema without its title and description: wording is not shape."""
    return {key: value for key, value in spec.items() if key not in ("title", "description")}


def compare(committed: dict, current: dict) -> tuple[list[str], list[str]]:
    """What changed between the committed snapshot and the catalogues, split by the rule of
    change: (breaking, compatible). Breaking: a type or a field gone, a field's shape changed, a
    field made required, a required field added — each wants a new event type instead.
    Compatible: a new type, or an optional field added — the snapshot is rewritten."""
    breaking: list[str] = []
    compatible: list[str] = []
    for service in sorted(set(committed) | set(current)):
        old_types, new_types = committed.get(service, {}), current.get(service, {})
        for name in sorted(set(old_types) | set(new_types)):
            where = f"{service}.{name}"
            if name not in new_types:
                breaking.append(f"{where}: the type is gone (an event once recorded stays "
                                "readable: keep its declaration)")
                continue
            if name not in old_types:
                compatible.append(f"{where}: a new type")
                continue
            old, new = old_types[name]["fields"], new_types[name]["fields"]
            for field in sorted(set(old) | set(new)):
                if field not in new:
                    breaking.append(f"{where}.{field}: the field is gone")
                elif field not in old:
                    (compatible if not new[field]["required"] else breaking).append(
                        f"{where}.{field}: added "
                        + ("as optional" if not new[field]["required"]
                           else "as required (an added field must be optional)"))
                elif old[field]["schema"] != new[field]["schema"]:
                    breaking.append(f"{where}.{field}: its shape changed (a changed meaning "
                                    "is a new event type)")
                elif new[field]["required"] and not old[field]["required"]:
                    breaking.append(f"{where}.{field}: made required")
                elif old[field]["required"] and not new[field]["required"]:
                    compatible.append(f"{where}.{field}: made optional")
            for key in ("clause", "why"):
                if old_types[name].get(key) != new_types[name].get(key):
                    compatible.append(f"{where}: its {key} changed")
    return breaking, compatible
