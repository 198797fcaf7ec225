"""The one way a request body becomes a command's fields: an object, only the fields the command
takes, the required ones present for the aggregate to name, each refusal naming its field."""
import pytest

from kernel.errors import NotAnObject, UnexpectedField, UnknownCode, UnknownFilter
from kernel.wire import Action, Body, body_fields, command_fields, filter_values


class Sign(Body):
    unit: str
    note: str | None = None


ACTIONS = {"sign_for": Action("sign_for", Sign, "sign for it")}


def test_a_body_gives_its_fields_and_the_missing_required_ones_as_none():
    assert body_fields({"note": "n"}, Sign, "signing") == {"unit": None, "note": "n"}
    assert body_fields(None, Sign, "signing") == {"unit": None}


def test_a_plain_set_of_names_requires_only_what_it_is_told():
    assert body_fields({"a": 1}, {"a", "b"}, "x") == {"a": 1}
    assert body_fields({}, {"a", "b"}, "x", required=["b"]) == {"b": None}


@pytest.mark.parametrize("body", [[], "text", 3])
def test_a_body_that_is_not_an_object_is_refused_naming_the_fields(body):
    with pytest.raises(NotAnObject) as caught:
        body_fields(body, Sign, "signing")
    assert caught.value.field == "fields" and "note, unit" in caught.value.message


def test_an_unknown_field_is_refused_by_name_and_context():
    with pytest.raises(UnexpectedField) as caught:
        body_fields({"unit": "u", "colour": "red"}, Sign, "signing")
    assert caught.value.field == "colour" and "signing" in caught.value.message


def test_a_command_is_found_by_its_action_name():
    assert command_fields(ACTIONS, "sign_for", {"unit": "u"}, "an appeal") == (
        "sign_for", {"unit": "u"})
    with pytest.raises(UnknownCode) as caught:
        command_fields(ACTIONS, "burn", {}, "an appeal")
    assert caught.value.field == "action" and "sign_for" in caught.value.message
    with pytest.raises(UnexpectedField) as caught:
        command_fields(ACTIONS, "sign_for", {"x": 1}, "an appeal")
    assert "the sign_for command on an appeal" in caught.value.message


def test_filters_drop_blanks_and_refuse_unknown_names():
    assert filter_values({"county": " 章贡区 ", "park": " "}, ("county", "park")) == {
        "county": "章贡区"}
    assert filter_values(None, ("county",)) == {}
    with pytest.raises(UnknownFilter):
        filter_values({"colour": "red"}, ("county",))
    with pytest.raises(NotAnObject):
        filter_values(["county"], ("county",))
