"""Training pages: requests and their steps, sessions, attendance, calendar and feed."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lpse.accounts.access import PermRequiredMixin, perm_required, request_user
from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.core.calendar import WIB, localdate_wib
from lpse.core.documents import can_read_document
from lpse.core.forms import add_service_errors
from lpse.core.tables import FilteredTableView
from lpse.training import forms, services
from lpse.training.ical import sessions_ical
from lpse.training.models import Audience, Room, TrainingRequest, TrainingSession
from lpse.training.rules import WINDOWS
from lpse.training.selectors import (
    calendar_sessions,
    can_view_all,
    open_vendor_sessions,
    requests_visible_to,
    sessions_visible_to,
)
from lpse.training.tables import (
    RoomFilter,
    RoomTable,
    TrainingRequestFilter,
    TrainingRequestTable,
    TrainingSessionFilter,
    TrainingSessionTable,
)


def _can_see_requests(user: User) -> bool:
    return can_view_all(user) or has_perm(user, Perm.REQUEST_TRAINING)


# --- Requests ------------------------------------------------------------------------------


@method_decorator(login_required, name="dispatch")
class RequestListView(FilteredTableView):
    table_class = TrainingRequestTable
    filterset_class = TrainingRequestFilter
    template_name = "training/request_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _can_see_requests(request.user):  # type: ignore[arg-type]
            raise PermissionDenied(Perm.VIEW_TRAINING.value)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_queryset(self) -> QuerySet[TrainingRequest]:
        return requests_visible_to(self.request.user).order_by("-created_at")  # type: ignore[arg-type]


@perm_required(Perm.REQUEST_TRAINING)
def request_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = forms.TrainingRequestForm(request.POST or None, request.FILES or None,
                                     held_scope=f"training-request:{user.pk}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training = services.training_request_submit(
                actor=user, letter=data["letter"],
                letter_name=data["letter"].name, letter_number=data["letter_number"],
                letter_date=data["letter_date"], topic=data["topic"],
                participants=data["participants"], contact_name=data["contact_name"],
                contact_phone=data["contact_phone"], audience=data["audience"],
                preferred_dates=data["preferred_dates"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form.release_held()
            messages.success(request, _("Your training request %(number)s has been sent to "
                                        "the head of the LPSE unit.")
                             % {"number": training.number})
            return redirect("training:request_detail", pk=training.pk)
    form.hold_uploads()
    return render(request, "training/request_new.html", {"form": form})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    training = get_object_or_404(requests_visible_to(user), pk=pk)
    session = TrainingSession.objects.filter(request=training).select_related(
        "room", "trainer", "assignment_letter").first()
    status = TrainingRequest.Status
    return render(request, "training/request_detail.html", {
        "training": training, "session": session,
        "steps": training.steps.select_related("actor"),
        "dispose_form": forms.DisposeForm() if has_perm(user, Perm.DISPOSE_TRAINING)
        and training.status == status.SUBMITTED else None,
        "decline_form": forms.DeclineForm() if has_perm(user, Perm.DISPOSE_TRAINING)
        and training.status in (status.SUBMITTED, status.DISPOSED, status.CONFIRMED) else None,
        "can_confirm": has_perm(user, Perm.MANAGE_TRAINING)
        and training.status in (status.DISPOSED, status.CONFIRMED),
        "can_schedule": has_perm(user, Perm.MANAGE_TRAINING)
        and training.status == status.CONFIRMED,
        "can_reply": has_perm(user, Perm.DISPOSE_TRAINING) and training.status == status.SCHEDULED,
        "can_assign": has_perm(user, Perm.DISPOSE_TRAINING) and session is not None
        and training.status == status.REPLIED,
    })


@perm_required(Perm.DISPOSE_TRAINING)
@require_POST
def request_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    training = get_object_or_404(requests_visible_to(user), pk=pk)
    form = forms.DisposeForm(request.POST)
    if form.is_valid():
        try:
            services.training_request_dispose(
                actor=user, request=training, to=form.cleaned_data["to"],
                note=form.cleaned_data["note"], started_at=form.cleaned_data["started"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The request has been disposed to the helpdesk."))
    return redirect("training:request_detail", pk=pk)


@perm_required(Perm.DISPOSE_TRAINING)
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    training = get_object_or_404(requests_visible_to(user), pk=pk)
    form = forms.DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        try:
            services.training_request_decline(actor=user, request=training,
                                              reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The request has been declined."))
    return redirect("training:request_detail", pk=pk)


@perm_required(Perm.MANAGE_TRAINING)
def request_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    training = get_object_or_404(requests_visible_to(user), pk=pk)
    form = forms.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_request_confirm(
                actor=user, request=training, agreed_date=form.cleaned_data["agreed_date"],
                note=form.cleaned_data["note"], started_at=form.cleaned_data["started"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The agreed date has been recorded."))
            return redirect("training:request_detail", pk=pk)
    return render(request, "training/step_form.html", {
        "form": form, "training": training, "title": _("Confirmation by phone"),
        "hint": _("Phone %(name)s (%(phone)s) and agree the date of the training. "
                  "Standard time: 1–5 minutes.") % {"name": training.contact_name,
                                                   "phone": training.contact_phone}})


def _schedule(request: HttpRequest, training: TrainingRequest | None) -> HttpResponse:
    user = request_user(request)
    initial: dict[str, Any] = {"end_time": time(15, 0)}
    if training is not None:
        initial.update(title=_("SPSE training for %(agency)s") % {"agency": training.agency.name},
                       date=training.agreed_date, capacity=training.participants,
                       audience=training.audience)
        if training.audience == Audience.VENDOR:
            initial["end_time"] = time(13, 0)
    form = forms.ScheduleForm(request.POST or None, initial=initial,
                              fixed_audience=training.audience if training else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_schedule(
                actor=user, title=data["title"],
                audience=training.audience if training else data["audience"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], room=data["room"],
                capacity=data["capacity"], request=training,
                open_enrolment=data["open_enrolment"],
                override_reason=data["override_reason"], started_at=data["started"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The training has been scheduled."))
            if training is not None:
                return redirect("training:request_detail", pk=training.pk)
            return redirect("training:session_detail", pk=session.pk)
    rules = [(Audience(a).label, w) for a, w in WINDOWS.items()]
    return render(request, "training/schedule.html", {"form": form, "training": training,
                                                      "rules": rules})


@perm_required(Perm.MANAGE_TRAINING)
def request_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(requests_visible_to(request_user(request)), pk=pk)
    return _schedule(request, training)


@perm_required(Perm.MANAGE_TRAINING)
def session_new(request: HttpRequest) -> HttpResponse:
    return _schedule(request, None)


@perm_required(Perm.DISPOSE_TRAINING)
def request_reply_letter(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    training = get_object_or_404(requests_visible_to(user), pk=pk)
    session = get_object_or_404(TrainingSession, request=training)
    form = forms.ReplyLetterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.reply_letter_issue(actor=user, request=training,
                                                   started_at=form.cleaned_data["started"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reply letter %(number)s issued and e-mailed to the "
                                        "agency.") % {"number": document.number})
            return redirect("training:request_detail", pk=pk)
    return render(request, "training/reply_letter.html", {"form": form, "training": training,
                                                          "session": session})


# --- Sessions ------------------------------------------------------------------------------


@method_decorator(login_required, name="dispatch")
class SessionListView(FilteredTableView):
    table_class = TrainingSessionTable
    filterset_class = TrainingSessionFilter
    template_name = "training/session_list.html"

    def get_queryset(self) -> QuerySet[TrainingSession]:
        return sessions_visible_to(self.request.user).order_by("-starts_at")  # type: ignore[arg-type]


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = get_object_or_404(sessions_visible_to(user), pk=pk)
    manage_participants = services.can_manage_participants(user, session)
    deliver = services.can_deliver(user, session)
    participants = session.participants.select_related("certificate") \
        if (manage_participants or deliver or can_view_all(user)) else None
    mine = session.participants.filter(user=user).select_related("certificate").first()
    return render(request, "training/session_detail.html", {
        "session": session, "participants": participants, "mine": mine,
        "materials": session.materials.select_related("file"),
        "steps": session.steps.select_related("actor"),
        "participant_form": forms.ParticipantForm() if manage_participants
        and session.status == TrainingSession.Status.SCHEDULED else None,
        "material_form": forms.MaterialForm() if deliver else None,
        "can_deliver": deliver,
        "can_enrol": user.is_vendor_user and mine is None
        and open_vendor_sessions().filter(pk=session.pk).exists(),
        "can_assign": has_perm(user, Perm.DISPOSE_TRAINING)
        and session.status == TrainingSession.Status.SCHEDULED
        and (session.request is None or session.request.status in (
            TrainingRequest.Status.REPLIED, TrainingRequest.Status.ASSIGNED)),
        "cancel_form": forms.CancelForm() if has_perm(user, Perm.MANAGE_TRAINING)
        and session.status == TrainingSession.Status.SCHEDULED else None,
        "seats_taken": session.participants.count(),
        # The surat tugas for whoever may read it (the head, staff, the assigned trainer).
        "can_read_assignment": session.assignment_letter is not None
        and can_read_document(user, session.assignment_letter),
    })


def _session_for(request: HttpRequest, pk: int) -> tuple[User, TrainingSession]:
    user = request_user(request)
    return user, get_object_or_404(sessions_visible_to(user), pk=pk)


@perm_required(Perm.DISPOSE_TRAINING)
def session_assign_trainer(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session_for(request, pk)
    form = forms.TrainerForm(request.POST or None, initial={"trainer": session.trainer_id})
    if request.method == "POST" and form.is_valid():
        try:
            document = services.trainer_assign(actor=user, session=session,
                                               trainer=form.cleaned_data["trainer"],
                                               started_at=form.cleaned_data["started"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Surat tugas %(number)s issued and e-mailed to the "
                                        "trainer.") % {"number": document.number})
            return redirect("training:session_detail", pk=pk)
    return render(request, "training/step_form.html", {
        "form": form, "session": session, "title": _("Assign the trainer"),
        "hint": _("A numbered assignment letter (surat tugas) is issued and e-mailed to the "
                  "trainer. Standard time: 1 minute.")})


@login_required
@require_POST
def session_participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session_for(request, pk)
    form = forms.ParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the participant's name (and a valid e-mail)."))
    else:
        try:
            services.participant_add(actor=user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The participant has been added."))
    return redirect("training:session_detail", pk=pk)


@login_required
@require_POST
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session_for(request, pk)
    try:
        if request.POST.get("leave"):
            services.session_unenrol(actor=user, session=session)
            messages.success(request, _("Your enrolment has been cancelled."))
        else:
            services.session_enrol(actor=user, session=session)
            messages.success(request, _("You are enrolled. A confirmation has been e-mailed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("training:session_detail", pk=pk)


@login_required
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list: the trainer (or the helpdesk) ticks who came."""
    user, session = _session_for(request, pk)
    if not services.can_deliver(user, session):
        raise PermissionDenied(Perm.DELIVER_TRAINING.value)
    if request.method == "POST":
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        try:
            if request.POST.get("certificates"):
                issued = services.certificates_issue(actor=user, session=session)
                messages.success(request, _("%(n)s certificates issued and e-mailed.")
                                 % {"n": len(issued)})
            else:
                services.attendance_record(actor=user, session=session, present=present)
                messages.success(request, _("The attendance list has been saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("training:session_attendance", pk=pk)
    return render(request, "training/attendance.html", {
        "session": session,
        "participants": session.participants.select_related("certificate"),
    })


@login_required
@require_POST
def session_material_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session_for(request, pk)
    form = forms.MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give a title and choose a file."))
    else:
        try:
            services.material_add(actor=user, session=session,
                                  title=form.cleaned_data["title"],
                                  file=form.cleaned_data["file"],
                                  filename=form.cleaned_data["file"].name)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The material has been added."))
    return redirect("training:session_detail", pk=pk)


@perm_required(Perm.MANAGE_TRAINING)
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session_for(request, pk)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        try:
            services.session_cancel(actor=user, session=session,
                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The session has been cancelled."))
    return redirect("training:session_detail", pk=pk)


# --- Rooms ---------------------------------------------------------------------------------


class RoomListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.MANAGE_TRAINING
    table_class = RoomTable
    filterset_class = RoomFilter
    template_name = "training/room_list.html"

    def get_queryset(self) -> QuerySet[Room]:
        return Room.objects.all()


@perm_required(Perm.MANAGE_TRAINING)
def room_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    room = get_object_or_404(Room, pk=pk) if pk else None
    form = forms.RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_save(actor=request_user(request), room=room, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The room has been saved."))
            return redirect("training:room_list")
    return render(request, "helpdesk/form_page.html", {
        "form": form, "title": _("Training room"), "back": reverse("training:room_list")})


# --- Calendar and feed (public: titles, times and rooms only) -------------------------------


def training_calendar(request: HttpRequest) -> HttpResponse:
    today = localdate_wib()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    low = datetime.combine(first, time.min, tzinfo=WIB)
    high = datetime.combine(last + timedelta(days=1), time.min, tzinfo=WIB)
    sessions = list(calendar_sessions().filter(starts_at__gte=low, starts_at__lt=high))
    by_day: dict[date, list[TrainingSession]] = {}
    for session in sessions:
        by_day.setdefault(session.starts_at.astimezone(WIB).date(), []).append(session)
    weeks = [[(day, by_day.get(day, [])) for day in week]
             for week in month_calendar.Calendar().monthdatescalendar(first.year, first.month)]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    open_sessions = list(open_vendor_sessions()[:10])
    # Link only the sessions this reader may open (the session page answers 404 otherwise).
    shown = {s.pk for s in sessions} | {s.pk for s in open_sessions}
    linkable = set(
        sessions_visible_to(request_user(request)).filter(pk__in=shown)
        .values_list("pk", flat=True)
    ) if shown and request.user.is_authenticated else set()
    return render(request, "training/calendar.html", {
        "weeks": weeks, "first": first, "today": today,
        "days": [(day, by_day[day]) for day in sorted(by_day)],
        "previous": f"{previous:%Y-%m}", "next": f"{following:%Y-%m}",
        "open_sessions": open_sessions, "linkable": linkable,
    })


def training_ical(request: HttpRequest) -> HttpResponse:
    since = datetime.combine(localdate_wib() - timedelta(days=90), time.min, tzinfo=WIB)
    response = HttpResponse(sessions_ical(calendar_sessions().filter(starts_at__gte=since)),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pelatihan-spse.ics"'
    return response
