"""Extension points of tender publication, for other modules (lpse.bids).

    from lpse.tenders.hooks import register_publish_check, register_publish_callback

    @register_publish_check
    def members_have_opening_keys(tender: Tender) -> list[str]:
        return [_("%(name)s has no opening key yet.") % ...]     # empty list: fine

    @register_publish_callback
    def create_tender_key_pair(tender: Tender, actor: User) -> None:
        ...   # runs inside the publication transaction: an exception rolls it back

Checks run before anything changes; their messages are shown to the committee and
publication is refused. Callbacks run in `tender_publish`'s transaction after the tender is
marked published and before its audit record; raising `ValidationError` aborts publication.
Register them in your AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lpse.accounts.models import User
    from lpse.tenders.models import Tender

PublishCheck = Callable[["Tender"], Iterable[str]]
PublishCallback = Callable[["Tender", "User"], None]

_checks: list[PublishCheck] = []
_callbacks: list[PublishCallback] = []


def register_publish_check(check: PublishCheck) -> PublishCheck:
    if check not in _checks:
        _checks.append(check)
    return check


def register_publish_callback(callback: PublishCallback) -> PublishCallback:
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def unregister(hook: PublishCheck | PublishCallback) -> None:
    """Remove a check or callback (tests)."""
    for registry in (_checks, _callbacks):
        if hook in registry:
            registry.remove(hook)  # type: ignore[arg-type]


def publish_problems(tender: Tender) -> list[str]:
    problems: list[str] = []
    for check in list(_checks):
        problems.extend(str(p) for p in check(tender))
    return problems


def run_publish_callbacks(tender: Tender, actor: User) -> None:
    for callback in list(_callbacks):
        callback(tender, actor)
