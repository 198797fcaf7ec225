"""Witnesses: places outside the database where each signed checkpoint is also written, so that
whoever rewrites the database cannot rewrite what was witnessed, and verification compares the
ledger with the newest checkpoint a witness holds.

Two kinds, chosen by HUIQI_AUDIT_WITNESS (comma-separated; default `<var>/witness`):

- a directory (`PATH` or `dir:PATH`): `DirectoryWitness` writes one file per checkpoint,
  `<size:012d>-<timestamp without '-' and ':'>.checkpoint`, holding the signed note; a file is
  written once (fsynced, then linked into place) and never overwritten — publishing the same
  note again is a no-op, a different note under the same name is refused;
- an HTTP endpoint of a second party (`http://…` or `https://…`): `HttpWitness` POSTs each note
  to the URL as `text/plain; charset=utf-8` (any 2xx is taken as kept), and reads back what it
  witnessed with a GET of the same URL answering `application/json`: a JSON array of the signed
  notes as strings, oldest first. (A plain concatenation would be ambiguous: each note already
  holds a blank line.)

`witnessed(witness, verifier)` returns the checkpoints whose signature by the log's key holds,
sorted by size then time, together with every note that failed and why: a witness holding a
note that no longer verifies is itself evidence, so nothing is silently dropped.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from kernel import settings
from services.audit import checkpoint as checkpoints
from services.audit import note
from services.audit.checkpoint import Checkpoint

WITNESS = "HUIQI_AUDIT_WITNESS"
SUFFIX = ".checkpoint"


class WitnessError(Exception):
    """A witness that could not keep or give back its checkpoints; the message names it."""


@dataclass(frozen=True)
class Record:
    """One note a witness holds, and where: the file, or the URL and the note's place in its list."""
    where: str
    note: str


@dataclass(frozen=True)
class Failure:
    where: str
    reason: str


class Witnessed(NamedTuple):
    checkpoints: list[Checkpoint]  # the ones that verify, by size then time
    failures: list[Failure]  # the ones that do not, each with its reason


class Witness(Protocol):
    def publish(self, signed: str, cp: Checkpoint) -> None: ...

    def records(self) -> list[Record]: ...

    def notes(self) -> list[str]: ...


class DirectoryWitness:
    """A directory of checkpoint files, one per checkpoint, each written once."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"DirectoryWitness({str(self.path)!r})"

    def file_for(self, cp: Checkpoint) -> Path:
        compact = cp.timestamp.replace("-", "").replace(":", "")
        return self.path / f"{cp.size:012d}-{compact}{SUFFIX}"

    def publish(self, signed: str, cp: Checkpoint) -> None:
        _check_carries(signed, cp)
        target = self.file_for(cp)
        data = signed.encode("utf-8")
        if not self.path.is_dir():
            self.path.mkdir(parents=True, exist_ok=True)
            _sync_directory(self.path.parent)
        if target.exists():
            self._same_or_refuse(target, data)
            return
        draft = self.path / f".{target.name}.{os.getpid()}.new"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            try:
                # link(2) never replaces: a file that appeared meanwhile is kept as it is.
                os.link(draft, target)
            except FileExistsError:
                self._same_or_refuse(target, data)
                return
        finally:
            draft.unlink(missing_ok=True)
        _sync_directory(self.path)

    def records(self) -> list[Record]:
        """Every checkpoint file, oldest first (by size, then time: the names sort so)."""
        if not self.path.is_dir():
            return []
        found = []
        for file in sorted(self.path.glob(f"*{SUFFIX}")):
            data = file.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                # Kept as it is, so that the check reports it rather than it vanishing.
                text = data.decode("utf-8", errors="surrogateescape")
            found.append(Record(str(file), text))
        return found

    def notes(self) -> list[str]:
        return [record.note for record in self.records()]

    @staticmethod
    def _same_or_refuse(target: Path, data: bytes) -> None:
        if target.read_bytes() != data:
            raise WitnessError(f"{target} already holds a different checkpoint; a witnessed "
                               "checkpoint is never overwritten")


class HttpWitness:
    """A second party's endpoint: POST a note to keep it, GET the JSON list of what it keeps."""

    def __init__(self, url: str, timeout: float = 10.0):
        self.url = url
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"HttpWitness({self.url!r})"

    def publish(self, signed: str, cp: Checkpoint) -> None:
        _check_carries(signed, cp)
        request = urllib.request.Request(
            self.url, data=signed.encode("utf-8"), method="POST",
            headers={"Content-Type": "text/plain; charset=utf-8"})
        self._send(request, "keep the checkpoint")

    def records(self) -> list[Record]:
        request = urllib.request.Request(self.url, method="GET",
                                         headers={"Accept": "application/json"})
        body = self._send(request, "list its checkpoints")
        try:
            listed = json.loads(body)
        except ValueError as error:
            raise WitnessError(f"witness {self.url} answered with no JSON list: {error}") from None
        if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
            raise WitnessError(f"witness {self.url} answered with something other than a JSON "
                               "list of notes")
        return [Record(f"{self.url} [{index}]", item) for index, item in enumerate(listed)]

    def notes(self) -> list[str]:
        return [record.note for record in self.records()]

    def _send(self, request: urllib.request.Request, what: str) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise WitnessError(f"witness {self.url} would not {what}: HTTP {error.code} "
                               f"{error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise WitnessError(f"witness {self.url} could not be reached to {what}: "
                               f"{reason}") from None


def witnesses() -> list[Witness]:
    """The witnesses HUIQI_AUDIT_WITNESS names, or the default directory `<var>/witness`."""
    configured = [item.strip() for item in os.environ.get(WITNESS, "").split(",") if item.strip()]
    if not configured:
        return [DirectoryWitness(settings.var_dir() / "witness")]
    return [_witness(item) for item in configured]


def witnessed(witness: Witness, verifier: note.Verifier) -> Witnessed:
    """The witness's checkpoints signed by `verifier`'s key (by size, then time), and each note it
    holds that is not one (malformed, signed by no key of ours, a bad signature), with why."""
    good, failures = [], []
    for record in witness.records():
        try:
            good.append(checkpoints.open(record.note, verifier))
        except ValueError as error:  # note.NoteError, checkpoint.CheckpointError
            failures.append(Failure(record.where, str(error)))
    good.sort(key=lambda cp: (cp.size, cp.timestamp))
    return Witnessed(good, failures)


def newest(witness: Witness, verifier: note.Verifier) -> Checkpoint | None:
    """The newest checkpoint the witness holds that verifies (failures are `witnessed`'s to tell)."""
    good = witnessed(witness, verifier).checkpoints
    return good[-1] if good else None


def _witness(item: str) -> Witness:
    if item.startswith(("http://", "https://")):
        return HttpWitness(item)
    if item.startswith("dir:"):
        item = item[len("dir:"):]
        if not item:
            raise ValueError(f"{WITNESS}: 'dir:' names no directory")
    elif "://" in item:
        raise ValueError(f"{WITNESS}: {item!r} is neither a directory nor an http(s) URL")
    return DirectoryWitness(Path(item))


def _check_carries(signed: str, cp: Checkpoint) -> None:
    """A note published for `cp` must carry `cp`: a mix-up would witness the wrong tree head."""
    text, _ = note.parse(signed)
    if text != cp.body():
        raise WitnessError(f"the note does not carry the checkpoint of size {cp.size} made at "
                           f"{cp.timestamp}")


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
