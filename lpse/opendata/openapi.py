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

Path parameters get the `pattern` of their URL route, so that the schema says which values
reach the view at all (others are answered by the site's HTML "not found" page).
"""

from __future__ import annotations

import re
from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "example": {"detail": "Tidak ditemukan."},
}
VALIDATION_ERROR = {
    "description": "Per parameter (or `non_field_errors`): the reasons, in the user's "
                   "language; a plain list of reasons when no parameter is to blame.",
    "oneOf": [
        {"type": "object", "additionalProperties": {
            "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"},
                      {"type": "object"}]}},
        {"type": "array", "items": {"type": "string"}},
    ],
    "example": {"year": ["Must be a number."]},
}
CONVERTERS = {"int": "[0-9]+", "str": "[^/]+", "slug": "[-a-zA-Z0-9_]+",
              "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
              "path": ".+"}


def route_groups(route: str) -> dict[str, str]:
    """The named groups of a URL regex (`(?P<name>…)`) or route (`<conv:name>`)."""
    groups: dict[str, str] = {}
    for match in re.finditer(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", route):
        if route[max(0, match.start() - 2):match.start()] == "?P":
            continue
        groups[match["name"]] = CONVERTERS.get(match["conv"] or "str", "[^/]+")
    start = 0
    while (start := route.find("(?P<", start)) != -1:
        name_end = route.index(">", start)
        name, depth, index = route[start + 4:name_end], 1, name_end + 1
        while depth and index < len(route):
            if route[index] == "\\":
                index += 2
                continue
            depth += {"(": 1, ")": -1}.get(route[index], 0)
            index += 1
        groups[name] = route[name_end + 1:index - 1]
        start = index
    return groups


def _route_patterns(generator: Any) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for path, path_regex, _method, _callback in getattr(generator, "endpoints", None) or []:
        found.setdefault(path, route_groups(path_regex))
    return found


def _error(description: str, ref: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": ref}}}}


def add_standard_errors(result: dict[str, Any], generator: Any, request: Any,
                        public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    error_ref, validation_ref = "#/components/schemas/Error", "#/components/schemas/ValidationError"
    routes = _route_patterns(generator)
    for path, operations in result.get("paths", {}).items():
        groups = routes.get(path, {})
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            locations = {p.get("in") for p in parameters}
            names = {p.get("name") for p in parameters}
            anonymous = {} in (operation.get("security") or [])
            for parameter in parameters:
                group = groups.get(parameter.get("name", ""))
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and group and "pattern" not in schema \
                        and schema.get("type") == "string":
                    schema["pattern"] = f"^(?:{group})$"
            if ("query" in locations or "requestBody" in operation) and "400" not in responses:
                responses["400"] = _error("Invalid parameters.", validation_ref)
            if ("path" in locations or "page" in names) and "404" not in responses:
                responses["404"] = _error("Not found (or a page past the end).", error_ref)
            if not anonymous:
                responses.setdefault("401", _error("Authentication required.", error_ref))
                responses.setdefault("403", _error("Not allowed.", error_ref))
            responses.setdefault("429", _error("Too many requests (see Retry-After).",
                                               error_ref))
    return result
