"""Who may call each operation of the appeal ledger, and which appeals each role reaches through
it (`kernel.permissions`). The operation-level row: the aggregate's rules table
(`services.tickets.rules`) still decides each command on its appeal (lead unit, status, own
appeal); the rows of `act` name the roles of its rules, and a test holds the two together.

Where the scopes are enforced (`services.tickets.access`, `services.tickets.queries`):
- an enterprise its own appeals; a unit officer those its unit leads or assists on, the county
  an appeal is classified to for coordination counting as assisting (notice 二(四)3);
- a leader the appeals of the enterprises in his linkage, of his linked park's enterprises, and
  those raised from his visits; a liaison officer those of the leader he is appointed to — both
  learnt from the liaison service's events (`services.tickets.linkage`);
- the office and the supervision group every appeal.

Plain Python, no I/O, importing only the kernel's table: the gateway reads it too.
"""
from __future__ import annotations

from kernel.permissions import KERNEL_ROWS, OFFICE, OVERSIGHT, Scope, Table, allow

# Who reads the ledger, and how far (notice 二(四)2: 台账; 三(一): the leaders' linkage).
READERS = {**OVERSIGHT, "enterprise": Scope.OWN_ENTERPRISE, "unit_officer": Scope.INVOLVED_UNIT,
           "leader": Scope.LEADER_LINKAGE, "liaison": Scope.LIAISON_APPOINTMENT}

LEAD_UNIT = Scope.OWN_UNIT          # only the lead unit's officers (谁主管、谁负责)
ANY_UNIT = Scope.INVOLVED_UNIT     # the lead or an assisting unit's (协办)

# A row per command on an appeal (`act.<action>`, the wire's action names): the roles of its
# rule in the rules table (services.tickets.rules, which a test holds these to), a unit
# officer's scope as the rule's unit says. The rule still decides the appeal's status.
ACT_ROWS = (
    allow("act.dispatch", OFFICE),
    allow("act.redispatch", OFFICE),
    allow("act.sign-for", unit_officer=LEAD_UNIT),
    allow("act.urge", OFFICE),
    allow("act.classify", unit_officer=LEAD_UNIT),
    allow("act.progress", OFFICE, unit_officer=ANY_UNIT,
          note="the county an appeal is classified to for coordination (county_coordination) "
               "notes progress as an assisting unit; resolving stays with the lead unit"),
    allow("act.follow-up-upper-level", unit_officer=LEAD_UNIT),
    allow("act.request-extension", unit_officer=LEAD_UNIT),
    allow("act.grant-extension", OFFICE),
    allow("act.refuse-extension", OFFICE),
    allow("act.resolve", unit_officer=LEAD_UNIT),
    allow("act.rate", OFFICE, enterprise=Scope.OWN_ENTERPRISE,
          note="the enterprise's own rating, or the office's follow-up call (回访)"),
    allow("act.close-off", OFFICE),
    allow("act.reopen", OFFICE),
)


PERMISSIONS = Table(
    "tickets",
    allow("raise_appeal", OFFICE, enterprise=Scope.OWN_ENTERPRISE,
          leader=Scope.LEADER_LINKAGE, liaison=Scope.LIAISON_APPOINTMENT,
          note="a leader or liaison officer raises in an enterprise's name only from a visit, "
               "which the appeal names"),
    allow("list_tickets", READERS, note="narrowed to the caller's scope before it is paged"),
    allow("export_tickets", READERS,
          note="a page of the workbook's lines at a time, the list's scope and filters"),
    allow("get_ticket", READERS),
    allow("history", READERS, note="an enterprise sees who acted by role and unit only"),
    ACT_ROWS,
    allow("routes", OVERSIGHT, unit_officer=Scope.OWN_UNIT,
          note="a unit officer is shown only the lines that route to its own unit"),
    allow("set_route", OFFICE),
    allow("remove_route", OFFICE),
    KERNEL_ROWS,
    dispatch={"act": "action"},
)
