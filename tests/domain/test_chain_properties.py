"""The hash chain, checked without any database: whatever is changed, removed or reordered, the
verdict names the first entry that no longer holds."""
import json

from hypothesis import assume, given, settings, strategies as st

from kernel.envelope import canonical_json
from services.audit.chain import GENESIS, Entry, entry_hash, verify

events = st.lists(
    st.dictionaries(st.sampled_from(["type", "note", "n", "单位"]),
                    st.one_of(st.text(max_size=20), st.integers(-10**6, 10**6)),
                    min_size=1),
    min_size=1, max_size=12)


def chain(payloads) -> list[Entry]:
    entries, prev = [], GENESIS
    for seq, payload in enumerate(payloads, start=1):
        text = canonical_json(payload).decode("utf-8")
        digest = entry_hash(prev, text.encode("utf-8"))
        entries.append(Entry(seq, text, prev, digest))
        prev = digest
    return entries


@settings(max_examples=150, deadline=None)
@given(events)
def test_an_untouched_chain_verifies(payloads):
    entries = chain(payloads)
    verdict = verify(entries)
    assert verdict.ok and verdict.entries == len(entries) and verdict.head_hash == entries[-1].hash


@settings(max_examples=150, deadline=None)
@given(events, st.data())
def test_a_changed_event_is_found_at_its_seq(payloads, data):
    entries = chain(payloads)
    at = data.draw(st.integers(0, len(entries) - 1))
    forged = dict(json.loads(entries[at].event))
    forged["forged"] = data.draw(st.text(min_size=1, max_size=5))
    entries[at] = Entry(entries[at].seq, json.dumps(forged), entries[at].prev_hash,
                        entries[at].hash)
    verdict = verify(entries)
    assert not verdict.ok and verdict.first_bad_seq == at + 1 and verdict.entries == at


@settings(max_examples=150, deadline=None)
@given(events, st.data())
def test_a_removed_or_rehashed_entry_breaks_the_chain_there(payloads, data):
    entries = chain(payloads)
    assume(len(entries) >= 2)
    at = data.draw(st.integers(0, len(entries) - 2))
    removed = entries[:at] + entries[at + 1:]
    assert verify(removed).first_bad_seq == entries[at + 1].seq
    # Re-hashing one entry to hide a change still breaks the link to the next one.
    forged_text = canonical_json({"forged": True}).decode("utf-8")
    rehashed = Entry(entries[at].seq, forged_text, entries[at].prev_hash,
                     entry_hash(entries[at].prev_hash, forged_text.encode("utf-8")))
    verdict = verify(entries[:at] + [rehashed] + entries[at + 1:])
    assert verdict.first_bad_seq == at + 2 and "prev_hash" in verdict.reason
