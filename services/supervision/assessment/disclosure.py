"""What of the year's assessment, and of an evaluation round, each reader is shown (notice
二(五)2-3 with the campaign's rules):

- Other units' scores stay with the office, the supervision group (督查考核组) and the leaders
  until the office publishes a ranking (a recorded act: RankingPublished). A unit officer is
  shown his own unit's figures, its score and its rank among all ranked (`rank: 3, of: 27`) in
  every read of the assessment — the assessment, the ranking, the records, the dashboard and the
  exports — and nothing of another unit: not its line, its trend, its place below the floor, or
  the seqs behind its figures. The whole city's line (全市) is everyone's together and stays.
  Once the office has published, the published ranking (place, unit, name and score of each)
  is shown to every reader; other units' figures are not part of it.
- Raters' identities stay with the office: a rating of an evaluation round is shown to anyone
  else without the enterprise that gave it, and to the rated unit only where the unit has at
  least `MIN_RATINGS_SHOWN` ratings in the round (fewer would name the rater by elimination):
  below that, the unit sees the round's count and means for it, not each rating.

Plain Python, no I/O: the snapshots come in as the aggregates give them.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

CITY = ""                   # the whole city's trend series (`supervision.assessment.CITY`)
MIN_RATINGS_SHOWN = 3
RANKING_FIELDS = ("rank", "unit", "name", "score")


def ranked_count(units: Iterable[Mapping]) -> int:
    """How many units hold a place in the ranking (those not scored hold none)."""
    return sum(1 for unit in units if unit.get("rank") is not None)


def placed(unit: Mapping, of: int) -> dict:
    """A unit's line of the ranking with the count it is ranked among."""
    return {**{key: unit.get(key) for key in RANKING_FIELDS},
            "below_floor": unit.get("below_floor", False), "of": of}


def own_assessment(computed: Mapping, unit: str, published: Mapping | None = None) -> dict:
    """The assessment's snapshot (`Assessment.to_dict`) as a unit officer of `unit` is shown
    it: his own unit's line with `of`, the ranking (the published one, else his own line), the
    floor, trends and seqs of his own unit only."""
    of = ranked_count(computed.get("units", ()))
    own = [{**u, "of": of} for u in computed.get("units", ()) if u["unit"] == unit]
    shown = {**computed, "units": own,
             "ranking": (published_ranking(published) if published is not None
                         else [placed(u, of) for u in own]),
             "below_floor": [u["unit"] for u in own if u.get("below_floor")],
             "trends": {code: months for code, months in (computed.get("trends") or {}).items()
                        if code == unit},
             "trend_series": [series for series in computed.get("trend_series") or ()
                              if series.get("unit") in (CITY, unit)],
             "seqs": sorted({seq for u in own for seq in u.get("seqs", ())})}
    return shown


def published_ranking(published: Mapping) -> list[dict]:
    of = published.get("of") or ranked_count(published.get("ranking", ()))
    return [{**{key: line.get(key) for key in RANKING_FIELDS}, "of": of}
            for line in published.get("ranking", ())]


def publication(computed: Mapping) -> list[dict]:
    """What publishing records: each unit's place, code, name and score, best first."""
    return [{key: u.get(key) for key in RANKING_FIELDS} for u in computed.get("units", ())]


def own_records(records: Iterable[Mapping], unit: str) -> list[dict]:
    """The records on the assessment that concern `unit`: a commendation shows only its own
    line (others' scores are theirs), any other record only if it is about the unit."""
    shown = []
    for record in records:
        if record.get("kind") == "commendation":
            mine = [u for u in record.get("units", ()) if u.get("unit") == unit]
            if mine:
                shown.append({**record, "units": mine,
                              "seqs": sorted({s for u in mine for s in u.get("seqs", ())})})
        elif record.get("unit") == unit:
            shown.append(dict(record))
    return shown


# -- evaluation rounds ----------------------------------------------------------------------

def anonymous(rating: Mapping) -> dict:
    """A rating without who gave it."""
    return {key: value for key, value in rating.items() if key != "uscc"}


def round_for(snapshot: Mapping, *, role: str, uscc: str | None = None,
              units: set[str] | None = None) -> dict:
    """An evaluation round's snapshot as a reader in `role` is shown it: the office whole; an
    enterprise its own ratings; anyone else the ratings without their raters, of the units in
    `units` (None: every unit), a unit's ratings withheld where they are fewer than
    `MIN_RATINGS_SHOWN`."""
    ratings = list(snapshot.get("ratings", ()))
    if role == "office":
        return dict(snapshot)
    if role == "enterprise":
        return {**snapshot, "ratings": [r for r in ratings if r.get("uscc") == uscc]}
    counts: dict[str, int] = {}
    for rating in ratings:
        counts[rating["unit"]] = counts.get(rating["unit"], 0) + 1
    shown = [anonymous(r) for r in ratings if (units is None or r["unit"] in units)
             and (role != "unit_officer" or counts[r["unit"]] >= MIN_RATINGS_SHOWN)]
    # the order they came in would tell who rated when: by unit and marks instead
    shown.sort(key=lambda r: (r["unit"], -r.get("work_done", 0), -r.get("problems_fixed", 0),
                              r.get("comment", "")))
    for rating in shown:
        rating.pop("rated_at", None)
    results = [line for line in snapshot.get("results", ())
               if units is None or line["unit"] in units]
    return {**snapshot, "ratings": shown, "results": results,
            "units": [u for u in snapshot.get("units", ()) if units is None or u in units]}
