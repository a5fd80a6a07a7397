"""The role × URL access matrix: every app lists who may open each of its pages.

    MATRIX = [
        Access("/audit/", allowed={Role.HEAD, Role.SYSADMIN, Role.AUDITOR}),
        Access(lambda objs: f"/tenders/{objs['tender'].pk}/", allowed={...}, denied=404),
    ]

`check_matrix(MATRIX, users_by_role, client_for, objects)` asserts that every allowed role
gets a success (2xx/3xx other than a redirect to the login page) and every other role gets
the denial status (404 for an object the user may not see, 403 for a page the role lacks),
and that anonymous users are sent to the login page (or get the public page when `public`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from lpse.accounts.models import User
from lpse.accounts.roles import Role


@dataclass(frozen=True)
class Access:
    url: str | Callable[[Mapping[str, Any]], str]
    allowed: frozenset[Role] | set[Role]
    denied: int | tuple[int, ...] = (403, 404)
    public: bool = False
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)

    def resolve(self, objects: Mapping[str, Any]) -> str:
        return self.url(objects) if callable(self.url) else self.url


def _ok(status: int, location: str) -> bool:
    return (200 <= status < 400) and "/accounts/login/" not in location \
        and "/accounts/2fa/" not in location


def check_matrix(
    matrix: Iterable[Access],
    users_by_role: Mapping[Role, User],
    client_for: Callable[[User | None], Client],
    objects: Mapping[str, Any] | None = None,
) -> None:
    objects = objects or {}
    failures: list[str] = []
    clients = {role: client_for(user) for role, user in users_by_role.items()}
    anonymous = client_for(None)
    for entry in matrix:
        url = entry.resolve(objects)
        denied = entry.denied if isinstance(entry.denied, tuple) else (entry.denied,)
        for role, client in clients.items():
            response = getattr(client, entry.method)(url, entry.data)
            location = response.get("Location", "")
            if role in entry.allowed and not _ok(response.status_code, location):
                failures.append(f"{role} should reach {entry.method.upper()} {url}: "
                                f"{response.status_code} {location}")
            if role not in entry.allowed and response.status_code not in denied:
                failures.append(f"{role} should be refused {entry.method.upper()} {url}: "
                                f"got {response.status_code} {location}")
        response = getattr(anonymous, entry.method)(url, entry.data)
        location = response.get("Location", "")
        if entry.public:
            if not _ok(response.status_code, location):
                failures.append(f"anonymous should reach public {url}: {response.status_code}")
        elif not (response.status_code in (302, 401, 403, 404)
                  and (response.status_code != 302 or "/accounts/login/" in location)):
            failures.append(f"anonymous should be refused {url}: {response.status_code} "
                            f"{location}")
    assert not failures, "Access matrix violations:\n" + "\n".join(failures)
