"""E-mails of the tender procedures, each rendered in the recipient's language and sent
when the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse

from lpse.accounts.models import User
from lpse.accounts.roles import Role
from lpse.core.mail import send_mail_on_commit

if TYPE_CHECKING:
    from lpse.tenders.models import Participant, Tender

TEMPLATES = "tenders/email/"


def public_url(tender: Tender) -> str:
    return settings.SITE_URL + reverse("tenders:public_detail", args=[tender.code])


def workspace_url(tender: Tender) -> str:
    return settings.SITE_URL + reverse("tenders:workspace", args=[tender.pk])


def _send(user_or_address: tuple[str, str], template: str, context: Mapping[str, Any],
          attachments: Iterable[tuple[str, bytes, str]] = ()) -> None:
    address, language = user_or_address
    send_mail_on_commit(to=[address], template=TEMPLATES + template, context=context,
                        language=language, attachments=list(attachments))


def participant_address(participant: Participant) -> tuple[str, str]:
    vendor = participant.vendor
    return (vendor.email or vendor.account.email, vendor.account.preferred_language)


def notify_participants(
    tender: Tender, template: str, context: Mapping[str, Any],
    participants: Iterable[Participant] | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> int:
    """One e-mail per participant; the context gets `participant` and `tender`."""
    chosen = participants if participants is not None else tender.participants.select_related(
        "vendor", "vendor__account")
    sent = 0
    for participant in chosen:
        _send(participant_address(participant), template,
              {"tender": tender, "tender_url": public_url(tender), **context,
               "participant": participant}, attachments)
        sent += 1
    return sent


def notify_users(users: Iterable[User], template: str, context: Mapping[str, Any]) -> None:
    for user in users:
        if user.email and user.is_active:
            _send((user.email, user.preferred_language), template, {"recipient": user,
                                                                    **context})


def notify_committee(tender: Tender, template: str, context: Mapping[str, Any]) -> None:
    notify_users(tender.committee.member_users(), template,
                 {"tender": tender, "workspace_url": workspace_url(tender), **context})


def application_admins() -> list[User]:
    return list(User.objects.filter(role_assignments__role=Role.APPADMIN, is_active=True))
