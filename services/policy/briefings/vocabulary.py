"""The briefings' words (宣讲活动, notice 二(二)1): a briefing's life and its agenda's items,
English codes stored in events, Chinese labels beside them (`kernel.vocabulary.LabelledEnum`).
"""
from __future__ import annotations

from kernel.vocabulary import LabelledEnum


class BriefingStatus(LabelledEnum):
    """A briefing's life (宣讲活动): scheduled, revised while still ahead, then held or cancelled."""

    SCHEDULED = "scheduled", "已安排"
    HELD = "held", "已举行"
    CANCELLED = "cancelled", "已取消"


class AgendaItemKind(LabelledEnum):
    """notice 二(二)1: 宣讲活动议程包括市领导讲话、市直部门政策解读、园区表态发言等."""

    LEADER_SPEECH = "leader_speech", "领导讲话"
    POLICY_READING = "policy_reading", "部门解读政策"
    PARK_STATEMENT = "park_statement", "园区表态发言"
