"""The policy service: enterprise-benefit policies (惠企政策) and their implementation rules.

Its store, relay and log are in place so the stack and the audit trail are whole; the policy
commands arrive with the policy issue.
"""
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing


class PolicyService(EventSourcedService):
    name = "policy"
    store = EventSourcing()
