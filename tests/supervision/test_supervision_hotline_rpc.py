"""The hotline measures through supervision's RPC on both stores: a month's measures per unit,
narrowed to the units the caller reads, each with its numerator, denominator and seqs; a month
not spelled YYYY-MM, or none, is refused naming the field; an enterprise reads none."""
from __future__ import annotations

import datetime as dt

from kernel.envelope import format_time
from test_supervision_rpc import (  # noqa: F401 - the fixtures
    ENTERPRISE, LAND, OFFICE, T0, TAX, audit, dispatched, engine, event, raised, refused,
)


def test_a_months_measures_per_unit_as_each_caller_may_read_them(audit):
    seqs = audit.ledger.take("tickets", [
        raised("t-1", T0), dispatched("t-1", "zhanggong-tax", T0, T0 + dt.timedelta(days=1)),
        event("t-1", "ticket", "TicketSignedFor", 3, T0 + dt.timedelta(hours=2), {
            "unit": "zhanggong-tax",
            "resolution_due": format_time(T0 + dt.timedelta(days=10))}),
        event("t-1", "ticket", "TicketResolved", 4, T0 + dt.timedelta(days=2),
              {"summary": "办结", "unit": "zhanggong-tax", "on_time": True}),
        raised("t-2", T0), dispatched("t-2", "city-land", T0, T0 + dt.timedelta(days=1)),
        event("t-2", "ticket", "TicketReturned", 3, T0 + dt.timedelta(hours=3), {
            "unit": "city-land", "reason": "职能不符", "legal_basis": "三定方案",
            "dispatch_version": 2, "dispatched_at": format_time(T0),
            "return_until": format_time(T0 + dt.timedelta(days=2))})])

    month = audit.hotline_measures(OFFICE, {"month": "2026-05"})
    assert month["month"] == "2026-05" and month["basic_satisfied"] is True
    by_unit = {u["unit"]: u["measures"] for u in month["units"]}
    assert set(by_unit) == {"zhanggong-tax", "city-land"}
    tax, land = by_unit["zhanggong-tax"], by_unit["city-land"]
    # tax: signed and resolved in time 1/1, no return of 1 dispatch, not called back 0/1
    assert (tax["signing"]["numerator"], tax["signing"]["denominator"]) == (1, 1)
    assert (tax["completion"]["numerator"], tax["completion"]["denominator"]) == (1, 1)
    assert (tax["returns"]["numerator"], tax["returns"]["denominator"]) == (0, 1)
    assert (tax["callback"]["numerator"], tax["callback"]["denominator"]) == (0, 1)
    assert tax["callback"]["label"] == "回访率"
    # land: one return of its one dispatch, cited by both entries
    assert (land["returns"]["numerator"], land["returns"]["denominator"]) == (1, 1)
    assert land["returns"]["value"] == 1.0 and land["returns"]["seqs"] == [seqs[5], seqs[6]]
    assert land["satisfaction"]["value"] is None

    # a unit officer reads his own unit's; another month holds nothing
    assert [u["unit"] for u in audit.hotline_measures(TAX, {"month": "2026-05"})["units"]] == [
        "zhanggong-tax"]
    assert [u["unit"] for u in audit.hotline_measures(LAND, {"month": "2026-05"})["units"]] == [
        "city-land"]
    assert audit.hotline_measures(OFFICE, {"month": "2026-06"})["units"] == []

    for given in ({"month": "2026-13"}, {"month": "May"}, {}):
        refusal = refused(audit.hotline_measures, OFFICE, given)
        assert refusal.field == "month", given
    refused(audit.hotline_measures, ENTERPRISE, {"month": "2026-05"})
