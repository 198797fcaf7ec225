"""Random lives of one policy: any command, by any actor (the issuing unit's, another unit's, the
office, the timer, an enterprise), with good and bad input, at times moving forward. Each command
either records facts or is refused having recorded nothing and changed nothing; after every step
the live policy equals the fold of its facts, and no published text is ever lost or altered."""
import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kernel.actor import SYSTEM, Actor
from policy.aggregate_checks import step
from services.policy.policies.domain import Policy

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACTORS = {
    "issuer": Actor("li", "unit_officer", unit="finance_bureau"),
    "other_unit": Actor("wang", "unit_officer", unit="tax_bureau"),
    "office": Actor("clerk", "office"),
    "system": SYSTEM,
    "enterprise": Actor("boss", "enterprise", uscc="91350100M000100Y43"),
    "supervisor": Actor("inspector", "supervisor"),
}
CONTACTS = [
    {"unit": "市财政局", "person": "李明", "phone": "0797-8123456", "email": "czj@ganzhou.gov.cn"},
    {"unit": "市财政局", "person": "王芳", "phone": "13907971234", "email": "wf@ganzhou.gov.cn"},
    {"unit": "市财政局", "person": "王芳", "phone": "8123456", "email": "wf@ganzhou.gov.cn"},  # bad phone
    {"unit": "市财政局", "person": "王芳", "phone": "13907971234", "email": "wf@"},           # bad e-mail
]
TEXTS = ["第一条 给予贴息。", "第一条 给予贴息。第二条 贴息比例50%。", "", "OVERSIZED"]
OVERSIZED = "政" * 100_001  # over the full text's limit; named, so Hypothesis does not print it
DATES = [None, "2026-03-01", "2026-09-30", "2027-06-30", "2028-12-31", "2025-01-01"]
FIELDS = st.fixed_dictionaries({}, optional={
    "title": st.sampled_from(["贷款贴息办法", "贷款贴息办法(修订)", ""]),
    "full_text": st.sampled_from(TEXTS),
    "effective_until": st.sampled_from(DATES),
    "cost_category": st.sampled_from(["financing", "tax_and_fees", "luck"]),
    "criteria": st.sampled_from([None, {"tiers": ["difficult"]}, {"tiers": ["excellent"]},
                                 {"sizes": ["small"], "above_designated_size": False}]),
    "level": st.sampled_from(["municipal", "national"]),
})
who = st.sampled_from(["issuer"] * 4 + ["office"] * 2 + list(ACTORS))

# the statuses each fact may follow, and the status it leaves
AFTER = {"PolicyDraftRevised": ({"draft"}, None), "ConsultationContactSet": (
    {"draft", "published", "amended"}, None), "PolicyPublished": ({"draft"}, "published"),
    "PolicyAmended": ({"published", "amended"}, "amended"),
    "PolicyRepealed": ({"published", "amended"}, "repealed"),
    "PolicyExpired": ({"published", "amended"}, "expired")}


class PolicyLife(RuleBasedStateMachine):

    @initialize(actor=st.sampled_from(["issuer", "office"]), contact=st.booleans(),
                text=st.sampled_from(TEXTS[:3]))
    def draft(self, actor, contact, text):
        self.now = dt.datetime(2026, 2, 1, 9, tzinfo=SHANGHAI)
        self.policy = Policy.draft(
            "policy-m", issuing_unit="finance_bureau", title="贷款贴息办法",
            document_number="赣市财发〔2026〕1号", level="municipal", cost_category="financing",
            summary="贴息", full_text=text, effective_from="2026-03-01",
            effective_until="2027-06-30", contact=CONTACTS[0] if contact else None,
            at=self.now, actor=ACTORS[actor])
        self.status = "draft"
        self.published_texts: list[dict] = []

    def run(self, command: str, actor: str, **kwargs) -> bool:
        if kwargs.get("full_text") == "OVERSIZED":
            kwargs["full_text"] = OVERSIZED
        policy = self.policy
        before, facts = step(policy, command, at=self.now, actor=ACTORS[actor], **kwargs)
        if facts is None:
            return False
        for fact in facts:
            allowed, leaves = AFTER[fact.type]
            assert self.status in allowed, f"{fact.type} after {self.status}"
            assert ACTORS[actor].role in ("unit_officer", "office", "system")
            if ACTORS[actor].role == "unit_officer":
                assert ACTORS[actor].unit == "finance_bureau"
            if ACTORS[actor].role == "system":
                assert fact.type == "PolicyExpired"
            if fact.type == "PolicyPublished":
                assert before["full_text"] and before["contact"] is not None
            if fact.type in ("PolicyAmended", "PolicyExpired"):
                assert self.status != "repealed"
            if fact.type == "PolicyExpired":
                assert before["effective_until"] < self.now.date().isoformat()
            self.status = leaves or self.status
        if command in ("publish", "amend"):
            self.published_texts.append(policy.versions[-1])
        return True

    @rule(days=st.integers(1, 90))
    def time_passes(self, days):
        self.now += dt.timedelta(days=days)

    @rule(step=st.integers(0, 7), until=st.sampled_from(DATES[1:5]), days=st.integers(0, 150))
    def next_step(self, step, until, days):
        """Some time, then a move that should succeed, so that random lives reach amendments and
        both ends too."""
        self.now += dt.timedelta(days=days)
        if self.status == "draft":
            if self.policy.contact is None:
                self.run("set_contact", "issuer", **CONTACTS[1])
            elif not self.policy.content["full_text"]:
                self.run("revise_draft", "office", full_text=TEXTS[0])
            else:
                # refused only once the dates have already run out
                assert self.run("publish", "issuer") or self.policy.lapsed(self.now)
        elif self.status in ("published", "amended"):
            if self.policy.lapsed(self.now):
                assert self.run("expire", "system")
            elif step == 0:
                assert self.run("repeal", "office", reason="被替代")
            else:
                text = TEXTS[len(self.policy.versions) % 2]
                change = ({"full_text": text} if step < 3 else
                          {"effective_until": until, "full_text": text})
                # refused only when the new end date is before the start or already past
                done = self.run("amend", "issuer", reason="修订", **change)
                assert done or change.get("effective_until", "9999") < self.now.date().isoformat() \
                    or self.policy.content["full_text"] == text

    @rule(actor=who, fields=FIELDS)
    def revise_draft(self, actor, fields):
        self.run("revise_draft", actor, **fields)

    @rule(actor=who, contact=st.sampled_from(CONTACTS))
    def set_contact(self, actor, contact):
        self.run("set_contact", actor, **contact)

    @rule(actor=who)
    def publish(self, actor):
        self.run("publish", actor)

    @rule(actor=who, fields=FIELDS, reason=st.sampled_from(["修订", ""]))
    def amend(self, actor, fields, reason):
        self.run("amend", actor, reason=reason, **fields)

    @rule(actor=who, reason=st.sampled_from(["废止", ""]))
    def repeal(self, actor, reason):
        self.run("repeal", actor, reason=reason)

    @rule(actor=who)
    def expire(self, actor):
        self.run("expire", actor)

    @invariant()
    def the_policy_is_the_fold_of_its_facts(self):
        replayed = Policy.replay(self.policy.id, self.policy.pending())
        assert replayed.snapshot() == self.policy.snapshot()
        assert self.policy.version == len(self.policy.pending())

    @invariant()
    def the_life_holds(self):
        policy = self.policy
        assert policy.status == self.status
        # every published text is kept, unchanged, in order
        assert policy.versions == self.published_texts
        assert [v["number"] for v in policy.versions] == list(range(1, len(policy.versions) + 1))
        assert (len(policy.versions) > 0) == (policy.status != "draft")
        if policy.versions:
            assert all(v["full_text"] for v in policy.versions)
            assert policy.contact is not None
            # an amendment never changes the level
            assert len({v["level"] for v in policy.versions}) == 1
        content = policy.content
        if content["effective_until"] is not None:
            assert content["effective_until"] >= content["effective_from"]
        if policy.in_force(self.now):
            assert policy.status in ("published", "amended")
            assert content["effective_from"] <= self.now.date().isoformat()


PolicyLife.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
test_policy_life = PolicyLife.TestCase
