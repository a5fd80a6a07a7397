"""E-mails of the sealed-bid procedures (rendered in the recipient's language, sent on
commit)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from lpse.accounts.models import User
from lpse.accounts.roles import Role
from lpse.core.mail import send_mail_on_commit

if TYPE_CHECKING:
    from lpse.bids.models import Bid, Receipt, UnopenableCase

TEMPLATES = "bids/email/"


def _users_with(*roles: Role) -> list[User]:
    return [u for u in User.objects.filter(is_active=True,
                                           role_assignments__role__in=list(roles)).distinct()
            if u.email]


def bid_received(bid: Bid, receipt: Receipt) -> None:
    vendor = bid.participant.vendor
    account = vendor.account
    url = settings.SITE_URL + reverse("bids:bid", args=[bid.tender.code])
    send_mail_on_commit(
        to=[vendor.email or account.email], template=TEMPLATES + "bid_received",
        context={"bid": bid, "tender": bid.tender, "receipt": receipt, "url": url,
                 "files": sum(len(e["files"]) for e in receipt.document["receipt"]["envelopes"])},
        language=account.preferred_language,
        attachments=[(f"bukti-penerimaan-{bid.uuid}.json",
                      json.dumps(receipt.document, indent=2, ensure_ascii=False).encode(),
                      "application/json")])


def case_filed(case: UnopenableCase) -> None:
    url = settings.SITE_URL + reverse("bids:case_detail", args=[case.pk])
    for user in _users_with(Role.HEAD, Role.APPADMIN, Role.SYSADMIN):
        send_mail_on_commit(to=[user.email], template=TEMPLATES + "case_filed",
                            context={"case": case, "tender": case.tender, "url": url},
                            language=user.preferred_language)


def case_witnessed(case: UnopenableCase) -> None:
    url = settings.SITE_URL + reverse("bids:case_detail", args=[case.pk])
    for user in case.tender.committee.member_users():
        if user.email:
            send_mail_on_commit(to=[user.email], template=TEMPLATES + "case_witnessed",
                                context={"case": case, "tender": case.tender, "url": url},
                                language=user.preferred_language)


def case_forwarded(case: UnopenableCase) -> None:
    url = settings.SITE_URL + reverse("bids:case_detail", args=[case.pk])
    package = case.lkpp_package
    attach = package is not None and package.size <= 10 * 1024 * 1024
    attachments = []
    if attach and package is not None:
        from lpse.core.files import open_stored

        with open_stored(package) as handle:
            attachments.append((package.original_name, handle.read(), "application/zip"))
    recipients = [(settings.BIDS_LKPP_EMAIL, "id")] if settings.BIDS_LKPP_EMAIL else []
    recipients += [(u.email, u.preferred_language) for u in _users_with(Role.AUDITOR)]
    for address, language in recipients:
        send_mail_on_commit(to=[address], template=TEMPLATES + "case_forwarded",
                            context={"case": case, "tender": case.tender, "url": url,
                                     "attached": attach},
                            language=language, attachments=attachments)
