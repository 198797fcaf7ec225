"""The building blocks every service's wire contract (`services/<name>/contract.py`) is made of:
bounded text, the credit code's shape, a request body that takes exactly its fields, and a command
as the HTTP API names it. Shapes only; what a value may be is for the aggregate to say."""
from __future__ import annotations

import dataclasses
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

CREDIT_CODE_LENGTH = 18   # 统一社会信用代码

# Text never carries NUL: no store keeps it faithfully.
NO_NUL = r"^[^\x00]*$"


def Text(limit: int, minimum: int = 1):
    """Text of `minimum` to `limit` characters once stripped."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=minimum,
                                            max_length=limit, pattern=NO_NUL)]


# Exactly 18 characters; whether the check character holds is the aggregate's to say.
CreditCode = Annotated[str, StringConstraints(strip_whitespace=True,
                                              min_length=CREDIT_CODE_LENGTH,
                                              max_length=CREDIT_CODE_LENGTH, pattern=NO_NUL)]


class Body(BaseModel):
    """A request body: exactly the fields named, surrounding blanks stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


@dataclasses.dataclass(frozen=True)
class Action:
    """A command on an aggregate, as the HTTP API names it: the method it runs and the body it
    takes."""

    method: str
    body: type[Body]
    summary: str

    @property
    def fields(self) -> set[str]:
        return set(self.body.model_fields)
