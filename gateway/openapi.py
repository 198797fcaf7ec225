"""The OpenAPI document the gateway serves at /api/v1/openapi.json, built from the same pydantic
models that validate requests, so the two cannot drift."""
from __future__ import annotations

from gateway import schemas

PROBLEM = {"description": "problem details (RFC 9457)",
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _body(model) -> dict:
    return {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}


def document() -> dict:
    models = [schemas.RaiseAppeal]
    components = {m.__name__: m.model_json_schema(ref_template="#/components/schemas/{model}")
                  for m in models}
    components["Problem"] = {"type": "object", "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}}}}
    secured = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Huiqi (惠企) gateway", "version": "1"},
        "components": {"schemas": components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "paths": {
            "/api/v1/tickets": {"post": {
                "summary": "Raise an appeal (诉求)", "security": secured,
                "requestBody": _body(schemas.RaiseAppeal),
                "responses": {"201": {"description": "raised: id and ledger number"},
                              "400": PROBLEM, "401": PROBLEM, "403": PROBLEM, "422": PROBLEM}}},
            "/api/v1/tickets/{ticket_id}": {"get": {
                "summary": "An appeal's current state", "security": secured,
                "parameters": [{"name": "ticket_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the appeal"}, "401": PROBLEM,
                              "403": PROBLEM, "404": PROBLEM}}},
            "/api/v1/audit/verify": {"get": {
                "summary": "Verify the audit ledger's hash chain", "security": secured,
                "responses": {"200": {"description": "{ok, entries, head_hash} or first_bad_seq"},
                              "401": PROBLEM, "403": PROBLEM}}},
        },
    }
