"""Pages of the upload-problem procedure (Lampiran III 3.7): the officer's diagnostics and
outcomes, the vendor's read-only support sessions, and the officer's read-only view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import perm_required, request_user
from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.core.calendar import to_wib
from lpse.core.request_context import client_ip
from lpse.helpdesk import diagnostics, forms, support_sessions
from lpse.helpdesk.models import DiagnosticsRun, SupportSession
from lpse.helpdesk.selectors import tickets_for_desk, tickets_of_requester
from lpse.helpdesk.views import _desk_reader


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Diagnostics (officer) -------------------------------------------------------------------


@perm_required(Perm.RUN_UPLOAD_DIAGNOSTICS)
@require_POST
def diagnostics_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    ticket = get_object_or_404(tickets_for_desk(user), pk=pk)
    try:
        run = diagnostics.diagnostics_start(actor=user, ticket=ticket)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
        return redirect("helpdesk:desk_ticket", pk=ticket.pk)
    return redirect("helpdesk:diagnostics_detail", pk=run.pk)


def _run_for(request: HttpRequest, pk: int) -> DiagnosticsRun:
    """A run of a ticket on the desk; its findings are upload attempts, so reading them also
    needs `bids.view_upload_attempts` (the head reads tickets, not attempts)."""
    user = _desk_reader(request)
    if not has_perm(user, Perm.VIEW_UPLOAD_ATTEMPTS):
        raise PermissionDenied(Perm.VIEW_UPLOAD_ATTEMPTS.value)
    return get_object_or_404(
        DiagnosticsRun.objects.filter(ticket__in=tickets_for_desk(user)).select_related(
            "ticket", "officer", "package", "escalation", "reply"), pk=pk)


@login_required
def diagnostics_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _run_for(request, pk))


def _render_detail(request: HttpRequest, run: DiagnosticsRun, *,
                   retry_form: Form | None = None, lkpp_form: Form | None = None
                   ) -> HttpResponse:
    user = request_user(request)
    return render(request, "helpdesk/diagnostics.html", {
        "run": run, "ticket": run.ticket,
        "findings": diagnostics.findings_for_display(run.findings),
        "can_diagnose": has_perm(user, Perm.RUN_UPLOAD_DIAGNOSTICS),
        "retry_form": retry_form or forms.DiagnosticsRetryForm(prefix="retry", initial={
            "message": diagnostics.default_retry_message(run)}),
        "lkpp_form": lkpp_form or forms.DiagnosticsLkppForm(prefix="lkpp"),
        "standard": diagnostics.STANDARD_INVESTIGATION,
        "standard_retry": diagnostics.STANDARD_RETRY_NOTICE,
    })


def _record_retry(user: User, run: DiagnosticsRun, data: dict[str, Any]) -> None:
    diagnostics.diagnostics_retry(actor=user, run=run, conclusion=data["conclusion"],
                                  message=data["message"])


def _record_lkpp(user: User, run: DiagnosticsRun, data: dict[str, Any]) -> None:
    diagnostics.diagnostics_forward_lkpp(actor=user, run=run, conclusion=data["conclusion"],
                                         reference=data["reference"], summary=data["summary"])


#: outcome -> (form, its prefix on the page, the service call, the message once done)
OUTCOMES: dict[str, tuple[type[Form], str, Callable[[User, DiagnosticsRun, dict[str, Any]], None],
                          Callable[[], str]]] = {
    DiagnosticsRun.Outcome.RETRY: (forms.DiagnosticsRetryForm, "retry", _record_retry,
                                   lambda: _("The vendor has been told to retry; the ticket "
                                             "is resolved.")),
    DiagnosticsRun.Outcome.LKPP: (forms.DiagnosticsLkppForm, "lkpp", _record_lkpp,
                                  lambda: _("Forwarded to LKPP; the escalation package is "
                                            "ready.")),
}


@perm_required(Perm.RUN_UPLOAD_DIAGNOSTICS)
@require_POST
def diagnostics_outcome(request: HttpRequest, pk: int, outcome: str) -> HttpResponse:
    """Record the outcome; invalid input re-renders the page with what was typed kept."""
    if outcome not in OUTCOMES:
        raise Http404
    form_class, prefix, record, done = OUTCOMES[outcome]
    run = _run_for(request, pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            record(request_user(request), run, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, done())
            return redirect("helpdesk:diagnostics_detail", pk=run.pk)
    return _render_detail(request, run, **{f"{prefix}_form": form})


# --- Support sessions (vendor) ---------------------------------------------------------------


@login_required
@require_POST
def support_grant(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    ticket = get_object_or_404(tickets_of_requester(user), pk=pk)
    form = forms.SupportSessionForm(request.POST, prefix="support")
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a duration from the list."))
        session = support_sessions.support_session_grant(
            actor=user, ticket=ticket, minutes=form.cleaned_data["minutes"])
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _(
            "An LPSE system or application administrator handling your request may view "
            "your bid status for this tender, read-only, until %(time)s. You can revoke "
            "this at any time.") % {
            "time": _wib_time(session.expires_at)})
    return redirect("helpdesk:my_ticket", pk=ticket.pk)


def _wib_time(moment: datetime) -> str:
    return f"{to_wib(moment):%H:%M} WIB"


@login_required
@require_POST
def support_revoke(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    user = request_user(request)
    ticket = get_object_or_404(tickets_of_requester(user), pk=pk)
    session = get_object_or_404(ticket.support_sessions.all(), pk=session_pk)
    support_sessions.support_session_revoke(actor=user, session=session)
    messages.success(request, _("The helpdesk's access has been revoked."))
    return redirect("helpdesk:my_ticket", pk=ticket.pk)


# --- The officer's read-only view ------------------------------------------------------------


@perm_required(Perm.RUN_UPLOAD_DIAGNOSTICS)
def support_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = get_object_or_404(
        SupportSession.objects.filter(ticket__in=tickets_for_desk(user)).select_related(
            "ticket", "vendor"), pk=pk)
    try:
        context = support_sessions.bid_status_view(actor=user, session=session,
                                                   ip_address=client_ip(request))
    except support_sessions.SessionUnavailable as exc:
        return render(request, "helpdesk/support_unavailable.html",
                      {"session": session, "reason": str(exc)}, status=403)
    return render(request, "helpdesk/support_view.html",
                  {"session": session, "ticket": session.ticket, **context})
