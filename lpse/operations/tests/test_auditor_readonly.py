"""Pasal 12 f: LKPP monitors with read access and can change nothing.

Walks EVERY URL pattern of the project (so it keeps protecting apps added later) and
sends a POST as the auditor, and every unsafe method to every API endpoint with the
auditor's API token: each must be refused.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from lpse.accounts.models import ApiToken
from lpse.accounts.roles import Perm, Role
from lpse.accounts.services import api_token_create
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.operations.middleware import READ_ONLY_ALLOWED_VIEWS, is_read_only

pytestmark = pytest.mark.django_db

SAMPLES = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x/y"}


def _route_sample(route: str) -> str:
    def sub(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return SAMPLES.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", sub, route)


def _regex_sample(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<format>[^)]*\)", "json", text)
    candidates = ["1", "202600000001", "x", str(uuid.uuid4()), "a-1"]

    def sample(match: re.Match[str]) -> str:
        group = match.group(1)
        return next((c for c in candidates if re.fullmatch(group, c)), "1")

    text = re.sub(r"\(\?P<\w+>([^)]*)\)", sample, text)
    return text.replace("\\.", ".").replace("/?", "/").replace("\\Z", "")


def all_urls() -> list[tuple[str, str]]:
    """(sample URL, view name) for every pattern in the project."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str) -> None:
        for entry in patterns:
            pattern = entry.pattern
            if isinstance(pattern, RoutePattern):
                piece = _route_sample(str(pattern))
            elif isinstance(pattern, RegexPattern):
                piece = _regex_sample(pattern.regex.pattern)
            else:  # LocalePrefixPattern and friends
                piece = ""
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                walk(entry.url_patterns, prefix + piece,
                     f"{namespace}:{ns}" if namespace and ns else (ns or namespace))
            else:
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (
                    entry.name or "")
                found.append(("/" + prefix + piece, name))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_the_auditor_role_is_read_only():
    assert is_read_only(frozenset({Role.AUDITOR}))
    assert not is_read_only(frozenset({Role.HEAD}))
    for perm in Perm:
        if Role.AUDITOR in perm.roles:
            assert not perm.writes, f"{perm} is a write permission held by the auditor"


def test_every_url_refuses_a_post_from_the_auditor(client_for):
    auditor = make_user(Role.AUDITOR)
    client = client_for(auditor)
    urls = all_urls()
    assert len(urls) > 40
    checked, failures = 0, []
    for url, name in urls:
        if name in READ_ONLY_ALLOWED_VIEWS:
            continue
        match = resolve(url)  # the sample must reach the pattern it was made from
        assert match.view_name == name or not name, (url, name, match.view_name)
        before = AuditEvent.objects.exclude(action="auth.denied").count()
        response = client.post(url, {"title": "x", "reason": "x", "result": "ok"})
        if response.status_code != 403:
            failures.append(f"POST {url} ({name}) -> {response.status_code}")
        if AuditEvent.objects.exclude(action="auth.denied").count() != before:
            failures.append(f"POST {url} ({name}) changed state")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked > 40
    assert AuditEvent.objects.filter(action="auth.denied", actor=auditor,
                                     data__reason="read-only role").count() == checked


def test_every_api_endpoint_refuses_unsafe_methods_with_the_auditor_token():
    auditor = make_user(Role.AUDITOR)
    _token, key = api_token_create(user=auditor, name="LKPP monitoring")
    assert ApiToken.objects.filter(user=auditor).exists()
    client = Client()
    api = [(url, name) for url, name in all_urls() if url.startswith("/api/v1/")
           and "openapi" not in url and "/docs/" not in url]
    assert len(api) > 5
    failures = []
    for url, _name in api:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, data={}, content_type="application/json",
                                               HTTP_AUTHORIZATION=f"Token {key}")
            if response.status_code != 403:
                failures.append(f"{method.upper()} {url} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    # Reading works with the same token.
    response = client.get("/api/v1/operations/alerts/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_other_roles_still_write(client_for):
    admin = make_user(Role.SYSADMIN)
    response = client_for(admin).post("/operations/capacity/run/")
    assert response.status_code == 302
