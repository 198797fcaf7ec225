"""The rows of the benchmark table and their markdown: one row per figure, the project's number
beside its peer's from the same run, and the ratio between them."""
from __future__ import annotations

import dataclasses

COLUMNS = ("figure", "setting", "Huiqi", "peer", "peer's figure", "Huiqi ÷ peer", "% of raw",
           "target")
NONE = "—"


@dataclasses.dataclass
class Row:
    figure: str
    setting: str
    ours: float
    unit: str
    peer: str = NONE
    theirs: float | None = None
    raw: float | None = None
    target: str = NONE
    # Lower is better (latency, seconds, memory): the ratio is then peer ÷ ours, so that above 1
    # always means Huiqi is ahead.
    lower_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        if self.theirs is None or not self.ours or not self.theirs:
            return None
        return self.theirs / self.ours if self.lower_is_better else self.ours / self.theirs

    def cells(self) -> list[str]:
        return [
            self.figure, self.setting, number(self.ours, self.unit), self.peer,
            NONE if self.theirs is None else number(self.theirs, self.unit),
            NONE if self.ratio is None else f"{self.ratio:.2f}×",
            NONE if self.raw is None else f"{100 * self.ours / self.raw:.0f}% (raw {number(self.raw, self.unit)})",
            self.target,
        ]


def number(value: float, unit: str) -> str:
    if value >= 1000:
        text = f"{value:,.0f}"
    elif value >= 100:
        text = f"{value:.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |"
              for row in rows]
    return "\n".join(lines)
