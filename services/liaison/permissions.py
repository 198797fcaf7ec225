"""Who may call each operation of the liaison service, and which rows each role reaches through
it (`kernel.permissions`): the register, the linkage and the field work.

Where the scopes are enforced:
- the register (`services.liaison.registry.access`): an enterprise reads only its own entry; a
  leader his list's enterprises (his linkage's and his park's), a liaison officer his appointed
  leader's; a unit officer every profile. An enterprise's operating tier and its history are
  the office's, the supervision group's, its county's officers' and the helping-enterprises
  group's (notice 三(一)1: the counties rate, the group draws the lists from the ratings): for
  anyone else they are left out and filtering by them is refused; who rated stays with the office;
- the linkage (`services.liaison.linkage.rpc`): plans to the office, the supervision group and
  the helping-enterprises group; a leader his own linkage, a liaison officer his leader's;
- the field work (`services.liaison.fieldwork.access`): a leader and his appointed liaison
  officers the field work of his list, an unregistered leader or unappointed officer none; a
  visit is recorded only of an enterprise of its leader's list, by that leader, his liaison
  officers, the departments linked to his park or the office.

Plain Python, no I/O, importing only the kernel's table: the gateway reads it too.
"""
from __future__ import annotations

from kernel.permissions import (
    KERNEL_ROWS, OFFICE, OVERSIGHT, Scope, Table, allow, published,
)

COUNTY = Scope.COUNTY
HELPING = Scope.HELPING_GROUP
LEADER = Scope.LEADER_LINKAGE
LIAISON = Scope.LIAISON_APPOINTMENT
OWN = Scope.OWN_ENTERPRISE

# A county's unit officer keeps its own county's entries (notice 三(一)1: 各县(市、区)…分类).
COUNTY_KEEPS = {**OFFICE, "unit_officer": COUNTY}
TIER_NOTE = ("the tier, rated_at, rated_by and the ratings only to the office, the supervision "
             "group, the enterprise's county's officers and the helping-enterprises group's "
             "units; who rated to the office alone")

REGISTRY_ROWS = (
    allow("register_enterprise", COUNTY_KEEPS, note="a county registers its own enterprises"),
    allow("change_enterprise", COUNTY_KEEPS, note="a county changes its own enterprises"),
    allow("rate_enterprise", COUNTY_KEEPS, note="a county rates its own enterprises; " + TIER_NOTE),
    allow("get_enterprise", OVERSIGHT, enterprise=OWN, unit_officer=COUNTY, leader=LEADER,
          liaison=LIAISON,
          note="an enterprise its own entry, a leader his list's (his linkage's and his park's "
               "enterprises), a liaison officer his leader's, a unit officer every profile "
               "(its work names enterprises); others are not found; " + TIER_NOTE),
    allow("list_enterprises", OVERSIGHT, enterprise=OWN, unit_officer=COUNTY, leader=LEADER,
          liaison=LIAISON,
          note="narrowed as get_enterprise before it is answered; filtering by tier is refused "
               "to whoever is not shown tiers, and a county's officer filters by tier only "
               "within its own county; " + TIER_NOTE),
    allow("enterprise_ratings", OVERSIGHT, unit_officer=COUNTY,
          note="the tier's history: a county's officer its own county's enterprises, a unit of "
               "the helping-enterprises group every one; who rated to the office alone"),
    allow("register_park", OFFICE), allow("change_park", OFFICE),
    published("get_park", "parks are where the city's work happens: every caller with a token"),
    published("list_parks", "as get_park"),
    allow("register_unit", OFFICE), allow("change_unit", OFFICE),
    published("get_unit", "the units an appeal is dispatched to and that answer for it: every "
                          "caller with a token"),
    published("list_units", "as get_unit"),
    allow("register_leader", OFFICE), allow("change_leader", OFFICE),
    allow("get_leader", OVERSIGHT, unit_officer=Scope.PUBLISHED, leader=Scope.PUBLISHED,
          liaison=Scope.PUBLISHED,
          note="the leaders' names, ranks and titles, for those who work with them; no "
               "enterprise's work needs them"),
    allow("list_leaders", OVERSIGHT, unit_officer=Scope.PUBLISHED, leader=Scope.PUBLISHED,
          liaison=Scope.PUBLISHED, note="as get_leader"),
    allow("get_leading_group", OVERSIGHT, leader=Scope.PUBLISHED,
          unit_officer=Scope.INVOLVED_UNIT,
          note="a registered leader; a unit officer of a unit that is a member of one of the "
               "working groups, or the office's own unit; others are refused"),
    allow("set_working_group", OFFICE),
)

LINKAGE_ROWS = (
    allow("propose_plan", OFFICE, unit_officer=HELPING,
          note="the helping-enterprises group proposes (notice 三(一)1: 市入企帮扶专项小组…确定"
               "联系企业名单)"),
    allow("list_plans", OVERSIGHT, unit_officer=HELPING,
          note="a plan is drawn from the tiers: the helping-enterprises group's units only, "
               "other unit officers refused"),
    allow("get_plan", OVERSIGHT, unit_officer=HELPING, note="as list_plans"),
    allow("accept_plan", OFFICE),
    allow("linkages", OVERSIGHT, leader=LEADER, liaison=LIAISON,
          note="a leader his own, a liaison officer his leader's, none if unappointed"),
    allow("get_linkage", OVERSIGHT, leader=LEADER, liaison=LIAISON, note="as linkages"),
    allow("change_linkage", OFFICE),
    allow("link_department", OFFICE),
    allow("department_park", OVERSIGHT, unit_officer=Scope.OWN_UNIT, leader=LEADER,
          liaison=LIAISON,
          note="a department's own officers, the leader whose linkage is in that park and his "
               "liaison officers; others are not found"),
    allow("appoint_liaison", OFFICE),
    allow("liaison_officers", OVERSIGHT, leader=LEADER, liaison=LIAISON,
          note="a leader his own officers, an officer those of his leader"),
)

# Who reads the field work, and how far (notice 二(三)).
FIELDWORK_READERS = {**OVERSIGHT, "unit_officer": Scope.OWN_UNIT, "leader": LEADER,
                     "liaison": LIAISON}

FIELDWORK_ROWS = (
    allow("require_survey", OFFICE),
    allow("act_on_survey.submit", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the department the survey is required of"),
    allow("get_survey", FIELDWORK_READERS,
          note="a unit its own; a leader those reported to him, his liaison officers too"),
    allow("list_surveys", FIELDWORK_READERS, note="as get_survey, narrowed before it is answered"),
    allow("require_help_plan", OFFICE),
    allow("act_on_help_plan.submit", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the department the plan is required of"),
    allow("act_on_help_plan.review", OFFICE, unit_officer=HELPING,
          note="the helping-enterprises group reviews (入企帮扶组)"),
    allow("act_on_help_plan.file", OFFICE),
    allow("get_help_plan", {**FIELDWORK_READERS, "unit_officer": Scope.INVOLVED_UNIT},
          note="a department its own; the helping-enterprises group's units those submitted "
               "to it; a leader his, his liaison officers too"),
    allow("list_help_plans", {**FIELDWORK_READERS, "unit_officer": Scope.INVOLVED_UNIT},
          note="as get_help_plan, narrowed before it is answered"),
    allow("record_visit", OFFICE, leader=LEADER, liaison=LIAISON,
          unit_officer=Scope.LINKED_DEPARTMENT,
          note="of an enterprise of the visit's leader's list (his linkage's or his park's; a "
               "county leader's own county's too), by that leader, his appointed liaison officers, a department linked to his "
               "park that took part, or the office; each problem becomes an appeal"),
    allow("add_visit_problem", OFFICE, leader=LEADER, liaison=LIAISON,
          unit_officer=Scope.LINKED_DEPARTMENT, note="as record_visit"),
    allow("get_visit", OVERSIGHT, enterprise=OWN, unit_officer=Scope.INVOLVED_UNIT,
          leader=LEADER, liaison=LIAISON,
          note="a unit the visits it took part in; a leader his visits and his list's, his "
               "liaison officers too; an enterprise the visits to it"),
    allow("visit_problems", OVERSIGHT, enterprise=OWN, unit_officer=Scope.INVOLVED_UNIT,
          leader=LEADER, liaison=LIAISON, note="as get_visit"),
    allow("list_visits", OVERSIGHT, enterprise=OWN, unit_officer=Scope.INVOLVED_UNIT,
          leader=LEADER, liaison=LIAISON, note="as get_visit, narrowed before it is answered"),
    allow("file_operation_report", liaison=LIAISON,
          note="an enterprise of his leader's list (notice 三(一)2)"),
    allow("amend_op_report", liaison=LIAISON, note="a report of his leader's"),
    allow("get_op_report", OVERSIGHT, leader=LEADER, liaison=LIAISON,
          note="the leader it was filed for and his liaison officers"),
    allow("list_op_reports", OVERSIGHT, leader=LEADER, liaison=LIAISON, note="as get_op_report"),
    allow("record_consultation", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the office or the organising unit"),
    allow("record_matchmaking", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the office or the organising unit"),
    allow("record_outcome", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the office or the organising unit"),
    allow("list_consultations", OVERSIGHT, enterprise=OWN, unit_officer=Scope.OWN_UNIT,
          leader=LEADER, liaison=LIAISON,
          note="a unit those it organised; a leader and his liaison officers those of his "
               "list's enterprises, an enterprise those it took part in; the enterprises "
               "listed narrowed to the caller's"),
    allow("list_matchmakings", OVERSIGHT, enterprise=OWN, unit_officer=Scope.OWN_UNIT,
          leader=LEADER, liaison=LIAISON, note="as list_consultations"),
    allow("get_activity", OVERSIGHT, enterprise=OWN, unit_officer=Scope.OWN_UNIT,
          leader=LEADER, liaison=LIAISON, note="as list_consultations"),
)

PERMISSIONS = Table(
    "liaison",
    REGISTRY_ROWS,
    LINKAGE_ROWS,
    FIELDWORK_ROWS,
    KERNEL_ROWS,
    dispatch={"act_on_survey": "action", "act_on_help_plan": "action"},
)
