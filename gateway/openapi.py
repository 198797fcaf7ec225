"""The OpenAPI document the gateway serves at /api/v1/openapi.json, built from the same pydantic
models that validate requests, so the two cannot drift."""
from __future__ import annotations

from gateway import schemas

PROBLEM = {"description": "problem details (RFC 9457)", "content": {
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
SECURED = [{"bearer": []}]
TICKET_ID = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "string"}}
FILTERS = [{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
            "description": description} for name, description in [
    ("status", "received, dispatched, signed_for, in_progress, awaiting_upper_level, resolved, "
               "rated, closed"),
    ("unit", "lead or assisting unit"), ("county", "county code"), ("category", "cost category"),
    ("channel", "intake channel"), ("overdue", "true or false"),
    ("received_from", "YYYY-MM-DD, office time"), ("received_to", "YYYY-MM-DD, office time"),
    ("enterprise", "credit code or part of the name"), ("q", "words in the title")]]
PAGING = [{"name": "cursor", "in": "query", "schema": {"type": "string"}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 200}}]


def _body(model) -> dict:
    return {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}


def _responses(ok: str, *problems: int) -> dict:
    return {"200" if not ok.startswith("201") else "201": {"description": ok},
            **{str(code): PROBLEM for code in (401, *problems)}}


def _action_paths() -> dict:
    return {f"/api/v1/tickets/{{ticket_id}}/{action}": {"post": {
        "summary": f"{action} (a command on the appeal)", "security": SECURED,
        "parameters": [TICKET_ID], "requestBody": _body(model),
        "responses": _responses("the appeal after the command", 400, 403, 404, 409, 422)}}
        for action, model in schemas.ACTIONS.items()}


def document() -> dict:
    models = {schemas.RaiseAppeal, schemas.Route, *schemas.ACTIONS.values()}
    components = {m.__name__: m.model_json_schema(ref_template="#/components/schemas/{model}")
                  for m in models}
    components["Problem"] = {"type": "object", "properties": {
        "type": {"type": "string"}, "title": {"type": "string", "description": "the rule"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "field": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Huiqi (惠企) gateway", "version": "1"},
        "components": {"schemas": components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "paths": {
            "/api/v1/tickets": {
                "post": {"summary": "Raise an appeal (诉求); a near-identical open one is linked",
                         "security": SECURED, "requestBody": _body(schemas.RaiseAppeal),
                         "responses": {**_responses("201 raised: id and ledger number", 400,
                                                    403, 422),
                                       "200": {"description": "linked to the open appeal"}}},
                "get": {"summary": "The ledger (台账), filtered, newest first",
                        "security": SECURED, "parameters": FILTERS + PAGING,
                        "responses": _responses("a page of appeals and next_cursor", 422)}},
            "/api/v1/tickets/export": {"get": {
                "summary": "The ledger as .xlsx with Chinese headers", "security": SECURED,
                "parameters": FILTERS, "responses": _responses("the workbook", 422)}},
            "/api/v1/tickets/{ticket_id}": {"get": {
                "summary": "An appeal's current state", "security": SECURED,
                "parameters": [TICKET_ID], "responses": _responses("the appeal", 403, 404)}},
            "/api/v1/tickets/{ticket_id}/history": {"get": {
                "summary": "Every event of the appeal", "security": SECURED,
                "parameters": [TICKET_ID], "responses": _responses("the events", 403, 404)}},
            **_action_paths(),
            "/api/v1/routes": {
                "get": {"summary": "The routing table (category × county → unit)",
                        "security": SECURED, "responses": _responses("the routes")},
                "put": {"summary": "Set a route (the office)", "security": SECURED,
                        "requestBody": _body(schemas.Route),
                        "responses": _responses("the routes", 403, 422)},
                "delete": {"summary": "Remove a route (the office)", "security": SECURED,
                           "parameters": [{"name": n, "in": "query", "required": True,
                                           "schema": {"type": "string"}}
                                          for n in ("category", "county")],
                           "responses": _responses("the routes", 403, 404, 422)}},
            "/api/v1/audit/verify": {"get": {
                "summary": "Verify the audit ledger's hash chain", "security": SECURED,
                "responses": _responses("{ok, entries, head_hash} or first_bad_seq", 403)}},
            "/api/v1/audit/entries": {"get": {
                "summary": "Ledger entries after a seq, optionally of one stream",
                "security": SECURED, "responses": _responses("the entries", 403, 422)}},
        },
    }
