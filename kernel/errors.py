"""The one error that crosses RPC for a refused command, and its HTTP shape.

Each service raises its own named domain errors; at the RPC boundary they become `Refused`, which
nameko rebuilds on the calling side with its arguments intact, so the gateway can answer with the
rule, the field and the clerk-readable message without importing any service's modules.
"""
from __future__ import annotations

from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class Refused(Exception):
    def __init__(self, rule: str, status: int, message: str, field: str | None = None,
                 errors: list | None = None):
        super().__init__(rule, status, message, field, errors)
        self.rule = rule
        self.status = status
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
