"""The one error that crosses RPC for a refused command, and its HTTP shape.

Each service raises its own named domain errors; at the RPC boundary they become `Refused`, which
nameko rebuilds on the calling side with its arguments intact, so the gateway can answer with the
rule, the field and the clerk-readable message without importing any service's modules.
"""
from __future__ import annotations

import json

from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class Refused(Exception):
    def __init__(self, rule: str, status: int = 409, message: str = "",
                 field: str | None = None, errors: list | None = None):
        if rule.startswith("{"):
            # Rebuilt on the caller's side from the one JSON argument it travelled as.
            data = json.loads(rule)
            rule, status, message = data["rule"], data["status"], data["message"]
            field, errors = data.get("field"), data.get("errors")
        # nameko turns every non-string argument into a string on the wire, so the exception
        # travels as one JSON string that keeps the status a number and a missing field null.
        super().__init__(json.dumps({"rule": rule, "status": status, "message": message,
                                     "field": field, "errors": errors}, ensure_ascii=False))
        self.rule = rule
        self.status = int(status)
        self.message = message
        self.field = field
        self.errors = errors or []

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_domain(cls, error) -> "Refused":
        return cls(error.rule, error.status, error.message, error.field)

    def problem(self) -> dict:
        """RFC 9457 problem details."""
        body = {"type": f"https://huiqi.example/problems/{self.rule}", "title": self.rule,
                "status": self.status, "detail": self.message}
        if self.field:
            body["field"] = self.field
        if self.errors:
            body["errors"] = self.errors
        return body
