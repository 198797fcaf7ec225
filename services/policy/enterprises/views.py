"""The enterprises as matching (精准推送) sees them: `policy_enterprises`, one row per enterprise,
kept from the liaison service's events, so matching answers with the liaison service down.

The liaison service records (stream_type "enterprise", stream_id the uscc):
EnterpriseRegistered {uscc, name, county, park, industry, size, above_designated_size},
EnterpriseProfileChanged {the changed fields among name, county, park, industry, size,
above_designated_size} and EnterpriseTierRated {tier, rated_by}. The reactions
(`reactions.SUBSCRIPTIONS`, consumer `CONSUMER`) fold them into the row with `take_in`:

- Each field remembers the stream version of the event that last set it (`field_versions`), and
  an event sets only the fields it carries whose version is older than its own. A redelivered
  event changes nothing; an older event arriving after a newer one does not undo it, yet still
  fills in what no newer event has set (a registration arriving after a change, say).
  `version` is the highest stream version taken in, `updated_at` that event's time.
- An enterprise not yet rated (no EnterpriseTierRated) has tier None. It cannot meet a policy
  limited to operating tiers (notice 三(一)1 rates every enterprise 较好/一般/困难; until it is
  rated, nobody can say it is in the tier), and meets a policy open to every tier as any other
  enterprise does. `explain` says so in words: "运营档次: 未评定".
- A row still lacking industry, size, county or the above-designated-size flag (a change that
  arrived before the registration) is not yet a profile: `profile` answers None and matching
  skips it.

This table is not folded from the policy log, so `projections.rebuild` leaves it alone; it is
rebuilt by replaying the liaison log to the consumer (reset its checkpoint and handled events).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from kernel import checks
from kernel.envelope import Event
from services.policy.enterprises.exceptions import EnterpriseNotKnown
from services.policy.policies import matching
from services.policy.policies.criteria import criteria as checked_criteria
from services.policy.policies.domain import office_day_of
from services.policy.policies.matching import EnterpriseProfile, Verdict
from services.policy.vocabulary import IN_FORCE, EnterpriseSize, OperatingTier

metadata = sa.MetaData()
policy_enterprises = sa.Table(
    "policy_enterprises", metadata,
    sa.Column("uscc", sa.String(18), primary_key=True),
    sa.Column("name", sa.String(200)),
    sa.Column("county", sa.String(100)),
    sa.Column("park", sa.String(100)),
    sa.Column("industry", sa.String(100)),
    sa.Column("size", sa.String(40)),
    sa.Column("above_designated_size", sa.Boolean),
    sa.Column("tier", sa.String(40)),
    sa.Column("updated_at", sa.String(32)),
    # The highest stream version taken in, and per field the version that last set it (JSON).
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("field_versions", sa.Text, nullable=False),
    sa.Index("ix_policy_enterprises_industry", "industry"),
    sa.Index("ix_policy_enterprises_county", "county"),
)

SOURCE = "liaison"
CONSUMER = "enterprises"
STREAM_TYPE = "enterprise"
PROFILE_FIELDS = ("name", "county", "park", "industry", "size", "above_designated_size")
FIELDS = (*PROFILE_FIELDS, "tier")
# What a row needs before it is a profile matching can read (tier may wait: see above).
REQUIRED = ("industry", "size", "county", "above_designated_size")
UNRATED = "未评定"


# -- the projection --------------------------------------------------------------------------

def take_in(connection: sa.Connection, event: Event, fields: Mapping) -> bool:
    """Fold the given fields of `event` into its enterprise's row; return whether anything
    changed. Only fields whose last setter is older than the event are written."""
    uscc = event.stream_id
    row = connection.execute(sa.select(policy_enterprises)
                             .where(policy_enterprises.c.uscc == uscc)).first()
    versions = json.loads(row.field_versions) if row else {}
    changes = {field: value for field, value in fields.items()
               if field in FIELDS and versions.get(field, 0) < event.version}
    newest = row is None or event.version > row.version
    if not changes and not newest:
        return False
    versions.update({field: event.version for field in changes})
    values = {**changes, "field_versions": json.dumps(versions, sort_keys=True)}
    if newest:
        values.update(version=event.version, updated_at=event.occurred_at)
    if row is None:
        connection.execute(policy_enterprises.insert().values(uscc=uscc, **values))
    else:
        connection.execute(policy_enterprises.update()
                           .where(policy_enterprises.c.uscc == uscc).values(**values))
    return True


# -- profiles --------------------------------------------------------------------------------

def _profile_of(row) -> EnterpriseProfile | None:
    if row is None or any(getattr(row, field) is None for field in REQUIRED):
        return None
    if row.size not in EnterpriseSize.codes():
        # A size the policy service does not know cannot be matched against sizes.
        return None
    tier = row.tier if row.tier in OperatingTier.codes() else None
    return EnterpriseProfile(uscc=row.uscc, industry=row.industry, size=row.size,
                             county=row.county, tier=tier,
                             above_designated_size=bool(row.above_designated_size))


def profile(connection: sa.Connection, uscc: str) -> EnterpriseProfile | None:
    """The enterprise's profile (tier None if not yet rated), or None when it is not known or
    still incomplete. `uscc` is checked and compacted (InvalidCreditCode if it is not one)."""
    uscc = checks.credit_code(uscc)
    return _profile_of(connection.execute(
        sa.select(policy_enterprises).where(policy_enterprises.c.uscc == uscc)).first())


def row(connection: sa.Connection, uscc: str) -> dict | None:
    """The enterprise's row as kept (name and park included), or None."""
    found = connection.execute(sa.select(policy_enterprises)
                               .where(policy_enterprises.c.uscc == uscc)).first()
    return dict(found._mapping) if found else None


# -- matching, with the unrated taken care of ------------------------------------------------

def _tiers_wanted(criteria: dict | None) -> list[str]:
    return checked_criteria(criteria)["tiers"]


def meets(profile: EnterpriseProfile, criteria: dict | None) -> bool:
    """`matching.meets`, where an unrated enterprise cannot meet a tier criterion."""
    if profile.tier is None and _tiers_wanted(criteria):
        return False
    return matching.meets(profile, criteria)


def _unrated_failure(policy: Mapping) -> tuple[str, str] | None:
    wanted = _tiers_wanted(policy.get("criteria"))
    if not wanted:
        return None
    allowed = "、".join(OperatingTier(code).label for code in wanted)
    return "tiers", f"运营档次: {UNRATED}, 政策仅限 {allowed}"


def explain(profile: EnterpriseProfile, policy: Mapping, at: dt.datetime | dt.date,
            names: Mapping[str, str] | None = None) -> Verdict:
    """`matching.explain`, for an enterprise not yet rated as well: its other criteria are
    checked first, in their order, and the tier criterion (the last) fails in words."""
    if profile.tier is None:
        failure = _unrated_failure(policy)
        if failure is not None:
            criteria = {**checked_criteria(policy.get("criteria")), "tiers": []}
            verdict = matching.explain(profile, {**policy, "criteria": criteria}, at, names)
            if not verdict.eligible:
                return verdict
            return dataclasses.replace(verdict, eligible=False, failed=failure[0],
                                       reason=failure[1])
    return matching.explain(profile, dict(policy), at, names)


def _resolve(connection: sa.Connection, who) -> EnterpriseProfile:
    if isinstance(who, EnterpriseProfile):
        return who
    if isinstance(who, dict):
        return EnterpriseProfile.from_dict(who)
    found = profile(connection, who)
    if found is None:
        raise EnterpriseNotKnown(checks.credit_code(who))
    return found


def match(connection: sa.Connection, who: EnterpriseProfile | dict | str,
          policy_snapshots: Iterable[Mapping], at: dt.datetime | dt.date,
          names: Mapping[str, str] | None = None) -> list[dict]:
    """A verdict per policy given, in their order, as dicts {policy_id, title, eligible, reason,
    failed}: eligible ones say every criterion met, the others the first that failed.
    `who`: a profile, a profile's dict (checked), or a uscc looked up here
    (`EnterpriseNotKnown` if there is no complete profile of it)."""
    enterprise = _resolve(connection, who)
    return [dataclasses.asdict(explain(enterprise, snapshot, at, names))
            for snapshot in policy_snapshots]


def _candidates(connection: sa.Connection, criteria: dict) -> list:
    """The rows that may meet `criteria`: SQL narrows by each criterion, `meets` decides."""
    table = policy_enterprises.c
    where = [getattr(table, field).isnot(None) for field in REQUIRED]
    for field, column in (("industries", table.industry), ("sizes", table.size),
                          ("counties", table.county), ("tiers", table.tier)):
        if criteria[field]:
            where.append(column.in_(criteria[field]))
    if criteria["above_designated_size"] is not None:
        where.append(table.above_designated_size == criteria["above_designated_size"])
    return connection.execute(sa.select(policy_enterprises).where(*where)
                              .order_by(table.uscc)).all()


def newly_eligible(connection: sa.Connection, snapshot: Mapping, previous_criteria: dict | None,
                   at: dt.datetime | dt.date | None = None,
                   names: Mapping[str, str] | None = None) -> list[dict]:
    """The enterprises a policy just published or amended (its `Policy.snapshot()`) now applies
    to and did not under `previous_criteria` (None for a first publication: it applied to
    nobody), by uscc: [{uscc, name, reason}], the reason the criteria met in words.

    A policy not published or amended reaches nobody; nor one whose end date has passed at `at`
    (when given). One whose start date is still ahead does reach them: they learn of it before
    it applies, and its matching verdicts say from when.
    """
    if snapshot.get("status") not in IN_FORCE:
        return []
    until = snapshot.get("effective_until")
    if at is not None and until is not None and office_day_of(at).isoformat() > until:
        return []
    criteria = checked_criteria(snapshot.get("criteria"))
    reached = []
    for found in _candidates(connection, criteria):
        enterprise = _profile_of(found)
        if enterprise is None or not meets(enterprise, criteria):
            continue
        if previous_criteria is not None and meets(enterprise, previous_criteria):
            continue
        reached.append({"uscc": enterprise.uscc, "name": found.name,
                        "reason": matching.assess(enterprise, criteria, names)[1]})
    return reached
