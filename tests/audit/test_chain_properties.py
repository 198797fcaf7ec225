"""The hash chain, checked without any database: whatever is changed, removed or reordered, in
whichever column of an entry, the verdict names the first entry that no longer holds."""
import dataclasses
import json

from hypothesis import assume, given, settings, strategies as st

from kernel.envelope import canonical_json
from services.audit.chain import GENESIS, Entry, canonical_entry, entry_hash, verify

envelopes = st.fixed_dictionaries({
    "event_id": st.uuids().map(str),
    "stream_id": st.text(min_size=1, max_size=12),
    "stream_type": st.sampled_from(["ticket", "policy", "enterprise"]),
    "type": st.sampled_from(["TicketRaised", "ProgressNoted", "单位变更"]),
    "occurred_at": st.sampled_from(["2026-05-06T08:00:00.000000Z", "2026-05-07T01:02:03.000004Z"]),
    "version": st.integers(1, 50),
    "payload": st.dictionaries(st.sampled_from(["note", "n", "单位"]),
                               st.one_of(st.text(max_size=20), st.integers(-10**6, 10**6))),
})
events = st.lists(envelopes, min_size=1, max_size=12, unique_by=lambda e: e["event_id"])


def chain(payloads) -> list[Entry]:
    entries, prev = [], GENESIS
    for seq, event in enumerate(payloads, start=1):
        entry = Entry.make(prev, seq=seq, service="tickets", source_position=seq * 2,
                           event=event, recorded_at="2026-05-06T08:00:01.000000Z")
        entries.append(entry)
        prev = entry.hash
    return entries


# For each column, a rewrite of it that differs from every value the chain above produces.
REWRITES = {
    "event_id": lambda e: e.event_id + "0",
    "service": lambda e: e.service + "x",
    "source_position": lambda e: e.source_position + 1,
    "stream_id": lambda e: e.stream_id + "x",
    "stream_type": lambda e: e.stream_type + "x",
    "type": lambda e: e.type + "x",
    "occurred_at": lambda e: "2027-01-01T00:00:00.000000Z",
    "recorded_at": lambda e: "2027-01-01T00:00:00.000000Z",
    "event": lambda e: canonical_json({**json.loads(e.event), "forged": True}).decode("utf-8"),
    "prev_hash": lambda e: "f" * 64 if e.prev_hash != "f" * 64 else "e" * 64,
    "hash": lambda e: "f" * 64 if e.hash != "f" * 64 else "e" * 64,
}


@settings(max_examples=150, deadline=None)
@given(events)
def test_an_untouched_chain_verifies(payloads):
    entries = chain(payloads)
    verdict = verify(entries)
    assert verdict.ok and verdict.entries == len(entries) and verdict.head_hash == entries[-1].hash


def test_the_hash_covers_every_column_and_the_event():
    entry = chain([{"event_id": "e", "stream_id": "s", "stream_type": "ticket", "type": "T",
                    "occurred_at": "2026-05-06T08:00:00.000000Z", "payload": {}}])[0]
    expected = canonical_json({
        "seq": 1, "event_id": "e", "service": "tickets", "source_position": 2, "stream_id": "s",
        "stream_type": "ticket", "type": "T", "occurred_at": "2026-05-06T08:00:00.000000Z",
        "recorded_at": "2026-05-06T08:00:01.000000Z", "event": json.loads(entry.event)})
    assert canonical_entry(entry.columns(), json.loads(entry.event)) == expected
    assert entry.hash == entry_hash(GENESIS, expected)


@settings(max_examples=300, deadline=None)
@given(events, st.sampled_from(sorted(REWRITES)), st.data())
def test_a_rewrite_of_any_column_is_found_at_its_seq(payloads, column, data):
    entries = chain(payloads)
    at = data.draw(st.integers(0, len(entries) - 1))
    rewritten = dataclasses.replace(entries[at], **{column: REWRITES[column](entries[at])})
    entries[at] = rewritten
    verdict = verify(entries)
    assert not verdict.ok and verdict.first_bad_seq == at + 1 and verdict.entries == at
    assert column in verdict.reason


@settings(max_examples=150, deadline=None)
@given(events, st.data())
def test_a_renumbered_entry_is_found_at_its_seq(payloads, data):
    entries = chain(payloads)
    at = data.draw(st.integers(0, len(entries) - 1))
    new_seq = data.draw(st.one_of(st.integers(-5, 0), st.integers(len(entries) + 1, 100)))
    renumbered = entries[:at] + entries[at + 1:] + [dataclasses.replace(entries[at], seq=new_seq)]
    # As the database reads them: in seq order.
    verdict = verify(sorted(renumbered, key=lambda e: e.seq))
    assert not verdict.ok and verdict.first_bad_seq == at + 1 and verdict.entries == at
    assert "seq" in verdict.reason


@settings(max_examples=150, deadline=None)
@given(events, st.data())
def test_a_removed_or_rehashed_entry_breaks_the_chain_there(payloads, data):
    entries = chain(payloads)
    assume(len(entries) >= 2)
    at = data.draw(st.integers(0, len(entries) - 2))
    removed = entries[:at] + entries[at + 1:]
    assert verify(removed).first_bad_seq == entries[at].seq
    # Re-hashing one entry to hide a change still breaks the link to the next one.
    forged = json.loads(entries[at].event)
    forged["payload"] = {"forged": True}
    rehashed = Entry.make(entries[at].prev_hash, seq=entries[at].seq, service="tickets",
                          source_position=entries[at].source_position, event=forged,
                          recorded_at=entries[at].recorded_at)
    verdict = verify(entries[:at] + [rehashed] + entries[at + 1:])
    assert verdict.first_bad_seq == at + 2 and "prev_hash" in verdict.reason
