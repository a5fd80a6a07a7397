"""What each app contributes to the UI shell: menu entries and dashboard panels.

Apps register in their `navigation.py` and `dashboard.py` (imported at start-up).
Visibility is decided by a permission (lpse.accounts.roles.Perm) or a set of roles, so the
menu and the dashboard never show a link the user cannot use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from lpse.accounts.models import User
    from lpse.accounts.roles import Perm, Role


def _visible(
    user: User, perm: Perm | None, roles: frozenset[Role] | None, public: bool
) -> bool:
    from lpse.accounts.roles import has_perm, roles_of

    if public:
        return True
    if not user.is_authenticated:
        return False
    if perm is not None and not has_perm(user, perm):
        return False
    return not (roles is not None and not roles_of(user) & roles)


@dataclass(frozen=True)
class MenuItem:
    label: str | _StrPromise
    url_name: str
    perm: Perm | None = None
    roles: frozenset[Role] | None = None
    public: bool = False
    icon: str = ""
    weight: int = 100
    condition: Callable[[], bool] | None = None

    def visible_to(self, user: User) -> bool:
        if self.condition is not None and not self.condition():
            return False
        return _visible(user, self.perm, self.roles, self.public)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str | _StrPromise
    weight: int = 100
    public: bool = False


_groups: dict[str, MenuGroup] = {}
_items: dict[str, list[MenuItem]] = {}


def register_menu(group: MenuGroup, items: list[MenuItem]) -> None:
    _groups.setdefault(group.key, group)
    _items.setdefault(group.key, []).extend(items)


def menu_for(user: User) -> list[dict[str, Any]]:
    menu = []
    for group in sorted(_groups.values(), key=lambda g: (g.weight, g.key)):
        items = [i for i in _items.get(group.key, []) if i.visible_to(user)]
        if items:
            menu.append({"group": group, "items": sorted(items, key=lambda i: i.weight)})
    return menu


@dataclass(frozen=True)
class Panel:
    """A dashboard panel: a template fragment and a function giving its context."""

    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]
    perm: Perm | None = None
    roles: frozenset[Role] | None = None
    weight: int = 100
    public: bool = False

    def visible_to(self, user: User) -> bool:
        return _visible(user, self.perm, self.roles, public=False)


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.weight, p.key)):
        if not panel.public and panel.visible_to(user):  # type: ignore[arg-type]
            shown.append({"panel": panel, "context": panel.context(request)})
    return shown


def public_panels(request: HttpRequest) -> list[dict[str, Any]]:
    """Panels of the public home page (latest tenders, news…), shown to everyone."""
    return [
        {"panel": panel, "context": panel.context(request)}
        for panel in sorted(_panels.values(), key=lambda p: (p.weight, p.key))
        if panel.public
    ]


# --- Site-wide banners (e.g. maintenance notices) ------------------------------------------

BannerProvider = Callable[[HttpRequest], list[dict[str, str]]]
_banner_providers: list[BannerProvider] = []


def register_banner_provider(provider: BannerProvider) -> BannerProvider:
    _banner_providers.append(provider)
    return provider


def banners_for(request: HttpRequest) -> list[dict[str, str]]:
    banners: list[dict[str, str]] = []
    for provider in _banner_providers:
        banners.extend(provider(request))
    return banners
