"""The words of the policy registry (惠企政策) that its areas share: English codes stored in events,
Chinese labels beside them for the compendium, the contact sheet and the portal
(`kernel.vocabulary.LabelledEnum`). A policy's life and level, and the campaign's words, are read
by every area; the words of one area only are its own (`implementation.vocabulary`,
`briefings.vocabulary`).
"""
from __future__ import annotations

from kernel import campaign
from kernel.vocabulary import LabelledEnum


class Status(LabelledEnum):
    """A policy's life: drafted, published, amended (a new version), then repealed or expired."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    AMENDED = "amended", "已修订"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已失效"


# The statuses in which a policy may be in force (its effective dates decide the rest).
IN_FORCE = (Status.PUBLISHED, Status.AMENDED)
ENDED = (Status.REPEALED, Status.EXPIRED)


class Level(LabelledEnum):
    # notice 二(一)2: 中央、省、市已出台且目前仍在执行的惠企政策; and the counties' own 实施细则 (二(一)1)
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省"
    MUNICIPAL = "municipal", "市"
    COUNTY = "county", "县(市、区)"


# The campaign's own words, declared once (kernel.campaign): what cost a policy lowers (the
# appeal ledger's categories, so an appeal's category names the policies of the same kind, with
# `comprehensive` for measures spanning them all, as 《若干政策措施》 does), the operating tiers
# (notice 三(一)1) and the enterprise sizes matching reads.
CostCategory = campaign.CostCategory
OperatingTier = campaign.OperatingTier
EnterpriseSize = campaign.EnterpriseSize
