"""The OpenAPI document the gateway serves: valid, built from the routes it mounts and the
services' wire contracts, every vocabulary an enum, every answer and error declared; and a client
generator gets typed enums and responses from it."""
import importlib
import json
import subprocess
import sys

import pytest
from openapi_spec_validator import validate
from werkzeug.routing import Map, Rule

from gateway import openapi
from gateway.auth import Role
from gateway.operations import operations_of
from gateway.service import Gateway
from kernel.actor import ROLES
from kernel.entrypoints import HTTP_STATUS, PROBLEM_JSON
from services.tickets.appeals import contract, vocabulary

VOCABULARIES = {
    "Channel": vocabulary.Channel, "Category": vocabulary.Category, "Status": vocabulary.Status,
    "Way": vocabulary.Way, "UpperLevel": vocabulary.UpperLevel, "Rating": vocabulary.Rating,
    "RatedVia": vocabulary.RatedVia, "Deadline": vocabulary.Deadline,
    "CloseReason": vocabulary.CloseReason, "County": vocabulary.County, "Role": Role,
}
METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def served(live_gateway):
    response = live_gateway.call("GET", "/api/v1/openapi.json", role=None)
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_served_document_is_valid_openapi(served):
    validate(served)
    assert served == json.loads(json.dumps(openapi.document(Gateway), ensure_ascii=False))


def test_every_vocabulary_is_an_enum(served):
    schemas = served["components"]["schemas"]
    for name, vocabulary_ in VOCABULARIES.items():
        assert schemas[name]["enum"] == [member.value for member in vocabulary_], name
    # the stack's own role (system) is no role a token carries, nor the portal's public
    assert schemas["Role"]["enum"] == [role for role in ROLES if role not in ("system", "public")]
    # and each is used where the wire carries it, not a free string
    assert schemas["RaiseAppeal"]["properties"]["channel"] == {"$ref": "#/components/schemas/Channel"}
    assert schemas["Classify"]["properties"]["way"] == {"$ref": "#/components/schemas/Way"}
    assert schemas["Rate"]["properties"]["rating"] == {"$ref": "#/components/schemas/Rating"}
    assert schemas["TicketView"]["properties"]["status"] == {"$ref": "#/components/schemas/Status"}
    assert schemas["Caller"]["properties"]["role"] == {"$ref": "#/components/schemas/Role"}
    level = schemas["Classify"]["properties"]["level"]["anyOf"]
    assert {"$ref": "#/components/schemas/UpperLevel"} in level


def test_every_operation_has_an_id_tags_answers_and_errors(served):
    ids = []
    for path, method, operation in _operations(served):
        where = f"{method.upper()} {path}"
        ids.append(operation["operationId"])
        assert operation["tags"], where
        answers = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert answers, where
        for status, answer in answers.items():
            [(media_type, content)] = answer["content"].items()
            assert content["schema"], where
        errors = {s: r for s, r in operation["responses"].items() if not s.startswith("2")}
        for status, error in errors.items():
            assert int(status) in (*HTTP_STATUS.values(), 429), where  # 429: the edge's limits
            if path == "/healthz" and status == "503":
                # A health probe's 503 is the health document itself (the broker unreachable),
                # not a refusal: monitors read its fields.
                assert error["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Health"}, where
                continue
            assert error["content"][PROBLEM_JSON]["schema"] == {
                "$ref": "#/components/schemas/Problem"}, where
        if operation["security"]:
            assert "401" in errors, where
        if "requestBody" in operation:
            assert {"400", "422"} <= set(errors), where
        for parameter in operation.get("parameters", ()):
            assert parameter["in"] in ("path", "query") and parameter["schema"], where
    assert len(ids) == len(set(ids))


def test_the_ledger_declares_its_filters_and_paging(served):
    parameters = {p["name"]: p for p in served["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert list(parameters) == [*contract.FILTERS, *contract.PAGING]
    for name, vocabulary_ in [("status", "Status"), ("county", "County"),
                              ("category", "Category"), ("channel", "Channel")]:
        assert parameters[name]["schema"] == {"$ref": f"#/components/schemas/{vocabulary_}"}
    assert parameters["limit"]["schema"]["maximum"] == contract.PAGE_SIZE[1]
    assert parameters["cursor"]["schema"]["maxLength"] == contract.CURSOR_LIMIT
    export = served["paths"]["/api/v1/tickets/export"]["get"]["parameters"]
    assert [p["name"] for p in export] == list(contract.FILTERS)
    entries = served["paths"]["/api/v1/audit/entries"]["get"]["parameters"]
    assert [p["name"] for p in entries] == ["after", "limit", "stream_id"]


def test_every_action_of_the_contract_is_an_operation(served):
    for name, action in contract.ACTIONS.items():
        operation = served["paths"][f"/api/v1/tickets/{{ticket_id}}/{name}"]["post"]
        assert operation["operationId"] == f"ticket_{action.method}"
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{action.body.__name__}"}
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/TicketView"}


def test_documented_and_mounted_routes_are_the_same():
    """Every documented operation reaches the handler that documents it, and every handler the
    gateway mounts is documented."""
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
    entrypoints = [(name, e) for name in dir(Gateway)
                   for e in getattr(getattr(Gateway, name), ENTRYPOINT_EXTENSIONS_ATTR, ())]
    mounted = Map([Rule(e.url, methods=[e.method], endpoint=name)
                   for name, e in entrypoints]).bind("gateway")
    documenting = {o.operation_id: name for name in dir(Gateway)
                   for o in getattr(getattr(Gateway, name), "operations", ())}
    operations = operations_of(Gateway)
    assert {o.operation_id for o in operations} == set(documenting)
    assert {name for name, _ in entrypoints} == set(documenting.values())
    for operation in operations:
        concrete = operation.path.replace("{ticket_id}", "t-1")
        handler, _ = mounted.match(concrete, operation.method)
        assert handler == documenting[operation.operation_id], operation.operation_id


def test_the_contract_is_what_service_and_domain_use():
    from services.tickets.appeals import domain, queries
    from services.tickets.appeals import rpc as service
    # The service takes a body by the contract's own models (kernel.wire.body_fields).
    required = [n for n, f in contract.RaiseAppeal.model_fields.items() if f.is_required()]
    assert service.raised_fields({}) == dict.fromkeys(required)
    assert list(queries.FILTERS) == list(contract.FILTERS)
    assert (queries.PAGE_SIZE, queries.CURSOR_LIMIT) == (contract.PAGE_SIZE, contract.CURSOR_LIMIT)
    for limit in ("TITLE_LIMIT", "DESCRIPTION_LIMIT", "NOTE_LIMIT", "NAME_LIMIT", "CODE_LIMIT",
                  "EXTENSION_DAYS"):
        assert getattr(domain, limit) == getattr(contract, limit), limit
    # The gateway and the domain once disagreed: 200 characters against 5,000.
    reference = contract.Classify.model_json_schema()["properties"]["report_reference"]
    assert {"type": "string", "maxLength": domain.NOTE_LIMIT, "minLength": 1,
            "pattern": contract.NO_NUL} in reference["anyOf"]


def test_a_generated_client_has_typed_enums_and_responses(served, live_gateway, tmp_path):
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(served, ensure_ascii=False), encoding="utf-8")
    config = tmp_path / "config.json"
    # The generator reads JSON and bytes; the workbook is bytes whatever its media type.
    config.write_text(json.dumps({"content_type_overrides": {
                                      "application/vnd.openxmlformats-officedocument."
                                      "spreadsheetml.sheet": "application/octet-stream"}}))
    done = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
         "--config", str(config), "--output-path", str(tmp_path / "huiqi_client"),
         "--meta", "none"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout
    models = tmp_path / "huiqi_client" / "models"
    for name in ("channel", "category", "status", "way", "upper_level", "rating", "role",
                 "county"):
        source = (models / f"{name}.py").read_text(encoding="utf-8")
        assert "(StrEnum)" in source or "(str, Enum)" in source, name

    # The generated client, used against the live gateway, returns typed models.
    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("huiqi_client")
        get_ticket = importlib.import_module("huiqi_client.api.tickets.get_ticket")
        list_tickets = importlib.import_module("huiqi_client.api.tickets.list_tickets")
        generated = importlib.import_module("huiqi_client.models")
        client = client_module.AuthenticatedClient(base_url=live_gateway.base,
                                                   token=live_gateway.tokens["office"])
        with client:
            ticket = get_ticket.sync(live_gateway.ticket_ids[0], client=client)
            page = list_tickets.sync(client=client, status=generated.Status.DISPATCHED)
            missing = get_ticket.sync("no-such-appeal", client=client)
        assert isinstance(ticket, generated.TicketView)
        assert ticket.status is generated.Status.DISPATCHED
        assert ticket.channel is generated.Channel.DIRECT_LINE
        assert isinstance(page, generated.TicketPage)
        assert {line.status for line in page.items} == {generated.Status.DISPATCHED}
        assert isinstance(missing, generated.Problem) and missing.status == 404
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "huiqi_client" or m.startswith("huiqi_client.")]:
            del sys.modules[name]
