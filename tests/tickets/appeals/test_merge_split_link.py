"""合并, 拆分 and 关联 on the appeal (`Ticket.merge_in`, `split`, `link_related`, `rate_merged`) and
what each reader is shown across the appeals they join (`merging.shown_to`). Pure, no I/O."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kernel import errors
from kernel.actor import Actor
from services.tickets.appeals import exceptions as ex, merging
from services.tickets.appeals.appeal_view import AppealView
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST, SECOND, THIRD = "91350100M000100Y43", "91360702MA35G0QX4J", "91360781MA35XY123U"
office = Actor("clerk", "office")
lead = Actor("li", "unit_officer", unit="finance_bureau")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def raised(ticket_id: str, uscc: str, number: int, title="园区道路积水") -> Ticket:
    return Ticket.raise_appeal(
        ticket_id, ledger_number=f"GZ-2026-{number:06d}", enterprise_name=f"企业{number}",
        uscc=uscc, title=title, description="雨后积水严重，影响运输。", channel="hotline",
        category="financing", county="zhanggong", at=at(3, 2), actor=office,
        policy=DeadlinePolicy())


def three() -> tuple[Ticket, Ticket, Ticket]:
    return raised("a", FIRST, 1), raised("b", SECOND, 2), raised("c", THIRD, 3)


def facts_of(*tickets):
    return [fact.type for ticket in tickets for fact in ticket.pending()]


def test_the_office_merges_duplicates_each_pointing_at_the_survivor():
    survivor, b, c = three()
    [merged] = survivor.merge_in(appeals=[b, c], reason="同一积水问题", at=at(3, 3), actor=office)
    assert merged.type == "AppealsMerged"
    assert merged.payload["merged"] == [
        {"ticket_id": "b", "ledger_number": "GZ-2026-000002", "uscc": SECOND},
        {"ticket_id": "c", "ledger_number": "GZ-2026-000003", "uscc": THIRD}]
    for other in (b, c):
        assert other.status == "merged" and other.survivor_id == "a"
        assert other.pending()[-1].payload == {"survivor_id": "a",
                                               "survivor_ledger_number": "GZ-2026-000001",
                                               "reason": "同一积水问题"}
    assert survivor.status == "received"
    view = AppealView.fold("b", b.pending())
    assert view["links"][0]["kind"] == "merged_into" and view["links"][0]["ticket_id"] == "a"


def test_a_merge_refused_anywhere_records_nothing_on_any_appeal():
    survivor, b, c = three()
    versions = [t.version for t in (survivor, b, c)]
    with pytest.raises(ex.SameAppeal) as refused:
        survivor.merge_in(appeals=[b, survivor], reason="重复", at=at(3, 3), actor=office)
    assert refused.value.field == "appeals"
    with pytest.raises(ex.AppealNamedTwice):
        survivor.merge_in(appeals=[b, b], reason="重复", at=at(3, 3), actor=office)
    with pytest.raises(errors.FieldRequired):
        survivor.merge_in(appeals=[], reason="重复", at=at(3, 3), actor=office)
    with pytest.raises(errors.RoleNotAllowed):
        survivor.merge_in(appeals=[b], reason="重复", at=at(3, 3), actor=lead)
    assert [t.version for t in (survivor, b, c)] == versions
    survivor.merge_in(appeals=[b], reason="重复", at=at(3, 3), actor=office)
    # Merged once, it is ended: neither merged again nor acted on.
    with pytest.raises(ex.TicketMergedAway):
        c.merge_in(appeals=[b], reason="重复", at=at(3, 4), actor=office)
    with pytest.raises(ex.TicketMergedAway):
        b.dispatch(lead_unit="finance_bureau", at=at(3, 4), actor=office)


def test_each_merged_enterprise_rates_its_own_outcome_once_the_survivor_is_resolved():
    survivor, b, c = three()
    survivor.merge_in(appeals=[b, c], reason="重复", at=at(3, 3), actor=office)
    b_owner = Actor("b-boss", "enterprise", uscc=SECOND)
    with pytest.raises(ex.SurvivorNotResolved):
        b.rate_merged(rating="satisfied", survivor=survivor, at=at(3, 4), actor=b_owner)
    with pytest.raises(errors.Forbidden):
        c.rate_merged(rating="satisfied", survivor=survivor, at=at(3, 4), actor=b_owner)
    survivor.dispatch(lead_unit="finance_bureau", at=at(3, 3), actor=office)
    survivor.sign_for(at=at(3, 3), actor=lead)
    survivor.classify(way="unsolvable", explanation="已排水", at=at(3, 4), actor=lead)
    survivor.resolve(summary="已疏通排水管", at=at(3, 5), actor=lead)
    [rated] = b.rate_merged(rating="unsatisfied", comment="仍积水", survivor=survivor,
                            at=at(3, 6), actor=b_owner)
    assert rated.type == "MergedAppealRated"
    assert rated.payload == {"rating": "unsatisfied", "comment": "仍积水", "via": "enterprise",
                             "survivor_id": "a"}
    # Its own rating, on its own appeal: the survivor's stays unrated, and waits for its own.
    assert survivor.status == "resolved" and survivor.rating is None
    with pytest.raises(ex.MergedOutcomeAlreadyRated):
        b.rate_merged(rating="satisfied", survivor=survivor, at=at(3, 7), actor=b_owner)
    c.rate_merged(rating="satisfied", survivor=survivor, at=at(3, 7), actor=office)
    assert AppealView.fold("c", c.pending())["ratings"][0]["via"] == "follow_up_call"


def test_an_enterprise_sees_only_its_own_merged_appeal_and_the_survivors_progress():
    survivor, b, c = three()
    survivor.merge_in(appeals=[b, c], reason="重复", at=at(3, 3), actor=office)
    survivor_view = AppealView.fold("a", survivor.pending())
    b_view = AppealView.fold("b", b.pending())
    # The survivor's own enterprise is not shown the others' merged appeals.
    first = merging.shown_to(Actor("a-boss", "enterprise", uscc=FIRST), survivor_view)
    assert [link for link in first["links"] if link["kind"] == "merged_from"] == []
    assert len(merging.shown_to(office, survivor_view)["links"]) == 2
    # The merged enterprise: its own appeal, with the survivor's progress and nothing of whose.
    second = merging.shown_to(Actor("b-boss", "enterprise", uscc=SECOND), b_view, survivor_view)
    assert set(second["survivor"]) == set(merging.SURVIVOR_PROGRESS)
    assert "enterprise_name" not in second["survivor"] and "uscc" not in second["survivor"]
    assert second["survivor"]["ledger_number"] == "GZ-2026-000001"
    entry = {"type": "AppealsMerged", "payload": survivor.pending()[-1].payload}
    shown = merging.history_shown_to(Actor("b-boss", "enterprise", uscc=SECOND), entry)
    assert [m["ticket_id"] for m in shown["payload"]["merged"]] == ["b"]


def numbering():
    numbers = iter(range(10, 100))
    return lambda: (f"part-{next(numbers)}", f"GZ-2026-{next(numbers):06d}")


def test_the_office_splits_an_appeal_into_new_numbered_appeals_each_linked_back():
    original = raised("a", FIRST, 1, title="积水和用电两件事")
    raised_payload = original.pending()[0].payload
    [split] = original.split(matters=[
        {"title": "园区道路积水", "description": "雨后积水。"},
        {"title": "用电增容慢", "description": "增容审批慢。", "category": "land_and_energy"},
    ], reason="一件诉求含两项事项", raised=raised_payload, numbering=numbering(), at=at(3, 3),
        actor=office)
    assert original.status == "split"
    first, second = original.split_parts
    assert split.payload["parts"] == [
        {"ticket_id": first.id, "ledger_number": first.ledger_number, "title": "园区道路积水",
         "category": "financing"},
        {"ticket_id": second.id, "ledger_number": second.ledger_number, "title": "用电增容慢",
         "category": "land_and_energy"}]
    for part in (first, second):
        assert part.status == "received" and part.uscc == FIRST
        fact = part.pending()[0]
        assert fact.type == "TicketRaised"
        assert fact.payload["split_from"] == {"ticket_id": "a", "ledger_number": "GZ-2026-000001"}
        assert fact.payload["received_at"] == raised_payload["received_at"]
    assert AppealView.fold(first.id, first.pending())["links"][0]["kind"] == "split_from"
    assert [link["kind"] for link in AppealView.fold("a", original.pending())["links"]] == [
        "split_into", "split_into"]
    with pytest.raises(ex.TicketSplitAway):
        original.dispatch(lead_unit="finance_bureau", at=at(3, 4), actor=office)


def test_a_split_needs_two_matters_each_checked_by_field():
    original = raised("a", FIRST, 1)
    payload = original.pending()[0].payload
    for matters, error, field in (
            ([{"title": "一", "description": "一"}], ex.TooFewMatters, "matters"),
            ("两件事", errors.NotAList, "matters"),
            ([{"title": "一", "description": "一"}, {"title": " "}], errors.FieldRequired,
             "matters[1].title"),
            ([{"title": "一", "description": "一"}, {"title": "二", "description": "二",
                                                     "category": "weather"}],
             errors.UnknownCode, "matters[1].category")):
        with pytest.raises(error) as refused:
            original.split(matters=matters, reason="多项", raised=payload, numbering=numbering(),
                           at=at(3, 3), actor=office)
        assert refused.value.field == field
    assert original.status == "received" and original.split_parts == []


def test_any_appeal_links_to_another_as_related_and_both_show_it():
    a, b, _ = three()
    a.dispatch(lead_unit="finance_bureau", at=at(3, 3), actor=office)
    [linked] = a.link_related(other=b, note="同一园区", at=at(3, 4), actor=office)
    assert linked.payload == {"ticket_id": "b", "ledger_number": "GZ-2026-000002",
                              "note": "同一园区"}
    assert b.pending()[-1].payload["ticket_id"] == "a"
    for ticket, other in ((a, "b"), (b, "a")):
        [link] = AppealView.fold(ticket.id, ticket.pending())["links"]
        assert (link["kind"], link["ticket_id"], link["note"]) == ("related", other, "同一园区")
    with pytest.raises(ex.AlreadyLinked):
        a.link_related(other=b, at=at(3, 5), actor=office)
    with pytest.raises(ex.SameAppeal):
        a.link_related(other=a, at=at(3, 5), actor=office)
    with pytest.raises(errors.RoleNotAllowed):
        a.link_related(other=b, at=at(3, 5), actor=lead)


def test_a_merged_or_split_appeal_has_nothing_due_so_the_deadline_watch_leaves_it():
    survivor, b, _ = three()
    b.dispatch(lead_unit="finance_bureau", at=at(3, 2, 11), actor=office)
    assert b.deadlines["sign"] is not None
    survivor.merge_in(appeals=[b], reason="重复", at=at(3, 3), actor=office)
    assert set(b.deadlines.values()) == {None}
    original = raised("s", FIRST, 9)
    original.dispatch(lead_unit="finance_bureau", at=at(3, 2, 11), actor=office)
    original.split(matters=[{"title": "一", "description": "一"}, {"title": "二", "description": "二"}],
                   reason="两项", raised=original.pending()[0].payload, numbering=numbering(),
                   at=at(3, 3), actor=office)
    assert set(original.deadlines.values()) == {None}
