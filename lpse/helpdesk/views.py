"""Helpdesk pages: the public help centre, the requester's tickets and the desk."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import PermRequiredMixin, perm_required, request_user
from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.core.calendar import localdate_wib, service_hours, service_minutes_per_day
from lpse.core.files import FileRejected, file_response
from lpse.core.forms import add_service_errors
from lpse.core.tables import FilteredTableView
from lpse.helpdesk import forms, reports, services, sla
from lpse.helpdesk.models import Article, CannedResponse, LkppEscalation, Ticket, TicketMessage
from lpse.helpdesk.selectors import (
    article_suggestions,
    articles_visible_to,
    can_read_desk,
    can_work_tickets,
    canned_responses_for,
    ticket_by_token,
    tickets_for_desk,
    tickets_of_requester,
)
from lpse.helpdesk.tables import (
    ArticleFilter,
    ArticleTable,
    CannedResponseFilter,
    CannedResponseTable,
    MyTicketFilter,
    MyTicketTable,
    TicketFilter,
    TicketTable,
)


def _files(form: Any) -> list[Any]:
    upload = form.cleaned_data.get("attachment")
    return [upload] if upload else []


# --- Public help centre --------------------------------------------------------------------


def help_home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    articles = articles_visible_to(request.user).filter(is_published=True)  # type: ignore[arg-type]
    if query:
        found = article_suggestions(query, limit=20)
    else:
        found = list(articles.order_by("-views", "title")[:20])
    return render(request, "helpdesk/help_home.html", {"articles": found, "q": query})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(articles_visible_to(request.user), slug=slug)  # type: ignore[arg-type]
    services.article_viewed(article)
    return render(request, "helpdesk/article_detail.html", {"article": article})


def article_suggest(request: HttpRequest) -> HttpResponse:
    """htmx: articles matching what the requester is typing in the form."""
    text = " ".join(request.GET.get(k, "") for k in ("subject", "description", "q"))
    return render(request, "helpdesk/_suggestions.html",
                  {"suggestions": article_suggestions(text)})


def ticket_new(request: HttpRequest) -> HttpResponse:
    """The web form: public, or linked to the account when logged in."""
    user = request.user
    form: forms.AccountTicketForm | forms.PublicTicketForm
    if user.is_authenticated:
        # Logged in: a refused form keeps the attachment. Not for anonymous requesters
        # (storage anyone could fill).
        form = forms.AccountTicketForm(request.POST or None, request.FILES or None,
                                       held_scope=f"ticket:{user.pk}")
    else:
        form = forms.PublicTicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if user.is_authenticated:
                ticket = services.ticket_create(
                    actor=user, channel=Ticket.Channel.WEB_ACCOUNT, requester=user,  # type: ignore[arg-type]
                    requester_type=Ticket.RequesterType.PUBLIC, requester_name="",
                    category=data["category"], subject=data["subject"],
                    description=data["description"], tender_code=data["tender_code"],
                    files=_files(form),
                )
            else:
                ticket = services.ticket_create(
                    actor=None, channel=Ticket.Channel.WEB_PUBLIC,
                    requester_type=data["requester_type"],
                    requester_name=data["requester_name"],
                    requester_email=data["requester_email"],
                    requester_phone=data["requester_phone"],
                    requester_organisation=data["requester_organisation"],
                    requester_language=getattr(request, "LANGUAGE_CODE", "id"),
                    category=data["category"], subject=data["subject"],
                    description=data["description"], tender_code=data["tender_code"],
                    files=_files(form),
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _(
                "Your request has been recorded as %(number)s. We have e-mailed you a link "
                "to follow it.") % {"number": ticket.number})
            form.release_held()
            if user.is_authenticated:
                return redirect("helpdesk:my_ticket", pk=ticket.pk)
            return redirect("helpdesk:public_ticket", token=services.ticket_token(ticket))
    form.hold_uploads()
    return render(request, "helpdesk/ticket_new.html", {"form": form})


def _requester_page(request: HttpRequest, ticket: Ticket, *, base_url: str,
                    file_url: Callable[[uuid.UUID], str]) -> HttpResponse:
    """Shared by the account page and the signed-link page of a requester."""
    message_form = forms.RequesterMessageForm(prefix="msg")
    rating_form = forms.RatingForm(prefix="rate")
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        try:
            if "msg-body" in request.POST:
                message_form = forms.RequesterMessageForm(request.POST, request.FILES,
                                                          prefix="msg")
                if message_form.is_valid():
                    services.ticket_requester_message(
                        ticket=ticket, body=message_form.cleaned_data["body"], user=user,  # type: ignore[arg-type]
                        files=_files(message_form))
                    messages.success(request, _("Your message has been sent."))
                    return redirect(base_url)
            else:
                rating_form = forms.RatingForm(request.POST, prefix="rate")
                if rating_form.is_valid():
                    services.ticket_rate(ticket=ticket, user=user,  # type: ignore[arg-type]
                                         rating=rating_form.cleaned_data["rating"],
                                         comment=rating_form.cleaned_data["comment"])
                    messages.success(request, _("Thank you for rating our service."))
                    return redirect(base_url)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    public_messages = ticket.messages.filter(
        kind__in=[TicketMessage.Kind.REQUESTER, TicketMessage.Kind.REPLY])
    attachments = ticket.attachments.filter(internal=False).select_related("file")
    owner = user is not None and ticket.requester_id == user.pk and ticket.vendor_id is not None
    # A merged request: its requester was promised the answers given on the ticket that
    # carries it, so they are shown here (the other requester's own messages are not).
    target = services.merge_target(ticket)
    shared_answers = [
        (reply, [(a, file_url(a.file_id)) for a in reply.attachments.all() if not a.internal])
        for reply in target.messages.filter(kind=TicketMessage.Kind.REPLY)
        .prefetch_related("attachments__file")] if target is not None else []
    sessions = list(ticket.support_sessions.all()) if owner else []
    return render(request, "helpdesk/requester_ticket.html", {
        "can_grant_support": owner and ticket.is_open and bool(ticket.tender_code)
        and not any(s.live for s in sessions),
        "support_sessions": sessions,
        "merge_target": target, "shared_answers": shared_answers,
        "support_form": forms.SupportSessionForm(prefix="support"),
        "ticket": ticket, "conversation": public_messages,
        "attachments": [(a, file_url(a.file_id)) for a in attachments],
        "message_form": message_form, "rating_form": rating_form,
    })


def public_ticket(request: HttpRequest, token: str) -> HttpResponse:
    ticket = ticket_by_token(token)
    if ticket is None:
        raise Http404
    return _requester_page(
        request, ticket, base_url=request.path,
        file_url=lambda fid: reverse("helpdesk:public_ticket_file", args=[token, fid]))


def public_ticket_file(request: HttpRequest, token: str, file_id: uuid.UUID
                       ) -> HttpResponseBase:
    ticket = ticket_by_token(token)
    if ticket is None:
        raise Http404
    attachment = ticket.attachments.select_related("file").filter(
        file_id=file_id, internal=False).first()
    target = services.merge_target(ticket)
    if attachment is None and target is not None:
        # The answers of the ticket a merged request continues as, shown on its page.
        attachment = target.attachments.select_related("file").filter(
            file_id=file_id, internal=False, message__kind=TicketMessage.Kind.REPLY).first()
    if attachment is None:
        raise Http404
    return file_response(attachment.file)


# --- The requester's own tickets (logged in) ------------------------------------------------


@method_decorator(login_required, name="dispatch")
class MyTicketListView(FilteredTableView):
    table_class = MyTicketTable
    filterset_class = MyTicketFilter
    template_name = "helpdesk/my_tickets.html"

    def get_queryset(self) -> QuerySet[Ticket]:
        return tickets_of_requester(self.request.user).order_by("-received_at")  # type: ignore[arg-type]


@login_required
def my_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(tickets_of_requester(request_user(request)), pk=pk)
    return _requester_page(
        request, ticket, base_url=request.path,
        file_url=lambda fid: reverse("core:file_download", args=[fid]))


# --- The desk ------------------------------------------------------------------------------


class DeskMixin(PermRequiredMixin):
    """Readable by helpdesk staff, the head and the LKPP auditor."""

    required_perm = Perm.VIEW_HELPDESK_REPORTS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_read_desk(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(Perm.HANDLE_TICKETS.value)
        return super(PermRequiredMixin, self).dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]


class DeskListView(DeskMixin, FilteredTableView):
    table_class = TicketTable
    filterset_class = TicketFilter
    template_name = "helpdesk/desk_list.html"

    def get_queryset(self) -> QuerySet[Ticket]:
        return tickets_for_desk(self.request.user).order_by("-received_at")  # type: ignore[arg-type]


def _desk_reader(request: HttpRequest) -> User:
    user = request_user(request)
    if not can_read_desk(user):
        raise PermissionDenied(Perm.HANDLE_TICKETS.value)
    return user


#: Fields of the quick log kept for the next entry after "Record and log another".
QUICK_LOG_KEPT = ("channel", "requester_type")


@perm_required(Perm.HANDLE_TICKETS)
def quick_log(request: HttpRequest) -> HttpResponse:
    initial = {name: request.GET[name] for name in QUICK_LOG_KEPT if request.GET.get(name)}
    form = forms.QuickLogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=request_user(request), channel=data["channel"],
                requester_type=data["requester_type"], requester=data["account"],
                requester_name=data["requester_name"], requester_email=data["requester_email"],
                requester_phone=data["requester_phone"],
                requester_organisation=data["requester_organisation"],
                category=data["category"], priority=data["priority"],
                subject=data["subject"], description=data["description"],
                tender_code=data["tender_code"], answer=data["answer"],
                email_answer=data["email_answer"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ticket %(number)s recorded.")
                             % {"number": ticket.number})
            if "another" in request.POST:
                kept = urlencode({name: data[name] for name in QUICK_LOG_KEPT})
                return redirect(f"{reverse('helpdesk:quick_log')}?{kept}")
            return redirect("helpdesk:desk_ticket", pk=ticket.pk)
    return render(request, "helpdesk/quick_log.html", {"form": form})


def _ticket_context(user: User, ticket: Ticket, *, bound: dict[str, Any] | None = None,
                    escalation_forms: dict[int, Any] | None = None) -> dict[str, Any]:
    """The desk's ticket page. `bound` replaces forms by the refused, bound ones (keyed like
    the context), `escalation_forms` the status form of an escalation (by its id)."""
    escalation_forms = escalation_forms or {}
    lkpp_open = services.open_lkpp_escalation(ticket)
    can_diagnose = has_perm(user, Perm.RUN_UPLOAD_DIAGNOSTICS)
    context = {
        "ticket": ticket,
        "can_work": can_work_tickets(user),
        "conversation": ticket.messages.select_related("author").prefetch_related(
            "attachments__file"),
        "loose_attachments": ticket.attachments.filter(message__isnull=True)
        .select_related("file"),
        "events": ticket.events.select_related("actor"),
        # Each open escalation has its own status form: distinct ids per escalation, so the
        # labels of one never point at the fields of another.
        "escalations": [(e, escalation_forms.get(e.pk) or
                         forms.LkppUpdateForm(auto_id=f"lkpp-{e.pk}-%s"))
                        for e in ticket.lkpp_escalations.all()],
        "lkpp_open": lkpp_open,
        "can_wait": ticket.status in (Ticket.Status.NEW, Ticket.Status.OPEN)
        and services.awaits_requester(ticket),
        "links": ticket.links.all(),
        "merged": ticket.merged_tickets.all(),
        "level": sla.level_of(ticket),
        "first_response_minutes": sla.first_response_minutes(ticket),
        "resolution_minutes": sla.resolution_minutes(ticket),
        "reply_form": forms.ReplyForm(prefix="reply"),
        "note_form": forms.NoteForm(prefix="note"),
        "assign_form": forms.AssignForm(initial={"assignee": ticket.assignee_id}),
        "priority_form": forms.PriorityForm(initial={"priority": ticket.priority}),
        "merge_form": forms.MergeForm(),
        "lkpp_form": forms.LkppForm(),
        "canned": canned_responses_for(user).filter(is_active=True),
        "is_upload_ticket": ticket.category == Ticket.Category.BID_UPLOAD,
        "can_read_attempts": has_perm(user, Perm.VIEW_UPLOAD_ATTEMPTS),
        "can_diagnose": can_diagnose,
        "can_view_support": can_diagnose,
        "diagnostics_runs": ticket.diagnostics_runs.select_related("officer"),
        "support_sessions": ticket.support_sessions.all(),
        "action_errors": [],
    }
    context.update(bound or {})
    return context


@login_required
def desk_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    user = _desk_reader(request)
    ticket = get_object_or_404(tickets_for_desk(user), pk=pk)
    return render(request, "helpdesk/desk_ticket.html", _ticket_context(user, ticket))


#: Desk actions with a form: action -> (form class, its prefix, its name in the context).
DESK_FORMS: dict[str, tuple[type[Any], str, str]] = {
    "reply": (forms.ReplyForm, "reply", "reply_form"),
    "note": (forms.NoteForm, "note", "note_form"),
    "assign": (forms.AssignForm, "", "assign_form"),
    "priority": (forms.PriorityForm, "", "priority_form"),
    "merge": (forms.MergeForm, "", "merge_form"),
    "lkpp": (forms.LkppForm, "", "lkpp_form"),
}
#: Desk actions that are a single button.
DESK_BUTTONS = ("take", "wait", "resume", "resolve", "reopen", "close")


def _desk_refused(request: HttpRequest, user: User, pk: int, *,
                  bound: dict[str, Any] | None = None,
                  escalation_forms: dict[int, Any] | None = None) -> HttpResponse:
    """The ticket page again (422) with the refused form bound — what was typed, its
    errors — or the refusal of a button at the top. The ticket is read again: a refused
    service may have changed the copy in memory before it rolled back."""
    ticket = get_object_or_404(tickets_for_desk(user), pk=pk)
    return render(request, "helpdesk/desk_ticket.html",
                  _ticket_context(user, ticket, bound=bound,
                                  escalation_forms=escalation_forms), status=422)


def _run_desk_action(user: User, ticket: Ticket, action: str, form: Any) -> tuple[str, int]:
    """Call the service of `action`; returns the success message and the ticket to show."""
    data = form.cleaned_data if form is not None else {}
    if action == "reply":
        after = data["after"]
        services.ticket_reply(actor=user, ticket=ticket, body=data["body"], files=_files(form),
                              wait_for_requester=after == "wait", resolve=after == "resolve")
        return _("The answer has been recorded and e-mailed to the requester."), ticket.pk
    if action == "note":
        services.ticket_note(actor=user, ticket=ticket, body=data["body"], files=_files(form))
    elif action == "assign":
        services.ticket_assign(actor=user, ticket=ticket, assignee=data["assignee"])
    elif action == "take":
        services.ticket_assign(actor=user, ticket=ticket, assignee=user)
    elif action == "priority":
        services.ticket_set_priority(actor=user, ticket=ticket, priority=data["priority"])
    elif action == "wait":
        services.ticket_wait(actor=user, ticket=ticket)
    elif action == "resume":
        services.ticket_resume(actor=user, ticket=ticket)
    elif action == "resolve":
        services.ticket_resolve(actor=user, ticket=ticket)
    elif action == "reopen":
        services.ticket_reopen(actor=user, ticket=ticket)
    elif action == "close":
        services.ticket_close(actor=user, ticket=ticket)
    elif action == "merge":
        into = tickets_for_desk(user).filter(number__iexact=data["into"].strip()).first()
        if into is None:
            raise ValidationError({"into": _("No ticket has this number.")})
        services.ticket_merge(actor=user, ticket=ticket, into=into)
        return _("Merged into %(number)s.") % {"number": into.number}, into.pk
    elif action == "lkpp":
        services.ticket_escalate_lkpp(actor=user, ticket=ticket, reference=data["reference"],
                                      summary=data["summary"])
        if services.requester_address(ticket):
            return _("The escalation to LKPP has been recorded and the requester told."), ticket.pk
        return _("The escalation to LKPP has been recorded. The requester has no e-mail "
                 "address: tell them by phone."), ticket.pk
    return _("The ticket has been updated."), ticket.pk


@perm_required(Perm.HANDLE_TICKETS)
@require_POST
def desk_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST endpoint per action on a ticket. A refusal re-renders the ticket page with
    the bound form (what the officer typed and its errors kept), status 422."""
    if action not in DESK_FORMS and action not in DESK_BUTTONS:
        raise Http404
    user = request_user(request)
    ticket = get_object_or_404(tickets_for_desk(user), pk=pk)
    form: Any = None
    key = ""
    if action in DESK_FORMS:
        form_class, prefix, key = DESK_FORMS[action]
        form = form_class(request.POST, request.FILES, prefix=prefix or None)
    errors: list[str] = []
    if form is None or form.is_valid():
        try:
            done, shown = _run_desk_action(user, ticket, action, form)
        except FileRejected as exc:
            form.add_error("attachment", exc.messages)
        except ValidationError as exc:
            if form is not None:
                add_service_errors(form, exc)
            else:
                errors = exc.messages
        else:
            messages.success(request, done)
            return redirect("helpdesk:desk_ticket", pk=shown)
    bound: dict[str, Any] = {"action_errors": errors}
    if form is not None:
        bound[key] = form
    return _desk_refused(request, user, pk, bound=bound)


@perm_required(Perm.HANDLE_TICKETS)
@require_POST
def lkpp_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Record LKPP's status or answer; a refusal re-renders the ticket page with the form."""
    user = request_user(request)
    escalation = get_object_or_404(
        LkppEscalation.objects.filter(ticket__in=tickets_for_desk(user)), pk=pk)
    form = forms.LkppUpdateForm(request.POST, auto_id=f"lkpp-{escalation.pk}-%s")
    if form.is_valid():
        try:
            services.lkpp_escalation_update(actor=user, escalation=escalation,
                                            status=form.cleaned_data["status"],
                                            answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The LKPP status has been recorded."))
            return redirect("helpdesk:desk_ticket", pk=escalation.ticket_id)
    return _desk_refused(request, user, escalation.ticket_id,
                         escalation_forms={escalation.pk: form})


@perm_required(Perm.HANDLE_TICKETS)
def canned_fill(request: HttpRequest) -> HttpResponse:
    """htmx: the reply box with the chosen canned answer added to what was typed."""
    text = request.GET.get("reply-body", "")
    chosen = canned_responses_for(request_user(request)).filter(
        pk=request.GET.get("canned") or 0).first()
    if chosen is not None:
        text = f"{text.rstrip()}\n\n{chosen.body}".strip()
    form = forms.ReplyForm(prefix="reply", initial={"body": text})
    return render(request, "helpdesk/_reply_body.html", {"field": form["body"]})


# --- Canned answers and articles ----------------------------------------------------------


class CannedListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.HANDLE_TICKETS
    table_class = CannedResponseTable
    filterset_class = CannedResponseFilter
    template_name = "helpdesk/canned_list.html"

    def get_queryset(self) -> QuerySet[CannedResponse]:
        return canned_responses_for(self.request.user)  # type: ignore[arg-type]


@perm_required(Perm.HANDLE_TICKETS)
def canned_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    response = get_object_or_404(canned_responses_for(request_user(request)), pk=pk) \
        if pk else None
    form = forms.CannedResponseForm(request.POST or None, instance=response)
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_response_save(actor=request_user(request), response=response,
                                          **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The canned answer has been saved."))
            return redirect("helpdesk:canned_list")
    return render(request, "helpdesk/form_page.html", {
        "form": form, "title": _("Canned answer"), "back": reverse("helpdesk:canned_list")})


class ArticleListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.MANAGE_KNOWLEDGE_BASE
    table_class = ArticleTable
    filterset_class = ArticleFilter
    template_name = "helpdesk/article_list.html"

    def get_queryset(self) -> QuerySet[Article]:
        return articles_visible_to(self.request.user)  # type: ignore[arg-type]


@perm_required(Perm.MANAGE_KNOWLEDGE_BASE)
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk) if pk else None
    form = forms.ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.article_save(actor=request_user(request), article=article,
                                          **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The article has been saved."))
            return redirect("helpdesk:article_detail", slug=saved.slug)
    return render(request, "helpdesk/form_page.html", {
        "form": form, "title": _("Knowledge-base article"),
        "back": reverse("helpdesk:article_list")})


# --- Reports -------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[forms.ReportPeriodForm, Any, Any]:
    today = localdate_wib()
    initial = {"start": today - timedelta(days=29), "end": today}
    form = forms.ReportPeriodForm(request.GET or None, initial=initial)
    if request.GET and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, initial["start"], initial["end"]


@perm_required(Perm.VIEW_HELPDESK_REPORTS)
def report(request: HttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    data = reports.helpdesk_report(start, end)
    return render(request, "helpdesk/report.html", {
        "form": form, "report": data, "chart_data": data.chart_data(),
        "labels": {"channel": dict(Ticket.Channel.choices),
                   "category": dict(Ticket.Category.choices),
                   "requester_type": dict(Ticket.RequesterType.choices),
                   "status": dict(Ticket.Status.choices)},
        "export_query": f"start={start.isoformat()}&end={end.isoformat()}",
    })


@perm_required(Perm.VIEW_HELPDESK_REPORTS)
def report_csv(request: HttpRequest) -> HttpResponse:
    _form, start, end = _period(request)
    response = HttpResponse(reports.helpdesk_csv(start, end), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="helpdesk-{start.isoformat()}-{end.isoformat()}.csv"')
    return response


@perm_required(Perm.MANAGE_SERVICE_LEVELS)
def service_levels(request: HttpRequest) -> HttpResponse:
    """The head of the unit sets the service levels of the helpdesk (working minutes)."""
    form = forms.ServiceLevelsForm(request.POST or None, levels=sla.service_levels())
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.service_levels_save(actor=request_user(request),
                                                   levels=form.levels())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("The service levels have been saved. They apply "
                                            "to new tickets, and to open tickets from their "
                                            "next change."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("helpdesk:service_levels")
    opens, closes = service_hours()
    return render(request, "helpdesk/service_levels.html", {
        "form": form, "opens": opens, "closes": closes,
        "minutes_per_day": service_minutes_per_day()})
