"""Verification's quick path gives the verdict of the plain walk, whatever was rewritten: the plain
walk (`fault` on every entry, as `verify` was before the quick path) is kept here as the oracle,
and every shortcut is held to it or to the function it stands for (canonical_json,
canonical_entry), with events holding anything JSON can (floats, escapes, any Unicode)."""
import dataclasses
import json
import math

import orjson
from hypothesis import given, settings, strategies as st

from kernel.envelope import canonical_json
from services.audit import chain
from services.audit.chain import (GENESIS, Entry, Verdict, canonical_entry, fault, leading_holds,
                                  verify, verify_chunks, verify_rows)

texts = st.text(st.characters(codec="utf-8"), max_size=12)  # any Unicode but lone surrogates
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False,
                                                                      allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_the_quick_canonical_text_is_canonical_json(value):
    assert chain._canonical_text(value) == canonical_json(value).decode("utf-8")


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_what_orjson_parses_back_to_its_canonical_text_json_parses_alike(value):
    """The ground of `holds` using orjson to parse: a canonical text reads back, through either
    parser, to a value whose canonical text it is."""
    text = canonical_json(value).decode("utf-8")
    assert canonical_json(json.loads(text)).decode("utf-8") == text
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return  # orjson refuses (an integer past 64 bits): the quick path steps aside
    if chain._canonical_text(parsed) == text:
        assert parsed == json.loads(text) or _has_nan(parsed)


def _has_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


envelopes = st.fixed_dictionaries({
    "event_id": texts, "stream_id": texts, "stream_type": texts, "type": texts,
    "occurred_at": st.sampled_from(["2026-05-06T08:00:00.000000Z", "2026-05-07T01:02:03.000004Z"]),
    "version": st.integers(1, 50),
    "payload": st.dictionaries(texts, json_values, max_size=4),
})


def chain_of(events, service="tickets") -> list[Entry]:
    entries, prev = [], GENESIS
    for seq, event in enumerate(events, start=1):
        entry = Entry.make(prev, seq=seq, service=service, source_position=seq * 2,
                           event=event, recorded_at="2026-05-06T08:00:01.000000Z")
        entries.append(entry)
        prev = entry.hash
    return entries


@settings(max_examples=300, deadline=None)
@given(st.lists(envelopes, min_size=1, max_size=6), texts)
def test_the_spliced_entry_is_canonical_entry(events, service):
    for entry in chain_of(events, service=service):
        row = chain._as_row(entry)
        expected = canonical_entry(entry.columns(), json.loads(entry.event)).decode("utf-8")
        assert chain.canonical_row(row, entry.event) == expected
        # A valid entry takes the quick path, unless orjson cannot read its event as json does
        # (an integer past 64 bits, refused or read as a float): then `fault` alone passes it.
        assert chain.holds(row, entry.prev_hash) or not _orjson_reads(entry.event)
        assert fault(entry, entry.prev_hash) is None


def _orjson_reads(text: str) -> bool:
    try:
        return canonical_json(orjson.loads(text)) == canonical_json(json.loads(text))
    except orjson.JSONDecodeError:
        return False


def plain_walk(entries) -> Verdict:
    """`verify` as it was before the quick path: `fault` on every entry."""
    expected_prev, count, displaced = GENESIS, 0, []
    for entry in entries:
        expected = count + 1
        if entry.seq < expected:
            displaced.append(entry.seq)
            continue
        if entry.seq != expected:
            return Verdict(False, count, expected_prev, expected,
                           chain._missing(expected, entry.seq, displaced))
        reason = fault(entry, expected_prev)
        if reason is not None:
            return Verdict(False, count, expected_prev, entry.seq, reason)
        count, expected_prev = expected, entry.hash
    if displaced:
        return Verdict(False, count, expected_prev, count + 1,
                       chain._missing(count + 1, None, displaced))
    return Verdict(True, count, expected_prev)


# Rewrites of a column, by a table owner or anyone: values of other types included (SQLite
# stores what it is given), and event texts that are not canonical, not JSON, or JSON that
# canonical_json refuses.
ANY_VALUE = st.one_of(texts, st.integers(-3, 10**6), st.none(), st.floats(allow_nan=False),
                      st.sampled_from(["f" * 64, "0" * 64, GENESIS.upper()]))
EVENT_REWRITES = [
    lambda e, v: canonical_json({**json.loads(e.event), "forged": v}).decode("utf-8"),
    lambda e, v: json.dumps(json.loads(e.event)),                      # spaces
    lambda e, v: json.dumps(json.loads(e.event), ensure_ascii=True),   # \u escapes
    lambda e, v: e.event.replace('"payload":{', '"payload":{"x":1e-7,', 1),
    lambda e, v: e.event.replace('"payload":{', '"payload":{"x":NaN,', 1),
    lambda e, v: e.event.replace('"payload":{', f'"payload":{{"x":{2**80},', 1),
    lambda e, v: e.event.replace('"payload":{', '"payload":{"x":"\\ud800",', 1),
    lambda e, v: e.event[:-1],
    lambda e, v: json.dumps([1]),
    lambda e, v: e.event.replace("}", ',"version":1}', 1),              # a key twice
]


@st.composite
def tampered(draw):
    entries = chain_of(draw(st.lists(envelopes, min_size=1, max_size=8,
                                     unique_by=lambda e: e["event_id"])))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(entries) - 1))
        how = draw(st.sampled_from(["column", "event", "rehash", "remove", "renumber"]))
        entry = entries[at]
        try:
            json.loads(entry.event)
        except (TypeError, ValueError):
            continue  # already rewritten past reading (or to a non-text): one rewrite is enough
        if how == "column":
            column = draw(st.sampled_from(chain.FIELDS[1:]))
            entries[at] = dataclasses.replace(entry, **{column: draw(ANY_VALUE)})
        elif how == "event":
            rewrite = draw(st.sampled_from(EVENT_REWRITES))
            try:
                entries[at] = dataclasses.replace(entry, event=rewrite(entry, draw(json_values)))
            except (TypeError, ValueError):
                continue  # not an object, or not encodable after an earlier rewrite
        elif how == "rehash":  # a rewrite whose entry hash is made again to hide it
            event = json.loads(entry.event)
            if not isinstance(event, dict) or not isinstance(entry.seq, int):
                continue
            event["payload"] = draw(json_values)
            try:
                entries[at] = Entry.make(entry.prev_hash, seq=entry.seq, service=entry.service,
                                         source_position=entry.source_position, event=event,
                                         recorded_at=entry.recorded_at)
            except (TypeError, ValueError):
                continue  # its prev_hash was rewritten past hashing by an earlier rewrite
        elif how == "remove" and len(entries) > 1:
            del entries[at]
        elif how == "renumber":
            entries[at] = dataclasses.replace(entry, seq=draw(st.integers(-3, 12)))
    # As the database reads them: in seq order (a seq taken twice cannot be stored).
    entries = {entry.seq: entry for entry in entries}
    return [entries[seq] for seq in sorted(entries)]


def verdict_or_error(walk, entries):
    try:
        return walk(entries).to_dict()
    except Exception as exc:  # noqa: BLE001 -- the plain walk raises on some rewrites; so must we
        return type(exc).__name__


@settings(max_examples=600, deadline=None)
@given(tampered(), st.data())
def test_the_quick_walk_and_chunks_checked_ahead_give_the_plain_walk_s_verdict(entries, data):
    expected = verdict_or_error(plain_walk, entries)
    assert verdict_or_error(verify, entries) == expected
    rows = [chain._as_row(entry) for entry in entries]
    assert verdict_or_error(verify_rows, rows) == expected
    # Cut into chunks, each checked ahead as a worker would, from the row before it.
    cuts = sorted(data.draw(st.lists(st.integers(1, max(1, len(rows) - 1)), max_size=3)))
    chunks, start = [], 0
    for end in [*cuts, len(rows)]:
        if end > start:
            chunks.append(rows[start:end])
            start = end
    checked, seq, prev_hash = [], 1, GENESIS
    for part in chunks:
        checked.append((part, seq, prev_hash, leading_holds(part, seq, prev_hash)))
        seq, prev_hash = chain.assumed_after(part[-1])
    assert verdict_or_error(verify_chunks, checked) == expected


def test_a_chunk_checked_from_a_wrong_assumption_is_walked_again():
    entries = chain_of([{"event_id": str(n), "stream_id": "s", "stream_type": "t", "type": "T",
                         "occurred_at": "2026-05-06T08:00:00.000000Z", "payload": {}}
                        for n in range(6)])
    rows = [chain._as_row(entry) for entry in entries]
    rows[2] = (*rows[2][:11], "e" * 64)  # seq 3's hash rewritten: seq 4 no longer links
    # The chunk from seq 4 was checked from seq 3's stored hash, and all of it held.
    checked = [(rows[:3], 1, GENESIS, 2), (rows[3:], 4, "e" * 64, 3)]
    verdict = verify_chunks(checked)
    assert (verdict.first_bad_seq, verdict.entries) == (3, 2)
    assert verdict.to_dict() == plain_walk(entries[:2] + [Entry(*rows[2])] + entries[3:]).to_dict()
