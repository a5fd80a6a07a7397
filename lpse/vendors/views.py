from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import PermRequiredMixin, perm_required, request_user
from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.core.calendar import is_service_time, localdate_wib
from lpse.core.files import file_response
from lpse.core.forms import add_service_errors
from lpse.core.models import IssuedDocument
from lpse.core.request_context import client_ip
from lpse.core.tables import FilteredTableView
from lpse.vendors import services
from lpse.vendors.conf import verification_hours, verification_place
from lpse.vendors.documents import REGISTRATION_FORM, documents_to_bring
from lpse.vendors.forms import (
    BaseLicenceFormSet,
    BlacklistForm,
    ContactForm,
    CorrectionForm,
    DeedForm,
    EmailChangeForm,
    EmailCheckForm,
    LegalForm,
    LicenceForm,
    LicenceFormSet,
    OutcomeForm,
    ReasonForm,
    RegistrationEmailForm,
    RegistrationForm,
    ReportPeriodForm,
    ScanForm,
)
from lpse.vendors.models import (
    BlacklistEntry,
    BusinessLicence,
    Deed,
    EmailChangeRequest,
    Vendor,
    VendorDataChange,
    VerificationCheck,
    VerificationSession,
)
from lpse.vendors.procedures import STEPS
from lpse.vendors.reports import default_period, monthly_report, report_csv
from lpse.vendors.selectors import (
    blacklist_hits,
    blacklist_visible_to,
    can_view_personal_data,
    email_changes_visible_to,
    own_vendor,
    sessions_of,
    vendor_may_participate,
    vendors_visible_to,
    verification_queue,
    working_days_left,
)
from lpse.vendors.services.email_change import can_act_on
from lpse.vendors.services.registration import page_stamp
from lpse.vendors.services.verification import correctable_choices
from lpse.vendors.tables import (
    BlacklistFilter,
    BlacklistTable,
    EmailChangeFilter,
    EmailChangeTable,
    QueueFilter,
    QueueTable,
    VendorFilter,
    VendorTable,
)
from lpse.vendors.validators import format_npwp, mask_nik

REGISTERED_SESSION_KEY = "vendors_registered"


def _message_errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _hours_text() -> str:
    opening, closing = verification_hours()
    return f"{opening:%H:%M}–{closing:%H:%M}"


# --- Registration (public) -------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    """Lampiran I 1.2 steps 1–2: the vendor enters the company e-mail."""
    form = RegistrationEmailForm(request.POST or None, initial={"stamp": page_stamp()})
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_link_request(
                email=form.cleaned_data["email"], ip=client_ip(request),
                language=get_language() or "id", page_stamp_value=form.cleaned_data["stamp"])
        except services.RateLimited:
            form.add_error(None, _("Too many registration requests from your network. "
                                   "Please try again later."))
            return render(request, "vendors/register.html", {"form": form}, status=429)
        return redirect("vendors:register_sent")
    return render(request, "vendors/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "vendors/register_sent.html", {
        "hours": _hours_text(),
    })


def _link_invalid(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "vendors/link_invalid.html", {"reason": reason}, status=400)


def register_form(request: HttpRequest, token: str) -> HttpResponse:
    """Steps 4–5: the online registration form behind the e-mailed link."""
    try:
        link = services.registration_link_check(token)
    except services.RegistrationLinkInvalid as exc:
        return _link_invalid(request, exc.reason)
    if request.method != "POST":
        services.registration_link_open(link=link)
    # Scans that arrived are kept if the form is refused (the browser cannot re-attach them).
    form = RegistrationForm(request.POST or None, request.FILES or None,
                            held_scope=f"registration:{link.pk}")
    formset = LicenceFormSet(request.POST or None, prefix="licences")
    if request.method == "POST":
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            try:
                vendor = services.vendor_register(
                    token=token,
                    data=form.registration_data(cast(BaseLicenceFormSet, formset).licences()),
                    language=get_language() or "id")
            except services.RegistrationLinkInvalid as exc:
                return _link_invalid(request, exc.reason)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form.release_held()
                request.session[REGISTERED_SESSION_KEY] = vendor.pk
                return redirect("vendors:register_done")
        form.hold_uploads()
    return render(request, "vendors/register_form.html",
                  {"form": form, "formset": formset, "email": link.email})


def _registered_vendor(request: HttpRequest) -> Vendor:
    pk = request.session.get(REGISTERED_SESSION_KEY)
    vendor = Vendor.objects.filter(pk=pk).first() if pk else None
    if vendor is None:
        raise Http404
    return vendor


def register_done(request: HttpRequest) -> HttpResponse:
    """Step 6: user ID, deadline, where and when, what to bring, the printable form."""
    vendor = _registered_vendor(request)
    return render(request, "vendors/register_done.html", {
        "vendor": vendor, "place": verification_place(), "hours": _hours_text(),
        "documents": documents_to_bring(vendor),
    })


def register_done_form(request: HttpRequest) -> HttpResponseBase:
    vendor = _registered_vendor(request)
    document = IssuedDocument.objects.select_related("file").filter(
        letter_type=REGISTRATION_FORM, subject_type="vendors.vendor",
        subject_id=str(vendor.pk)).first()
    if document is None:
        raise Http404
    return file_response(document.file, inline=True)


# --- The vendor's own pages --------------------------------------------------------------------


def vendor_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in vendor users only; the view gets their vendor record."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return view(request, own_vendor(request_user(request)), *args, **kwargs)

    return wrapped


def _vendor_context(vendor: Vendor, user: User) -> dict[str, Any]:
    personal = can_view_personal_data(user, vendor)
    return {
        "vendor": vendor,
        "personal": personal,
        "nik": vendor.director_nik if personal else mask_nik(vendor.director_nik),
        "deeds": list(vendor.deeds.all()),
        "licences": list(_licences(vendor)),
        "scans": list(vendor.documents.select_related("file")) if personal else [],
        "sessions": list(sessions_of(vendor)),
        "changes": list(vendor.changes.select_related("changed_by", "confirmed_in")[:50]),
        "email_changes": list(vendor.email_changes.select_related("filed_by")),
        "hits": blacklist_hits(vendor),
        "may_participate": vendor_may_participate(vendor),
        "days_left": working_days_left(vendor),
        "registration_form": IssuedDocument.objects.select_related("file").filter(
            letter_type=REGISTRATION_FORM, subject_type="vendors.vendor",
            subject_id=str(vendor.pk)).first(),
    }


def _licences(vendor: Vendor) -> QuerySet[BusinessLicence]:
    return vendor.licences.prefetch_related("business_fields")


@vendor_view
def me(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    context = _vendor_context(vendor, request_user(request))
    context["editable"] = vendor.status in Vendor.LOGIN_STATUSES
    return render(request, "vendors/me.html", context)


def _form_page(request: HttpRequest, form: Any, *, title: str, intro: str = "",
               back: str, multipart: bool = False, submit: str = "",
               warning: str = "") -> HttpResponse:
    return render(request, "vendors/form.html", {
        "form": form, "title": title, "intro": intro, "back": back, "multipart": multipart,
        "submit": submit or _("Save"), "warning": warning,
    })


@vendor_view
def me_contact(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    initial = {f: getattr(vendor, f) for f in ContactForm.base_fields}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_contact_update(vendor=vendor, actor=request_user(request),
                                           **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact data have been saved."))
            return redirect("vendors:me")
    return _form_page(request, form, title=_("Contact data"), back="vendors:me")


@vendor_view
def me_legal(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    initial = {f: getattr(vendor, f) for f in LegalForm.base_fields}
    initial["npwp"] = format_npwp(vendor.npwp)
    form = LegalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_legal_update(vendor=vendor, actor=request_user(request),
                                         **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The data have been saved."))
            return redirect("vendors:me")
    return _form_page(request, form, title=_("Company and director"), back="vendors:me",
                      warning=_reverification_warning())


def _reverification_warning() -> str:
    return _("Changing these data puts the account in “needs re-verification”: until an LPSE "
             "verifier has seen the original documents, the company cannot take part in "
             "tenders.")


@vendor_view
def me_deed(request: HttpRequest, vendor: Vendor, kind: str) -> HttpResponse:
    if kind not in Deed.Kind.values:
        raise Http404
    deed = Deed.objects.filter(vendor=vendor, kind=kind).first()
    form = DeedForm(request.POST or None, instance=deed)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_deed_save(vendor=vendor, actor=request_user(request), kind=kind,
                                      **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The deed has been saved."))
            return redirect("vendors:me")
    return _form_page(request, form, title=str(Deed.Kind(kind).label), back="vendors:me",
                      warning=_reverification_warning())


@vendor_view
def me_licence(request: HttpRequest, vendor: Vendor, pk: int | None = None) -> HttpResponse:
    licence = get_object_or_404(vendor.licences, pk=pk) if pk else None
    initial: dict[str, Any] = {}
    if licence is not None:
        initial = {f: getattr(licence, f) for f in ("kind", "number", "issued_by", "valid_from",
                                                    "valid_until")}
        initial["business_fields"] = list(licence.business_fields.all())
    form = LicenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.licence_data()
        try:
            services.vendor_licence_save(
                vendor=vendor, actor=request_user(request), licence=licence, kind=data.kind,
                number=data.number, issued_by=data.issued_by, valid_from=data.valid_from,
                valid_until=data.valid_until, business_field_ids=data.business_field_ids)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The licence has been saved."))
            return redirect("vendors:me")
    return _form_page(request, form, title=_("Business licence"), back="vendors:me",
                      warning=_reverification_warning())


@vendor_view
@require_POST
def me_licence_remove(request: HttpRequest, vendor: Vendor, pk: int) -> HttpResponse:
    licence = get_object_or_404(vendor.licences, pk=pk)
    try:
        services.vendor_licence_remove(vendor=vendor, actor=request_user(request),
                                       licence=licence)
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _("The licence has been removed."))
    return redirect("vendors:me")


@vendor_view
def me_scan(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vendor_scan_add(vendor=vendor, actor=request_user(request),
                                     kind=form.cleaned_data["kind"],
                                     upload=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The scan has been stored."))
            return redirect("vendors:me")
    return _form_page(request, form, title=_("Add a scan"), back="vendors:me", multipart=True)


def _email_change_page(request: HttpRequest, vendor: Vendor, *, back: str,
                       back_args: tuple[Any, ...] = ()) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, request.FILES or None,
                           held_scope=f"email-change:{vendor.pk}:{request.user.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            change = services.email_change_file(
                vendor=vendor, actor=request_user(request),
                new_email=form.cleaned_data["new_email"],
                statement=form.cleaned_data["statement"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form.release_held()
            messages.success(request, _(
                "The request has been filed. The director brings the original KTP and the "
                "company deed to the LPSE verifier; an administrator then changes the address."))
            return redirect("vendors:email_change_detail", pk=change.pk)
    form.hold_uploads()
    return render(request, "vendors/email_change_form.html", {
        "form": form, "vendor": vendor, "back": back, "back_args": back_args,
    })


@vendor_view
def me_email_change(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    return _email_change_page(request, vendor, back="vendors:me")


@vendor_view
def me_export(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    data = services.vendor_data_export(vendor=vendor, actor=request_user(request))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="data-{vendor.registration_number}.zip"')
    response["Cache-Control"] = "private, no-store"
    return response


# --- Officers: vendor list, detail, verification queue ------------------------------------------


class VendorListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_VENDORS
    table_class = VendorTable
    filterset_class = VendorFilter
    template_name = "vendors/vendor_list.html"

    def get_queryset(self) -> QuerySet[Vendor]:
        return vendors_visible_to(self.request.user).order_by("-created_at")  # type: ignore[arg-type]


class QueueView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VERIFY_VENDORS
    table_class = QueueTable
    filterset_class = QueueFilter
    template_name = "vendors/queue.html"

    def get_queryset(self) -> QuerySet[Vendor]:
        return verification_queue()


@perm_required(Perm.VIEW_VENDORS)
def vendor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    vendor = get_object_or_404(vendors_visible_to(user), pk=pk)
    context = _vendor_context(vendor, user)
    context.update({
        "open_session": vendor.verification_sessions.filter(finished_at__isnull=True).first(),
        "can_verify": has_perm(user, Perm.VERIFY_VENDORS),
        "can_manage": has_perm(user, Perm.MANAGE_VENDORS),
        "can_file_email_change": has_perm(user, Perm.FILE_EMAIL_CHANGE_FOR_VENDOR),
        "reason_form": ReasonForm(),
    })
    return render(request, "vendors/vendor_detail.html", context)


@perm_required(Perm.VERIFY_VENDORS)
@require_POST
def verification_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    vendor = get_object_or_404(vendors_visible_to(user), pk=pk)
    try:
        session = services.verification_open(vendor=vendor, actor=user)
    except ValidationError as exc:
        _message_errors(request, exc)
        return redirect("vendors:vendor_detail", pk=vendor.pk)
    return redirect("vendors:session", pk=session.pk)


#: Element ids of the verification desk's two forms (both have a "reason" field).
OUTCOME_ID = "outcome-%s"
CORRECTION_ID = "correction-%s"


def _session_or_404(request: HttpRequest, pk: int) -> VerificationSession:
    user = request_user(request)
    return get_object_or_404(
        VerificationSession.objects.select_related("vendor", "vendor__account", "opened_by",
                                                   "finished_by", "record")
        .filter(vendor__in=vendors_visible_to(user)), pk=pk)


def _check_values(request: HttpRequest, checks: list[VerificationCheck]) -> dict[str, Any]:
    data = request.POST
    return {c.item: services.CheckResult(
        original_seen=data.get(f"seen_{c.item}") == "on",
        matches=data.get(f"match_{c.item}") == "on",
        note=data.get(f"note_{c.item}", "")[:300]) for c in checks}


@perm_required(Perm.VERIFY_VENDORS)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk: checklist, corrections, blacklist, outcome. The timer runs until the
    verifier finishes."""
    session = _session_or_404(request, pk)
    user = request_user(request)
    vendor = session.vendor
    checks = list(session.checks.all())
    # Both forms have a "reason" field: distinct ids, so each label points at its own field.
    outcome_form = OutcomeForm(request.POST or None, auto_id=OUTCOME_ID)
    correction_form = CorrectionForm(choices=correctable_choices(vendor), auto_id=CORRECTION_ID)
    posted: dict[str, Any] = {}
    if request.method == "POST" and session.is_open:
        posted = _check_values(request, checks)
        if outcome_form.is_valid():
            try:
                services.verification_finish(
                    session=session, actor=user, checks=posted,
                    outcome=outcome_form.cleaned_data["outcome"],
                    reason=outcome_form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(outcome_form, exc)
            else:
                messages.success(request, _("The verification is finished; the record has "
                                            "been issued and the vendor told by e-mail."))
                return redirect("vendors:session", pk=session.pk)
    rows = []
    for check in checks:
        value = posted.get(check.item)
        rows.append({"check": check,
                     "seen": value.original_seen if value else check.original_seen,
                     "matches": value.matches if value else check.matches,
                     "note": value.note if value else check.note})
    return render(request, "vendors/session.html", {
        "session": session, "vendor": vendor, "rows": rows, "outcome_form": outcome_form,
        "correction_form": correction_form, "hits": blacklist_hits(vendor),
        "corrections": list(session.corrections.select_related("changed_by")),
        "pending_changes": list(VendorDataChange.objects.filter(
            vendor=vendor, legal=True, confirmed_in__isnull=True,
            source=VendorDataChange.Source.VENDOR)),
        "nik": vendor.director_nik if can_view_personal_data(user, vendor)
        else mask_nik(vendor.director_nik),
        "scans": list(vendor.documents.select_related("file"))
        if can_view_personal_data(user, vendor) else [],
        "in_service_hours": is_service_time(session.started_at, verification_hours()),
        "hours": _hours_text(), "days_left": working_days_left(vendor),
        "step_9": STEPS[("1.2", 9)],
    })


@perm_required(Perm.VERIFY_VENDORS)
@require_POST
def session_correct(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    form = CorrectionForm(request.POST, choices=correctable_choices(session.vendor))
    if form.is_valid():
        try:
            services.verification_correct(session=session, actor=request_user(request),
                                          **form.cleaned_data)
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _("The correction has been recorded."))
    else:
        messages.error(request, _("Choose the data to correct and give a reason."))
    return redirect("vendors:session", pk=session.pk)


@perm_required(Perm.VERIFY_VENDORS)
@require_POST
def activation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    vendor = get_object_or_404(vendors_visible_to(user), pk=pk)
    try:
        services.activation_link_resend(vendor=vendor, actor=user)
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _("A new link to set the password has been e-mailed to "
                                    "%(email)s.") % {"email": vendor.email})
    return redirect("vendors:vendor_detail", pk=vendor.pk)


@perm_required(Perm.MANAGE_VENDORS)
@require_POST
def vendor_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.vendor_deactivate,
                          _("The vendor account has been deactivated."))


@perm_required(Perm.MANAGE_VENDORS)
@require_POST
def vendor_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.vendor_reactivate,
                          _("The vendor account has been reactivated."))


def _status_change(request: HttpRequest, pk: int, service: Callable[..., Vendor],
                   done: str) -> HttpResponse:
    user = request_user(request)
    vendor = get_object_or_404(vendors_visible_to(user), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required."))
    else:
        try:
            service(vendor=vendor, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, done)
    return redirect("vendors:vendor_detail", pk=vendor.pk)


@perm_required(Perm.FILE_EMAIL_CHANGE_FOR_VENDOR)
def vendor_email_change(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = get_object_or_404(vendors_visible_to(request_user(request)), pk=pk)
    return _email_change_page(request, vendor, back="vendors:vendor_detail",
                              back_args=(vendor.pk,))


# --- E-mail change requests (Lampiran III 3.4) ------------------------------------------------


class EmailChangeListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_VENDORS
    table_class = EmailChangeTable
    filterset_class = EmailChangeFilter
    template_name = "vendors/email_change_list.html"

    def get_queryset(self) -> QuerySet[EmailChangeRequest]:
        return email_changes_visible_to(self.request.user).order_by("-filed_at")  # type: ignore[arg-type]


def _change_or_404(request: HttpRequest, pk: int) -> EmailChangeRequest:
    qs = email_changes_visible_to(request_user(request)).select_related(
        "vendor__account", "verified_by", "received_by", "applied_by", "rejected_by", "record",
        "statement_letter")
    return get_object_or_404(qs, pk=pk)


@login_required
def email_change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_or_404(request, pk)
    user = request_user(request)
    return render(request, "vendors/email_change_detail.html", {
        "change": change, "vendor": change.vendor, "actions": can_act_on(change, user),
        "check_form": EmailCheckForm(), "reason_form": ReasonForm(),
        "can_see_letter": _can_see_statement(user, change),
        "steps": list(change.procedure_steps.select_related("actor")),
    })


def _can_see_statement(user: User, change: EmailChangeRequest) -> bool:
    from lpse.vendors.file_access import statement_readable

    return statement_readable(user, change)


def _change_action(request: HttpRequest, pk: int, action: Callable[[EmailChangeRequest, User],
                   Any], done: str) -> HttpResponse:
    change = _change_or_404(request, pk)
    try:
        action(change, request_user(request))
    except ValidationError as exc:
        _message_errors(request, exc)
    except PermissionDenied:
        raise
    else:
        messages.success(request, done)
    return redirect("vendors:email_change_detail", pk=change.pk)


@perm_required(Perm.VERIFY_VENDORS)
@require_POST
def email_change_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_action(request, pk, lambda c, u: services.email_change_check_start(
        change=c, actor=u), _("The check has started."))


@perm_required(Perm.VERIFY_VENDORS)
@require_POST
def email_change_verify(request: HttpRequest, pk: int) -> HttpResponse:
    form = EmailCheckForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _change_action(request, pk, lambda c, u: services.email_change_verify(
        change=c, actor=u, statement_signed=data.get("statement_signed", False),
        ktp_original_seen=data.get("ktp_original_seen", False),
        deed_seen=data.get("deed_seen", False), note=data.get("note", "")),
        _("Confirmed: the request goes to the administrator."))


@perm_required(Perm.APPLY_EMAIL_CHANGE)
@require_POST
def email_change_receive(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_action(request, pk, lambda c, u: services.email_change_receive(
        change=c, actor=u), _("The statement letter has been received."))


@perm_required(Perm.APPLY_EMAIL_CHANGE)
@require_POST
def email_change_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_action(request, pk, lambda c, u: services.email_change_apply(
        change=c, actor=u), _("The company e-mail has been changed; both addresses have been "
                              "told."))


@login_required
@require_POST
def email_change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _change_action(request, pk, lambda c, u: services.email_change_reject(
        change=c, actor=u, reason=reason), _("The request has been rejected."))


# --- Blacklist -------------------------------------------------------------------------------


class BlacklistListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_VENDORS
    table_class = BlacklistTable
    filterset_class = BlacklistFilter
    template_name = "vendors/blacklist_list.html"

    def get_queryset(self) -> QuerySet[BlacklistEntry]:
        return blacklist_visible_to(self.request.user)  # type: ignore[arg-type]

    def get_table_kwargs(self) -> dict[str, Any]:
        user = self.request.user
        return {"show_nik": has_perm(user, Perm.VIEW_VENDOR_PERSONAL_DATA),  # type: ignore[arg-type]
                "can_manage": has_perm(user, Perm.MANAGE_BLACKLIST),  # type: ignore[arg-type]
                "today": localdate_wib()}


def _blacklist_values(form: BlacklistForm) -> dict[str, Any]:
    return {k: form.cleaned_data.get(k) or ("" if k not in {"starts_on", "ends_on"} else None)
            for k in ("company_name", "npwp", "nik", "source_reference", "starts_on",
                      "ends_on", "notes")}


@perm_required(Perm.MANAGE_BLACKLIST)
def blacklist_create(request: HttpRequest) -> HttpResponse:
    form = BlacklistForm(request.POST or None, initial={"starts_on": localdate_wib()})
    if request.method == "POST" and form.is_valid():
        try:
            services.blacklist_add(actor=request_user(request), **_blacklist_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The listing has been added to the blacklist."))
            return redirect("vendors:blacklist")
    return _form_page(request, form, title=_("New blacklist entry"), back="vendors:blacklist")


@perm_required(Perm.MANAGE_BLACKLIST)
def blacklist_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(blacklist_visible_to(request_user(request)), pk=pk,
                              revoked_at__isnull=True)
    form = BlacklistForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        entry.refresh_from_db()
        try:
            services.blacklist_update(actor=request_user(request), entry=entry,
                                      **_blacklist_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The listing has been updated."))
            return redirect("vendors:blacklist")
    return _form_page(request, form, title=_("Blacklist entry"), back="vendors:blacklist")


@perm_required(Perm.MANAGE_BLACKLIST)
def blacklist_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(blacklist_visible_to(request_user(request)), pk=pk,
                              revoked_at__isnull=True)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.blacklist_revoke(actor=request_user(request), entry=entry,
                                  reason=form.cleaned_data["reason"])
        messages.success(request, _("The listing has been revoked."))
        return redirect("vendors:blacklist")
    return _form_page(request, form, title=_("Revoke the listing of %(name)s")
                      % {"name": entry.company_name}, back="vendors:blacklist",
                      submit=_("Revoke"))


# --- Reports ----------------------------------------------------------------------------------


def _report_rows(request: HttpRequest) -> tuple[ReportPeriodForm, list[Any]]:
    form = ReportPeriodForm(request.GET or None)
    start, end = default_period()
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    return form, monthly_report(start, end) if not form.errors else []


@perm_required(Perm.VIEW_VENDOR_REPORTS)
def reports(request: HttpRequest) -> HttpResponse:
    form, rows = _report_rows(request)
    totals = {
        "registrations": sum(r.registrations for r in rows),
        "verifications": sum(r.verifications for r in rows),
        "within": sum(r.within_standard for r in rows),
        "over": sum(r.over_standard for r in rows),
        "expiries": sum(r.expiries for r in rows),
        "rejections": sum(r.rejections for r in rows),
    }
    return render(request, "vendors/reports.html", {"form": form, "rows": rows,
                                                    "totals": totals})


@perm_required(Perm.VIEW_VENDOR_REPORTS)
def reports_csv(request: HttpRequest) -> HttpResponse:
    form, rows = _report_rows(request)
    if form.errors:
        return HttpResponse(" ".join(str(e) for e in form.non_field_errors()), status=400,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(report_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vendor-registrations.csv"'
    return response

