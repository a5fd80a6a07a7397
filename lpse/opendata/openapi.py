"""One coherent OpenAPI document for the whole API (a drf-spectacular postprocessing hook,
enabled in config/settings.py).

drf-spectacular documents what each view declares, usually only the success answer. Every
operation can also answer with DRF's standard errors, and the fuzz test (schemathesis)
requires each answer to be documented, so this hook adds, where an operation does not
declare them itself:

- 400 `ValidationError` when it takes query parameters or a body (bad filter values);
- 404 `Error` when it has path parameters (unknown object) or a `page` parameter (a page
  past the end);
- 401/403 `Error` when it needs authentication;
- 429 `Error` everywhere (anonymous and per-user rates, the OCDS bulk rate).

It also adds the "public" tag to the operations anyone may call, so the public API can be
browsed on its own in the API documentation.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "example": {"detail": "Tidak ditemukan."},
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Per parameter (or `non_field_errors`): the reasons, in the user's language.",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"},
                  {"type": "object"}],
    },
    "example": {"year": ["Must be a number."]},
}
PUBLIC_TAG = "public"


def _error(description: str, ref: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": ref}}}}


def add_standard_errors(result: dict[str, Any], generator: Any, request: Any,
                        public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    error_ref, validation_ref = "#/components/schemas/Error", "#/components/schemas/ValidationError"
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            locations = {p.get("in") for p in parameters}
            names = {p.get("name") for p in parameters}
            anonymous = {} in (operation.get("security") or [])
            if ("query" in locations or "requestBody" in operation) and "400" not in responses:
                responses["400"] = _error("Invalid parameters.", validation_ref)
            if ("path" in locations or "page" in names) and "404" not in responses:
                responses["404"] = _error("Not found (or a page past the end).", error_ref)
            if not anonymous:
                responses.setdefault("401", _error("Authentication required.", error_ref))
                responses.setdefault("403", _error("Not allowed.", error_ref))
            responses.setdefault("429", _error("Too many requests (see Retry-After).",
                                               error_ref))
            if anonymous and method == "get":
                tags = operation.setdefault("tags", [])
                if PUBLIC_TAG not in tags:
                    tags.append(PUBLIC_TAG)
    return result
