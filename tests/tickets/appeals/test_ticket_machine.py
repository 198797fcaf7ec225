"""Random lives of one appeal: any command, by any actor (right or wrong unit and role), at times
moving forward. Each command either records facts or is refused having recorded nothing, and the
ledger's rules hold after every step, live and replayed alike (what is shown of the appeal beyond
what the aggregate decides on is read from its view, folded from the same facts)."""
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kernel.actor import SYSTEM, Actor
from kernel.errors import DomainError
from kernel.envelope import format_time, parse_time
from kernel.workdays import working_days_between
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Status, Ticket
from services.tickets.appeals.appeal_view import AppealView

OWN_USCC = "91350100M000100Y43"
OTHER_USCC = "91110000600037341L"
UNITS = ["finance_bureau", "tax_bureau", "zhanggong_gov"]
POLICY = DeadlinePolicy()
LATEST = dt.datetime(2026, 7, 31, tzinfo=dt.timezone.utc)

DETAILS = {
    "policy_available": {"policies": ["赣市府发〔2016〕8号"], "guidance": "按第三条申请"},
    "escalate_upward": {"level": "provincial", "report_reference": "报告"},
    "municipal_policy": {"policy_work": "研究修订办法"},
    "county_coordination": {"county_unit": "zhanggong_gov"},
    "unsolvable": {"explanation": "已向企业解释"},
}

# the statuses a fact may follow, and the status it leaves (None: unchanged)
BEFORE = {
    "TicketDispatched": {"received"},
    "TicketRedispatched": {"dispatched", "signed_for", "in_progress", "returned"},
    "TicketReturned": {"dispatched", "signed_for"},
    "TicketReturnRuled": {"returned"},
    "TicketSignedFor": {"dispatched"},
    "TicketClassified": {"signed_for"},
    "PolicyWorkRequested": {"in_progress"},
    "TicketUrged": {"dispatched", "signed_for", "in_progress", "awaiting_upper_level"},
    "ProgressNoted": {"signed_for", "in_progress", "awaiting_upper_level"},
    "UpperLevelFollowedUp": {"awaiting_upper_level"},
    "ExtensionRequested": {"signed_for", "in_progress", "awaiting_upper_level"},
    "ExtensionGranted": {"signed_for", "in_progress", "awaiting_upper_level"},
    "ExtensionRefused": {"signed_for", "in_progress", "awaiting_upper_level"},
    "TicketResolved": {"in_progress", "awaiting_upper_level"},
    "TicketRated": {"resolved"},
    "TicketSentBack": {"rated"},
    "TicketClosedOff": {"rated", "resolved"},
    "TicketReopened": {"closed"},
    "TicketDeadlineMissed": {s.value for s in Status} - {"closed"},
    "DuplicateAppealLinked": {s.value for s in Status} - {"closed"},
}
# The assisting units' own tasks (协办): opened by the dispatch just recorded, ended by a
# redispatch before it, acted on while the appeal is handled, marked missed while open.
HANDLED = {"dispatched", "signed_for", "in_progress", "awaiting_upper_level"}
BEFORE.update({
    "AssistTaskOpened": {"dispatched"},
    "AssistTaskWithdrawn": {"dispatched", "signed_for", "in_progress", "returned"},
    "AssistTaskSignedFor": HANDLED, "AssistTaskAnswered": HANDLED, "AssistTaskWaived": HANDLED,
    # a task's own due runs on while the appeal is returned to the office (退回)
    "AssistTaskMissed": HANDLED | {"returned"},
})
# 回访: once resolved, until closed off; a callback's rating may follow the enterprise's own.
BEFORE.update({"TicketCalledBack": {"resolved", "rated"}, "TicketRated": {"resolved", "rated"},
               "TicketSentBack": {"rated"}})
GOOD = ("very_satisfied", "satisfied", "basically_satisfied")
BAD = ("unsatisfied", "very_unsatisfied")
ROLES = {
    "TicketDispatched": {"office"}, "TicketRedispatched": {"office"}, "TicketUrged": {"office"},
    "TicketSignedFor": {"unit_officer"}, "TicketClassified": {"unit_officer"},
    "PolicyWorkRequested": {"unit_officer"}, "ProgressNoted": {"unit_officer", "office"},
    "UpperLevelFollowedUp": {"unit_officer"}, "ExtensionRequested": {"unit_officer"},
    "ExtensionGranted": {"office"}, "ExtensionRefused": {"office"}, "TicketResolved": {"unit_officer"},
    "TicketRated": {"enterprise", "office"}, "TicketSentBack": {"enterprise", "office"},
    "TicketClosedOff": {"office", "system"}, "TicketReopened": {"office"},
    "TicketDeadlineMissed": {"system"}, "DuplicateAppealLinked": {"office", "system"},
    "TicketReturned": {"unit_officer"}, "TicketReturnRuled": {"office"},
}
ROLES.update({
    "AssistTaskOpened": {"office"}, "AssistTaskWithdrawn": {"office"},
    "AssistTaskSignedFor": {"unit_officer"}, "AssistTaskAnswered": {"unit_officer"},
    "AssistTaskWaived": {"office"}, "AssistTaskMissed": {"system"},
})
ROLES["TicketCalledBack"] = {"office"}
# 差评整改: a bad rating opens a rectification right after it sends the appeal back; the
# rectification then runs on its own clock, whatever became of the appeal.
EVERY_STATUS = {s.value for s in Status}
BEFORE.update({
    "RectificationOpened": {"in_progress"},
    "RectificationClassified": EVERY_STATUS, "RectificationCompleted": EVERY_STATUS,
    "RectificationDisputeRuled": EVERY_STATUS, "RectificationMissed": EVERY_STATUS,
    "TicketDeadlineMissed": EVERY_STATUS - {"closed"},
})
ROLES.update({
    "RectificationOpened": {"enterprise", "office"},
    "RectificationClassified": {"unit_officer"}, "RectificationCompleted": {"unit_officer"},
    "RectificationDisputeRuled": {"office"}, "RectificationMissed": {"system"},
})
RECTIFICATION_WAYS = ("fixed", "planned", "explained", "disputed", "ignored")
# Only the assisting unit itself acts on its task.
OWN_TASK_ONLY = {"AssistTaskSignedFor", "AssistTaskAnswered"}
LEAD_ONLY = {"TicketSignedFor", "TicketClassified", "UpperLevelFollowedUp", "ExtensionRequested",
             "TicketResolved", "TicketReturned"}

# moves that look plausible in a status but break a rule: each must be refused
SUMMARY = {"summary": "已解决"}
UNSOLVABLE = {"way": "unsolvable", "explanation": "已解释"}
SATISFIED = {"rating": "satisfied"}
CALLED = {"reached": True, "resolved": "yes", "rating": "satisfied"}
TEMPTATIONS = {
    "received": [("sign_for", "lead", {}), ("resolve", "lead", SUMMARY), ("rate", "owner", SATISFIED),
                 ("urge", "office", {"message": "快"}), ("close_off", "office", {})],
    "dispatched": [("sign_for", "assisting", {}), ("sign_for", "stranger", {}),
                   ("sign_for_task", "lead", {}), ("answer_task", "lead", {"reply": "代回复"}),
                   ("sign_for_task", "stranger", {}),
                   ("classify", "lead", UNSOLVABLE), ("resolve", "lead", SUMMARY)],
    "signed_for": [("resolve", "lead", SUMMARY), ("classify", "assisting", UNSOLVABLE),
                   ("rate", "owner", SATISFIED), ("sign_for", "lead", {})],
    "in_progress": [("callback", "office", CALLED),
                    ("resolve", "assisting", SUMMARY), ("resolve", "stranger", SUMMARY),
                    ("close_off", "office", {}), ("follow_up_upper_level", "lead", {"note": "n"}),
                    ("classify", "lead", UNSOLVABLE)],
    "awaiting_upper_level": [("resolve", "assisting", SUMMARY), ("classify", "lead", UNSOLVABLE),
                             ("rate", "owner", SATISFIED), ("follow_up_upper_level", "assisting", {"note": "n"})],
    "resolved": [("close_off", "office", {}), ("rate", "other_enterprise", SATISFIED),
                 ("rate", "lead", SATISFIED), ("reopen", "office", {"reason": "r"}), ("resolve", "lead", SUMMARY)],
    "rated": [("callback", "owner", CALLED), ("callback", "lead", CALLED),
              ("rate", "owner", SATISFIED), ("resolve", "lead", SUMMARY), ("reopen", "office", {"reason": "r"}),
              ("close_off", "lead", {})],
    "returned": [("sign_for", "lead", {}), ("classify", "lead", UNSOLVABLE),
                 ("return_appeal", "lead", {"reason": "not_its_area", "legal_basis": "属地"}),
                 ("resolve", "lead", SUMMARY), ("rule_on_return", "lead", {"ruling": "r"}),
                 ("urge", "office", {"message": "快"})],
    "closed": [("note_progress", "lead", {"note": "n"}), ("rate", "owner", SATISFIED),
               ("close_off", "office", {}), ("reopen", "lead", {"reason": "r"}),
               ("rule_on_dispute", "lead", {"ruling": "voided", "reason": "r"})],
}

WRONG = ["lead", "assisting", "other_assisting", "stranger", "office", "system", "owner", "other_enterprise",
         "supervisor", "leader"]
actors = st.sampled_from(["right"] * 6 + WRONG)


def view(ticket: Ticket) -> dict:
    return AppealView.fold(ticket.id, ticket.pending())


class TicketLife(RuleBasedStateMachine):

    @initialize(raiser=st.sampled_from(["owner", "office", "liaison"]))
    def raise_appeal(self, raiser):
        self.now = dt.datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(dt.timezone.utc)
        actor = {"owner": Actor("boss", "enterprise", uscc=OWN_USCC), "office": Actor("clerk", "office"),
                 "liaison": Actor("liu", "liaison")}[raiser]
        self.ticket = Ticket.raise_appeal(
            "ticket-m", ledger_number="GZ-1", enterprise_name="某企业", uscc=OWN_USCC, title="用工难",
            description="招工困难", channel="visit", category="labour", county="zhanggong",
            at=self.now, actor=actor, policy=POLICY,
            # a liaison officer raises in the enterprise's name on the strength of a visit
            visit_id="visit-1" if raiser == "liaison" else None)
        self.shadow_status = "received"
        self.shadow_rating = None
        self.refused = 0
        # 终审: once the office has ruled on a return, no unit returns the appeal again.
        self.ruled = False
        self.dispatched_at = None
        # 重办: the redos counted so far; what the callback being recorded found.
        self.redos = 0
        self.callback_said = None
        # 差评整改: each rectification's unit and status as the facts left it, by number.
        self.rectifications: dict[int, dict] = {}

    # -- actors --

    def actor(self, key: str, right: str) -> Actor:
        key = right if key == "right" else key
        lead = self.ticket.lead_unit or "finance_bureau"
        # with no assisting unit yet, "assisting" is some unit other than the lead
        assisting = (self.ticket.assisting_units or [unit for unit in UNITS if unit != lead])[0]
        # the other assisting unit, or the first when there is one only
        other_assisting = (self.ticket.assisting_units or [assisting])[-1]
        stranger = next(unit for unit in [*UNITS, "transport_bureau"]
                        if unit != self.ticket.lead_unit and unit not in self.ticket.assisting_units)
        # the unit a waiting rectification is for, else the lead unit
        waiting = [r["unit"] for r in self.ticket.rectifications
                   if r["status"] in ("open", "planned")]
        rectifier = waiting[0] if waiting else lead
        return {
            "rectifier": Actor("zhou", "unit_officer", unit=rectifier),
            "lead": Actor("li", "unit_officer", unit=lead),
            "assisting": Actor("wang", "unit_officer", unit=assisting),
            "other_assisting": Actor("sun", "unit_officer", unit=other_assisting),
            "stranger": Actor("zhao", "unit_officer", unit=stranger),
            "office": Actor("clerk", "office"),
            "system": SYSTEM,
            "owner": Actor("boss", "enterprise", uscc=OWN_USCC),
            "other_enterprise": Actor("rival", "enterprise", uscc=OTHER_USCC),
            "supervisor": Actor("inspector", "supervisor"),
            "leader": Actor("mayor", "leader"),
        }[key]

    def run(self, command: str, actor: Actor, **kwargs):
        ticket = self.ticket
        state, before, count = ticket.snapshot(), view(ticket), len(ticket.pending())
        try:
            facts = getattr(ticket, command)(at=self.now, actor=actor, **kwargs)
        except DomainError as refusal:
            assert refusal.rule and refusal.message
            assert len(ticket.pending()) == count
            assert ticket.snapshot() == state
            self.refused += 1
            return False
        recorded = ticket.pending()[count:]
        assert facts == recorded
        assert recorded or command == "mark_overdue", f"{command} recorded nothing and raised nothing"
        for fact in recorded:
            self.check_fact(fact, actor, before)
        return True

    def check_fact(self, fact, actor: Actor, before: dict):
        assert self.shadow_status in BEFORE[fact.type], f"{fact.type} after {self.shadow_status}"
        assert actor.role in ROLES[fact.type], f"{actor.role} recorded {fact.type}"
        assert fact.actor == actor.label and fact.occurred_at == self.now
        if fact.type in LEAD_ONLY:
            assert actor.unit == before["lead_unit"]
        if actor.role == "enterprise":
            assert actor.uscc == before["uscc"]
        if fact.type in OWN_TASK_ONLY:
            assert fact.payload["unit"] == actor.unit != before["lead_unit"]
            assert actor.unit in before["assisting_units"]
        if fact.type == "TicketResolved":
            assert all(task["status"] in ("answered", "waived") for task in before["tasks"])
        if fact.type == "TicketClassified":
            self.shadow_status = ("awaiting_upper_level" if fact.payload["way"] == "escalate_upward"
                                  else "in_progress")
        elif fact.type in ("TicketDispatched", "TicketRedispatched"):
            self.shadow_status = "dispatched"
            self.dispatched_at = self.now
        elif fact.type == "TicketReturned":
            assert not self.ruled, "returned after the office ruled (终审)"
            assert fact.payload["dispatched_at"] == format_time(self.dispatched_at)
            # within 2 working days of the dispatch, and the window says so
            assert self.now <= parse_time(fact.payload["return_until"])
            assert working_days_between(self.dispatched_at, self.now) <= 2
            assert fact.payload["unit"] == before["lead_unit"]
            self.shadow_status = "returned"
        elif fact.type == "TicketReturnRuled":
            assert fact.payload["unit"] == before["lead_unit"]
            self.ruled = True
            self.shadow_status = "dispatched"
        elif fact.type == "TicketSignedFor":
            self.shadow_status = "signed_for"
        elif fact.type == "TicketResolved":
            assert before["classification"] is not None and before["signed_for_at"] is not None
            self.shadow_status = "resolved"
        elif fact.type == "TicketCalledBack":
            assert fact.payload["reached"] == (fact.payload["rating"] is not None)
            self.callback_said = fact.payload["resolved"]
        elif fact.type == "TicketRated":
            # Rated again only on a callback (回访) after the enterprise's own rating.
            assert self.shadow_status == "resolved" or self.callback_said is not None
            self.shadow_status, self.shadow_rating = "rated", fact.payload["rating"]
        elif fact.type == "TicketSentBack":
            assert self.shadow_rating in BAD or self.callback_said in ("no", "partly")
            assert fact.payload["redo_count"] == self.redos + 1
            self.redos += 1
            self.shadow_status = "in_progress"
        elif fact.type == "TicketClosedOff":
            if fact.payload["reason"] == "unrated":
                assert self.shadow_status == "resolved" and actor.role == "system"
            else:
                assert self.shadow_status == "rated" and self.shadow_rating in GOOD
            self.shadow_status = "closed"
        elif fact.type == "TicketReopened":
            self.shadow_status = "in_progress"
        elif fact.type == "RectificationOpened":
            p = fact.payload
            assert p["rating"] in BAD and p["rating"] == self.shadow_rating
            assert p["number"] == len(self.rectifications) + 1
            assert p["unit"] == before["lead_unit"]
            self.rectifications[p["number"]] = {"unit": p["unit"], "status": "open"}
        elif fact.type in ("RectificationClassified", "RectificationCompleted"):
            p = fact.payload
            held = self.rectifications[p["number"]]
            assert actor.unit == p["unit"] == held["unit"]
            assert held["status"] == ("open" if fact.type == "RectificationClassified"
                                      else "planned")
            held["status"] = p["way"] if fact.type == "RectificationClassified" else "completed"
        elif fact.type == "RectificationDisputeRuled":
            held = self.rectifications[fact.payload["number"]]
            assert held["status"] == "disputed"
            held["status"] = fact.payload["ruling"]
        elif fact.type == "RectificationMissed":
            held = self.rectifications[fact.payload["number"]]
            assert held["status"] in ("open", "planned")
            assert parse_time(fact.payload["due"]) < self.now
        elif fact.type == "TicketDeadlineMissed":
            kind, due = fact.payload["deadline"], fact.payload["due"]
            assert before["deadlines"][kind] == due and not before["deadlines_met"][kind]
            assert [kind, due] not in before["missed"]
            assert parse_time(due) < self.now

    # -- time --

    @rule(hours=st.integers(1, 120))
    def tick(self, hours):
        # capped so that deadlines, extensions included, stay within the calendar's known years
        self.now = min(self.now + dt.timedelta(hours=hours), LATEST)

    @rule(days=st.integers(1, 20))
    def time_passes_then_the_sweep_runs(self, days):
        self.tick(24 * days)
        self.run("mark_overdue", SYSTEM)

    # -- commands --

    @rule(who=actors, lead=st.sampled_from(UNITS), assisting=st.lists(st.sampled_from(UNITS), max_size=2))
    def dispatch(self, who, lead, assisting):
        self.run("dispatch", self.actor(who, "office"), lead_unit=lead, assisting_units=assisting)

    @rule(who=actors, lead=st.sampled_from(UNITS), reason=st.sampled_from(["改派", ""]))
    def redispatch(self, who, lead, reason):
        self.run("redispatch", self.actor(who, "office"), lead_unit=lead, reason=reason)

    @rule(who=actors)
    def sign_for(self, who):
        self.run("sign_for", self.actor(who, "lead"))

    @rule(who=st.sampled_from(["right", "other_assisting"] * 3 + WRONG))
    def sign_for_task(self, who):
        self.run("sign_for_task", self.actor(who, "assisting"))

    @rule(who=st.sampled_from(["right", "other_assisting"] * 3 + WRONG),
          reply=st.sampled_from(["协办意见", " "]))
    def answer_task(self, who, reply):
        self.run("answer_task", self.actor(who, "assisting"), reply=reply)

    @rule(who=actors, unit=st.sampled_from([*UNITS, "transport_bureau"]),
          reason=st.sampled_from(["无需协办", ""]))
    def waive_task(self, who, unit, reason):
        self.run("waive_task", self.actor(who, "office"), unit=unit, reason=reason)

    @rule(who=actors, reason=st.sampled_from(["not_its_area", "not_its_remit", "unclear_ownership",
                                              "unclear_appeal", "too_busy"]),
          basis=st.sampled_from(["《条例》第五条", ""]))
    def return_appeal(self, who, reason, basis):
        self.run("return_appeal", self.actor(who, "lead"), reason=reason, legal_basis=basis)

    @rule(who=actors)
    def rule_on_return(self, who):
        self.run("rule_on_return", self.actor(who, "office"), ruling="经审核属该单位职责")

    @rule(who=actors)
    def urge(self, who):
        self.run("urge", self.actor(who, "office"), message="请加快")

    @rule(who=actors, way=st.sampled_from(sorted(DETAILS)), drop=st.booleans())
    def classify(self, who, way, drop):
        details = dict(DETAILS[way])
        if drop:
            details.pop(sorted(details)[0])
        self.run("classify", self.actor(who, "lead"), way=way, **details)

    @rule(who=actors)
    def note_progress(self, who):
        self.run("note_progress", self.actor(who, "assisting"), note="进展")

    @rule(who=actors)
    def follow_up_upper_level(self, who):
        self.run("follow_up_upper_level", self.actor(who, "lead"), note="已跟进")

    @rule(who=actors, days=st.sampled_from([0, 1, 5, 5, 31]))
    def request_extension(self, who, days):
        self.run("request_extension", self.actor(who, "lead"), working_days=days, reason="需时间")

    @rule(who=actors)
    def grant_extension(self, who):
        self.run("grant_extension", self.actor(who, "office"))

    @rule(who=actors)
    def refuse_extension(self, who):
        self.run("refuse_extension", self.actor(who, "office"), reason="不同意")

    @rule(who=actors)
    def resolve(self, who):
        self.run("resolve", self.actor(who, "lead"), summary="已解决")

    @rule(who=actors, rating=st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied",
                                              "very_satisfied", "very_unsatisfied", "meh"]))
    def rate(self, who, rating):
        self.run("rate", self.actor(who, "owner"), rating=rating)

    @rule(who=actors, reached=st.booleans(),
          resolved=st.sampled_from(["yes", "yes", "no", "partly", None, "maybe"]),
          rating=st.sampled_from([*GOOD, *BAD, None, "meh"]))
    def callback(self, who, reached, resolved, rating):
        self.run_callback(self.actor(who, "office"), reached=reached, resolved=resolved,
                          rating=rating)

    @rule(reached=st.booleans(), said=st.sampled_from(["yes", "no", "partly"]),
          rating=st.sampled_from([*GOOD, *BAD]))
    def office_calls_back(self, reached, said, rating):
        """The office's callback once resolved, so that random lives 重办 and rate again."""
        if self.ticket.status in ("resolved", "rated"):
            fields = {"resolved": said, "rating": rating} if reached else {}
            assert self.run_callback(self.actor("office", "office"), reached=reached, **fields)

    def run_callback(self, actor, **fields):
        try:
            return self.run("callback", actor, **fields)
        finally:
            self.callback_said = None

    # -- 差评整改 --

    @rule(who=st.sampled_from(["right"] * 6 + WRONG), way=st.sampled_from(RECTIFICATION_WAYS),
          number=st.sampled_from([None, None, 1, 2, 0]), plan_days=st.sampled_from([10, 0]))
    def classify_rectification(self, who, way, number, plan_days):
        today = self.now.astimezone(ZoneInfo("Asia/Shanghai")).date()
        plan = ({"plan": "整改计划", "plan_due": (today + dt.timedelta(days=plan_days)).isoformat()}
                if way == "planned" else {})
        self.run("classify_rectification", self.actor(who, "rectifier"), way=way,
                 note="已核实", number=number, **plan)

    @rule(who=st.sampled_from(["right"] * 6 + WRONG))
    def complete_rectification(self, who):
        self.run("complete_rectification", self.actor(who, "rectifier"), note="已整改完成")

    @rule(way=st.sampled_from(RECTIFICATION_WAYS[:4]), ruling=st.sampled_from(["upheld", "voided"]))
    def the_rectification_moves_on(self, way, ruling):
        """The next step of the first rectification still waiting, so that random lives classify,
        carry out and rule on them too."""
        waiting = [r for r in self.ticket.rectifications
                   if r["status"] in ("open", "planned", "disputed")]
        if not waiting:
            return
        first = waiting[0]
        if first["status"] == "disputed":
            assert self.run("rule_on_dispute", self.actor("office", "office"), ruling=ruling,
                            reason="经审核", number=first["number"])
        elif first["status"] == "planned":
            assert self.run("complete_rectification", self.actor("rectifier", "rectifier"),
                            note="已整改完成", number=first["number"])
        else:
            today = self.now.astimezone(ZoneInfo("Asia/Shanghai")).date()
            plan = ({"plan": "整改计划", "plan_due": (today + dt.timedelta(days=10)).isoformat()}
                    if way == "planned" else {})
            assert self.run("classify_rectification", self.actor("rectifier", "rectifier"),
                            way=way, note="已核实", number=first["number"], **plan)

    @rule(who=actors, ruling=st.sampled_from(["upheld", "voided", "maybe"]))
    def rule_on_dispute(self, who, ruling):
        self.run("rule_on_dispute", self.actor(who, "office"), ruling=ruling, reason="经审核")

    @rule(who=actors)
    def close_off(self, who):
        self.run("close_off", self.actor(who, "office"))

    @rule(who=actors)
    def close_off_unrated(self, who):
        self.run("close_off_unrated", self.actor(who, "system"), policy=POLICY)

    @rule(who=actors)
    def reopen(self, who):
        self.run("reopen", self.actor(who, "office"), reason="再次反映")

    @rule(who=actors)
    def mark_overdue(self, who):
        self.run("mark_overdue", self.actor(who, "system"))

    @rule(who=actors)
    def link_duplicate(self, who):
        self.run("link_duplicate", self.actor(who, "office"), title="用工难", description="招工困难",
                 channel="hotline")

    @rule(way=st.sampled_from(sorted(DETAILS)), rating=st.sampled_from(["satisfied", "unsatisfied"]),
          aside=st.booleans())
    def next_step(self, way, rating, aside=False):
        """The natural next step, so that random lives reach the far end of the ledger too; or,
        aside, what a unit does while it works: ask for more time, report to the upper level."""
        status = self.ticket.status
        waiting = [r for r in self.ticket.rectifications
                   if r["status"] in ("open", "planned", "disputed")]
        if waiting and way < "p":  # about half the time, the unit rectifies first
            return self.the_rectification_moves_on(
                "disputed" if aside else ("fixed", "planned", "explained")[len(way) % 3],
                "upheld" if rating == "satisfied" else "voided")
        open_task = next((t for t in self.ticket.tasks if t["status"] in ("open", "signed_for")),
                         None)
        if open_task is not None and status in ("in_progress", "awaiting_upper_level"):
            # the lead resolves only once its assisting units answered: each does its part first
            unit = Actor("wang", "unit_officer", unit=open_task["unit"])
            if open_task["status"] == "open":
                self.run("sign_for_task", unit)
            else:
                self.run("answer_task", unit, reply="协办意见")
        elif aside and status in ("dispatched", "signed_for") and not self.ruled:
            self.run("return_appeal", self.actor("lead", "lead"), reason="not_its_remit",
                     legal_basis="《条例》第五条")
        elif aside and status == "awaiting_upper_level":
            self.run("follow_up_upper_level", self.actor("lead", "lead"), note="已跟进")
        elif aside and status in ("signed_for", "in_progress") and self.ticket.pending_extension is None:
            self.run("request_extension", self.actor("lead", "lead"), working_days=5, reason="需时间")
        elif aside and status in ("signed_for", "in_progress"):
            self.run("grant_extension", self.actor("office", "office"))
        else:
            self.take_the_next_step(status, way, rating)

    def take_the_next_step(self, status, way, rating):
        step = {
            "received": ("dispatch", "office", {"lead_unit": "finance_bureau", "assisting_units": ["tax_bureau"]}),
            "dispatched": ("sign_for", "lead", {}),
            "signed_for": ("classify", "lead", {"way": way, **DETAILS[way]}),
            "in_progress": ("resolve", "lead", {"summary": "已解决"}),
            "awaiting_upper_level": ("resolve", "lead", {"summary": "上级已答复"}),
            "resolved": ("rate", "owner", {"rating": rating}),
            "rated": ("close_off", "office", {}),
            "closed": ("reopen", "office", {"reason": "再次反映"}),
            # The office rules (终审) or hands it to another unit, by turns.
            "returned": (("rule_on_return", "office", {"ruling": "属该单位职责"})
                         if way < "p" else
                         ("redispatch", "office", {"lead_unit": "tax_bureau", "reason": "改派"})),
        }[status]
        command, who, kwargs = step
        self.run(command, self.actor(who, who), **kwargs)

    @rule(hours=st.integers(1, 120), way=st.sampled_from(sorted(DETAILS)),
          rating=st.sampled_from(["satisfied", "unsatisfied"]), aside=st.booleans())
    def wait_then_next_step(self, hours, way, rating, aside):
        self.tick(hours)
        self.next_step(way, rating, aside)

    @rule(pick=st.integers(0, 100))
    def tempting_wrong_move(self, pick):
        moves = TEMPTATIONS[self.ticket.status]
        command, who, kwargs = moves[pick % len(moves)]
        assert not self.run(command, self.actor(who, who), **kwargs), f"{command} by {who} was allowed"

    # -- invariants --

    @invariant()
    def replay_gives_the_same_ticket(self):
        replayed = Ticket.replay(self.ticket.id, self.ticket.pending())
        assert replayed.snapshot() == self.ticket.snapshot()

    @invariant()
    def version_counts_the_facts(self):
        assert self.ticket.version == len(self.ticket.pending())

    @invariant()
    def the_ledger_rules_hold(self):
        ticket, snap = self.ticket, view(self.ticket)
        assert ticket.status == self.shadow_status
        if ticket.status != "received":
            assert ticket.lead_unit
            assert ticket.lead_unit not in ticket.assisting_units
        if ticket.status == "returned":
            # With the office: no unit's clock runs.
            assert snap["deadlines"]["sign"] is None and snap["deadlines"]["resolution"] is None
            assert snap["returns"] and "ruled_at" not in snap["returns"][-1]
        elif ticket.status != "received":
            assert snap["deadlines"]["sign"] is not None
        if ticket.status in ("signed_for", "in_progress", "awaiting_upper_level", "resolved", "rated", "closed"):
            assert snap["signed_for_at"] is not None and snap["deadlines_met"]["sign"]
            assert snap["deadlines"]["resolution"] is not None
        else:
            assert snap["signed_for_at"] is None
        classified = ticket.status in ("in_progress", "awaiting_upper_level", "resolved", "rated", "closed")
        assert (snap["classification"] is not None) == classified
        if ticket.status == "awaiting_upper_level":
            assert snap["classification"]["way"] == "escalate_upward"
        if ticket.status in ("resolved", "rated", "closed"):
            assert all(snap["deadlines_met"].values())
        if ticket.status == "rated":
            assert ticket.rating in GOOD
        if ticket.status == "closed":
            assert snap["close_reason"] == "unrated" or ticket.rating in GOOD
        if snap["pending_extension"] is not None:
            assert ticket.status in ("signed_for", "in_progress", "awaiting_upper_level")
        for kind in ticket.overdue:
            assert not snap["deadlines_met"][kind]
            assert [kind, ticket.deadlines[kind]] in snap["missed"]
        assert snap["reopen_count"] == sum(
            fact.type in ("TicketSentBack", "TicketReopened") for fact in ticket.pending())
        # 重办 counts each send back, and every rating given stays in the view.
        assert snap["redo_count"] == self.redos == sum(
            fact.type == "TicketSentBack" for fact in ticket.pending())
        assert len(snap["ratings"]) == sum(fact.type == "TicketRated" for fact in ticket.pending())
        missed = [(f.payload["deadline"], f.payload["due"]) for f in ticket.pending()
                  if f.type == "TicketDeadlineMissed"]
        assert len(missed) == len(set(missed))

    @invariant()
    def the_task_rules_hold(self):
        ticket, snap = self.ticket, view(self.ticket)
        # the view shows each task as the aggregate decided it, adding only times and words
        assert len(snap["tasks"]) == len(ticket.tasks)
        for task, shown in zip(ticket.tasks, snap["tasks"]):
            assert {key: shown[key] for key in task} == task
        units = [task["unit"] for task in ticket.tasks]
        assert len(units) == len(set(units)) and set(units) <= set(ticket.assisting_units)
        assert ticket.lead_unit not in units
        if ticket.status in ("resolved", "rated", "closed"):
            assert all(task["status"] in ("answered", "waived") for task in ticket.tasks)
        task_missed = [(f.payload["unit"], f.payload["due"]) for f in ticket.pending()
                       if f.type == "AssistTaskMissed"]
        assert len(task_missed) == len(set(task_missed))
        for task in ticket.tasks:
            if task["overdue"]:
                assert (task["unit"], task["due"]) in task_missed
                assert task["status"] in ("open", "signed_for")


    @invariant()
    def the_rectification_rules_hold(self):
        ticket, snap = self.ticket, view(self.ticket)
        facts = ticket.pending()
        # One rectification per bad rating, numbered in order; the view shows the aggregate's.
        bad = sum(f.type == "TicketRated" and f.payload["rating"] in BAD for f in facts)
        assert [r["number"] for r in ticket.rectifications] == list(range(1, bad + 1))
        assert {r["number"]: r["status"] for r in ticket.rectifications} == {
            number: held["status"] for number, held in self.rectifications.items()}
        for decided, shown in zip(ticket.rectifications, snap["rectifications"]):
            assert {key: shown[key] for key in decided} == decided
            assert (decided["pending_due"] is None) == (
                decided["status"] not in ("open", "planned"))
        missed = [(f.payload["number"], f.payload["due"]) for f in facts
                  if f.type == "RectificationMissed"]
        assert len(missed) == len(set(missed))
        assert set(ticket.rectifying_units) == {held["unit"] for held in
                                                self.rectifications.values()}


TicketLife.TestCase.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
test_ticket_life = TicketLife.TestCase
