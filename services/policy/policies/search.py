"""Chinese search over the policy registry (政策检索): the term index `policy_terms` and the
question "which policies match q, best first".

How terms are made is `terms` (character bigrams, no dictionary). Here:

- `index_policy` writes a policy's terms afresh from its snapshot's current text (the draft's, or
  the latest published version's; earlier versions are not searched): one row per (policy,
  field, term) with how often the term occurs in that field.
- `search` asks for the policies holding every term of the query (AND: GROUP BY ... HAVING
  COUNT(DISTINCT term) = n), ranked by the weighted count of the query's terms (a title hit
  weighs 5, the 文号 4, the summary 2, the full text 1), then by id; then each is confirmed by
  the substring check of `terms.contains` against its current text, so bigrams found apart do
  not count as the query's phrase. The same SQL runs on SQLite and PostgreSQL.

Filters (level, cost category, unit, in force on, status) are the caller's: `ids_allowed` takes
a `sa.Select` of the candidate ids (or the ids themselves), which becomes `policy_id IN (...)`.
The index is a projection of the policy log: `projections.rebuild` calls `reindex`.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence

import sqlalchemy as sa

from services.policy.policies import terms as words

metadata = sa.MetaData()
policy_terms = sa.Table(
    "policy_terms", metadata,
    sa.Column("policy_id", sa.String(100), primary_key=True),
    sa.Column("field", sa.String(20), primary_key=True),
    sa.Column("term", sa.String(words.TERM_LIMIT), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Index("ix_policy_terms_term_policy_id", "term", "policy_id"),
)

# How much a hit in each field weighs in the ranking: a title naming the query says more than a
# passing mention in a long text. Kept out of the rows, so changing a weight needs no reindex.
WEIGHTS = {"title": 5, "document_number": 4, "summary": 2, "full_text": 1}
FIELDS = tuple(WEIGHTS)
# Candidates confirmed per read of their texts.
CONFIRM_BATCH = 200

# The policy read model (migration p0001): a row per policy, its snapshot as JSON in `state`. Named
# here without importing the projections module, which imports this one.
_policy_rows = sa.table("policy_rows", sa.column("id", sa.String), sa.column("state", sa.Text))


# texts(connection, ids) -> {policy_id: the snapshot (or any dict with the FIELDS)}
Texts = Callable[[sa.Connection, Sequence[str]], Mapping[str, Mapping]]


def rows_of(snapshot: Mapping) -> list[dict]:
    """The index rows of one policy's current text."""
    rows = []
    for field in FIELDS:
        for term, count in sorted(words.terms(snapshot.get(field) or "").items()):
            rows.append({"policy_id": snapshot["id"], "field": field, "term": term,
                         "count": count})
    return rows


def searchable_text(snapshot: Mapping) -> str:
    """The policy's current text as the substring check reads it; fields kept apart, so a phrase
    never runs from the title into the summary."""
    return " ".join(words.searchable(snapshot.get(field) or "") for field in FIELDS)


def remove(connection: sa.Connection, policy_id: str) -> None:
    connection.execute(policy_terms.delete().where(policy_terms.c.policy_id == policy_id))


def index_policy(connection: sa.Connection, snapshot: Mapping) -> None:
    """Replace the policy's rows by those of its current text (`Policy.snapshot()`). A snapshot
    with no status (no such policy) leaves it unindexed."""
    remove(connection, snapshot["id"])
    if snapshot.get("status") is None:
        return
    rows = rows_of(snapshot)
    if rows:
        connection.execute(policy_terms.insert(), rows)


def reindex(connection: sa.Connection, snapshots: Iterable[Mapping] | None = None) -> int:
    """Drop the whole index and write it again from `snapshots` (default: every policy's
    snapshot in policy_rows.state, as `projections.rebuild` leaves them); return how many
    policies were indexed."""
    connection.execute(policy_terms.delete())
    if snapshots is None:
        snapshots = (json.loads(state) for state in connection.execute(
            sa.select(_policy_rows.c.state).order_by(_policy_rows.c.id)).scalars())
    count = 0
    for snapshot in snapshots:
        index_policy(connection, snapshot)
        count += 1
    return count


# -- asking --------------------------------------------------------------------------------

def texts_from_policy_rows(connection: sa.Connection, ids: Sequence[str]) -> dict[str, dict]:
    """The default `texts`: the snapshots kept in policy_rows.state."""
    rows = connection.execute(sa.select(_policy_rows.c.id, _policy_rows.c.state)
                              .where(_policy_rows.c.id.in_(list(ids))))
    return {row.id: json.loads(row.state) for row in rows}


def _weight() -> sa.ColumnElement:
    return sa.case(*((policy_terms.c.field == field, weight) for field, weight in WEIGHTS.items()),
                   else_=0)


def ranked(q: str, ids_allowed: sa.Select | Iterable[str] | None = None) -> sa.Select | None:
    """The statement of the policies holding every term of `q`, best first, as (policy_id,
    score); None when the query has no terms (only punctuation, say)."""
    asked = words.query_terms(q)
    if not asked:
        return None
    score = sa.func.sum(_weight() * policy_terms.c["count"]).label("score")
    statement = (sa.select(policy_terms.c.policy_id, score)
                 .where(policy_terms.c.term.in_(asked))
                 .group_by(policy_terms.c.policy_id)
                 .having(sa.func.count(sa.distinct(policy_terms.c.term)) == len(asked))
                 .order_by(score.desc(), policy_terms.c.policy_id))
    if ids_allowed is not None:
        if not isinstance(ids_allowed, sa.Select):
            ids_allowed = list(ids_allowed)
        statement = statement.where(policy_terms.c.policy_id.in_(ids_allowed))
    return statement


def search(connection: sa.Connection, q: str, *,
           ids_allowed: sa.Select | Iterable[str] | None = None, limit: int | None = 50,
           offset: int = 0, texts: Texts | None = None) -> list[tuple[str, int]]:
    """The policies matching `q`, best first, as (policy_id, score): `offset` of them skipped,
    at most `limit` (None: all). [] for a query without terms.

    `ids_allowed`: the candidates (a `sa.Select` of one column of policy ids, or the ids), e.g.
    the caller's filtered query over policy_rows. `texts(connection, ids)`: the snapshots to
    confirm against (default: policy_rows.state); read only when the index alone is not proof.
    """
    statement = ranked(q, ids_allowed)
    if statement is None:
        return []
    end = None if limit is None else offset + limit
    if not words.needs_confirming(q):
        # Every segment of the query is one term: finding it is finding the segment.
        if limit is not None:
            statement = statement.limit(limit)
        if offset:
            statement = statement.offset(offset)
        return [(row.policy_id, int(row.score)) for row in connection.execute(statement)]
    candidates = [(row.policy_id, int(row.score)) for row in connection.execute(statement)]
    texts = texts or texts_from_policy_rows
    confirmed: list[tuple[str, int]] = []
    for start in range(0, len(candidates), CONFIRM_BATCH):
        batch = candidates[start:start + CONFIRM_BATCH]
        snapshots = texts(connection, [policy_id for policy_id, _ in batch])
        for policy_id, score in batch:
            snapshot = snapshots.get(policy_id)
            if snapshot is not None and words.contains(q, searchable_text(snapshot)):
                confirmed.append((policy_id, score))
        if end is not None and len(confirmed) >= end:
            break
    return confirmed[offset:end]
