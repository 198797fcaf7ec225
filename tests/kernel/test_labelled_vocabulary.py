"""A vocabulary is declared once: as a class, from a shared table of code → label, or renamed
for a wire contract; the campaign's shared tables are vocabularies of the kernel."""
from kernel import campaign
from kernel.vocabulary import LabelledEnum


class Rating(LabelledEnum):
    SATISFIED = "satisfied", "满意"
    UNSATISFIED = "unsatisfied", "不满意"


def test_a_vocabulary_from_a_table_keeps_its_order_and_leaves_out_what_it_is_told():
    made = LabelledEnum.of("Tier", {"good": "较好", "bad": "差"}, module=__name__, doc="d",
                           leave_out=["bad"])
    assert made.labels() == {"good": "较好"} and made.GOOD.label == "较好"
    assert made.__doc__ == "d" and made.__module__ == __name__


def test_a_renamed_vocabulary_keeps_the_codes_and_labels_and_lists_them():
    wire = Rating.renamed("RatingCode", module=__name__, what="How it went")
    assert wire.labels() == Rating.labels() and wire.__name__ == "RatingCode"
    assert wire.__doc__ == "How it went: satisfied 满意, unsatisfied 不满意"


def test_the_campaigns_vocabularies_are_its_tables():
    assert campaign.CostCategory.labels() == campaign.COST_CATEGORIES
    assert campaign.COMPREHENSIVE not in campaign.ProblemCategory.codes()
    assert campaign.County.labels() == campaign.COUNTIES
    assert campaign.OperatingTier.labels() == campaign.OPERATING_TIERS
    assert campaign.EnterpriseSize.labels() == campaign.ENTERPRISE_SIZES
