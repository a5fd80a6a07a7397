"""Change of the company e-mail (regulation Lampiran III 3.3–3.4)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.audit.services import audit_record
from lpse.core.files import LETTER_POLICY, FileRejected, open_stored, store_file
from lpse.core.mail import send_mail_on_commit
from lpse.vendors.documents import email_change_record_issue
from lpse.vendors.models import EmailChangeRequest, ProcedureStep, Vendor
from lpse.vendors.procedures import EMAIL_CHANGE, step_finish, step_record
from lpse.vendors.services.common import STATEMENT_PURPOSE, files_removed_on_error, lock, require

if TYPE_CHECKING:
    from lpse.accounts.models import User as UserType


def _address_free(email: str, vendor: Vendor) -> None:
    if User.objects.filter(email__iexact=email).exclude(pk=vendor.account_id).exists():
        raise ValidationError({"new_email": _("This e-mail address is already used by "
                                              "another account.")})


def email_change_file(
    *, vendor: Vendor, actor: UserType, new_email: str, statement: IO[Any], note: str = ""
) -> EmailChangeRequest:
    """File a request with the signed statement letter (step 1): by the vendor itself or
    by the helpdesk on its behalf. The current address is told."""
    on_behalf = actor.pk != vendor.account_id
    if on_behalf:
        require(actor, Perm.FILE_EMAIL_CHANGE_FOR_VENDOR)
    elif not actor.is_active:
        raise PermissionDenied
    new_email = new_email.strip().lower()
    try:
        validate_email(new_email)
    except ValidationError:
        raise ValidationError({"new_email": _("Enter a valid e-mail address.")}) from None
    try:
        with files_removed_on_error() as stored, transaction.atomic():
            vendor = lock(vendor)
            if vendor.status not in Vendor.LOGIN_STATUSES:
                raise ValidationError(_("The e-mail of this account cannot be changed now."))
            if new_email == vendor.email.lower():
                raise ValidationError({"new_email": _("This is already the company e-mail.")})
            _address_free(new_email, vendor)
            if vendor.email_changes.filter(status__in=EmailChangeRequest.OPEN_STATUSES).exists():
                raise ValidationError(_("An e-mail change request of this vendor is already "
                                        "being handled."))
            try:
                letter = stored.add(store_file(
                    source=statement, original_name=getattr(statement, "name", "statement"),
                    purpose=STATEMENT_PURPOSE, policy=LETTER_POLICY, uploaded_by=actor,
                    personal_data=True))
            except FileRejected as exc:
                raise ValidationError({"statement": exc.messages}) from None
            now = timezone.now()
            with transaction.atomic():
                change = EmailChangeRequest.objects.create(
                    vendor=vendor, old_email=vendor.email, new_email=new_email,
                    statement_letter=letter, note=note.strip()[:300], filed_by=actor,
                    filed_at=now)
            step_record(procedure=EMAIL_CHANGE, step=1, actor=actor,
                        actor_role="helpdesk" if on_behalf else "vendor", started_at=now,
                        finished_at=now, vendor=vendor, email_change=change)
            send_mail_on_commit(
                to=[vendor.email], template="vendors/email/email_change_filed",
                context={"vendor": vendor, "change": change},
                language=vendor.account.preferred_language,
            )
            audit_record(action="vendor.email_change_filed", actor=actor, target=change,
                         data={"vendor": vendor.pk, "old": change.old_email, "new": new_email,
                               "on_behalf": on_behalf, "statement_sha256": letter.sha256})
    except IntegrityError:
        raise ValidationError(_("An e-mail change request of this vendor is already being "
                                "handled.")) from None
    return change


def _locked(change: EmailChangeRequest) -> EmailChangeRequest:
    return EmailChangeRequest.objects.select_for_update().select_related(
        "vendor", "vendor__account").get(pk=change.pk)


@transaction.atomic
def email_change_check_start(*, change: EmailChangeRequest, actor: UserType) -> EmailChangeRequest:
    """The verifier starts checking the originals with the vendor (timed)."""
    require(actor, Perm.VERIFY_VENDORS)
    change = _locked(change)
    if change.status != EmailChangeRequest.Status.FILED:
        raise ValidationError(_("This request is not waiting for the verifier."))
    if change.check_started_at is None:
        now = timezone.now()
        change.check_started_at = now
        change.save(update_fields=["check_started_at"])
        step_record(procedure=EMAIL_CHANGE, step=1, actor=actor, actor_role="verifier",
                    started_at=now, vendor=change.vendor, email_change=change)
        audit_record(action="vendor.email_change_check_started", actor=actor, target=change)
    return change


@transaction.atomic
def email_change_verify(
    *, change: EmailChangeRequest, actor: UserType, statement_signed: bool,
    ktp_original_seen: bool, deed_seen: bool, note: str = "",
) -> EmailChangeRequest:
    """The verifier confirms the director's original KTP, the deed and the signed
    statement; the request goes to the administrator (step 1 → 2)."""
    require(actor, Perm.VERIFY_VENDORS)
    if not (statement_signed and ktp_original_seen and deed_seen):
        raise ValidationError(_("Confirm the signed statement letter, the director's original "
                                "KTP and the deed, or reject the request."))
    email_change_check_start(change=change, actor=actor)
    change = _locked(change)
    now = timezone.now()
    change.status = EmailChangeRequest.Status.VERIFIED
    change.statement_signed, change.ktp_original_seen, change.deed_seen = True, True, True
    change.verification_note = note.strip()[:300]
    change.verified_by, change.verified_at = actor, now
    change.full_clean(validate_constraints=False)
    change.save()
    for step in ProcedureStep.objects.filter(email_change=change, step=1, actor_role="verifier",
                                             finished_at__isnull=True):
        step_finish(step, finished_at=now, outcome="verified")
    step_record(procedure=EMAIL_CHANGE, step=2, actor=None, actor_role="administrator",
                started_at=now, vendor=change.vendor, email_change=change)
    audit_record(action="vendor.email_change_verified", actor=actor, target=change,
                 data={"note": change.verification_note})
    return change


@transaction.atomic
def email_change_receive(*, change: EmailChangeRequest, actor: UserType) -> EmailChangeRequest:
    """The administrator receives the verified statement (step 2); step 3 starts."""
    require(actor, Perm.APPLY_EMAIL_CHANGE)
    change = _locked(change)
    if change.status != EmailChangeRequest.Status.VERIFIED:
        raise ValidationError(_("This request is not waiting for the administrator."))
    if change.received_at is None:
        now = timezone.now()
        change.received_by, change.received_at = actor, now
        change.save(update_fields=["received_by", "received_at"])
        for step in ProcedureStep.objects.filter(email_change=change, step=2,
                                                 finished_at__isnull=True):
            step_finish(step, finished_at=now, outcome="received", actor=actor)
        step_record(procedure=EMAIL_CHANGE, step=3, actor=actor, actor_role="administrator",
                    started_at=now, vendor=change.vendor, email_change=change)
        audit_record(action="vendor.email_change_received", actor=actor, target=change)
    return change


@transaction.atomic
def email_change_apply(*, change: EmailChangeRequest, actor: UserType) -> EmailChangeRequest:
    """The administrator changes the company e-mail (step 3); both addresses are told."""
    require(actor, Perm.APPLY_EMAIL_CHANGE)
    email_change_receive(change=change, actor=actor)
    change = _locked(change)
    vendor = lock(change.vendor)
    if vendor.status not in Vendor.LOGIN_STATUSES:
        raise ValidationError(_("The e-mail of this account cannot be changed now."))
    _address_free(change.new_email, vendor)
    now = timezone.now()
    account = vendor.account
    vendor.email = account.email = change.new_email
    vendor.save(update_fields=["email", "updated_at"])
    account.save(update_fields=["email"])
    change.status = EmailChangeRequest.Status.APPLIED
    change.applied_by, change.applied_at = actor, now
    change.save(update_fields=["status", "applied_by", "applied_at"])
    for step in ProcedureStep.objects.filter(email_change=change, step=3,
                                             finished_at__isnull=True):
        step_finish(step, finished_at=now, outcome="applied")
    record = email_change_record_issue(change, actor)
    change.record = record
    change.save(update_fields=["record"])
    with open_stored(record.file) as handle:
        pdf = handle.read()
    for address, template in ((change.old_email, "email_changed_old"),
                              (change.new_email, "email_changed_new")):
        send_mail_on_commit(
            to=[address], template=f"vendors/email/{template}",
            context={"vendor": vendor, "change": change, "login_url": settings.SITE_URL},
            language=account.preferred_language,
            attachments=[(record.file.original_name, pdf, "application/pdf")],
        )
    audit_record(action="vendor.email_changed", actor=actor, target=vendor,
                 data={"request": change.pk, "old": change.old_email, "new": change.new_email,
                       "record": record.number})
    return change


@transaction.atomic
def email_change_reject(*, change: EmailChangeRequest, actor: UserType,
                        reason: str) -> EmailChangeRequest:
    """Refuse the request: by the verifier (documents do not match) or the administrator."""
    change = _locked(change)
    if change.status == EmailChangeRequest.Status.FILED:
        require(actor, Perm.VERIFY_VENDORS)
    elif change.status == EmailChangeRequest.Status.VERIFIED:
        require(actor, Perm.APPLY_EMAIL_CHANGE)
    else:
        raise ValidationError(_("This request is already closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    now = timezone.now()
    change.status = EmailChangeRequest.Status.REJECTED
    change.rejected_by, change.rejected_at = actor, now
    change.rejection_reason = reason.strip()[:300]
    change.save(update_fields=["status", "rejected_by", "rejected_at", "rejection_reason"])
    for step in ProcedureStep.objects.filter(email_change=change, finished_at__isnull=True):
        step_finish(step, finished_at=now, outcome="rejected", actor=actor)
    send_mail_on_commit(
        to=[change.old_email], template="vendors/email/email_change_rejected",
        context={"vendor": change.vendor, "change": change},
        language=change.vendor.account.preferred_language,
    )
    audit_record(action="vendor.email_change_rejected", actor=actor, target=change,
                 data={"reason": change.rejection_reason})
    return change


def can_act_on(change: EmailChangeRequest, user: UserType) -> dict[str, bool]:
    """Which actions the page offers `user` on `change`."""
    filed = change.status == EmailChangeRequest.Status.FILED
    verified = change.status == EmailChangeRequest.Status.VERIFIED
    return {
        "check": filed and has_perm(user, Perm.VERIFY_VENDORS),
        "apply": verified and has_perm(user, Perm.APPLY_EMAIL_CHANGE),
        "reject": (filed and has_perm(user, Perm.VERIFY_VENDORS))
        or (verified and has_perm(user, Perm.APPLY_EMAIL_CHANGE)),
    }
