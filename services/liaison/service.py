"""The liaison service: enterprises, parks, leaders and their linkage, visits.

Its store, relay and log are in place so the stack and the audit trail are whole; the liaison
commands arrive with the liaison issue.
"""
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing


class LiaisonService(EventSourcedService):
    name = "liaison"
    store = EventSourcing()
