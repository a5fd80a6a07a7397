"""LPSE's side of an unopenable bid file (Lampiran III 3.1–3.2) and the upload diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lpse.accounts.access import PermRequiredMixin, request_user
from lpse.accounts.roles import Perm, has_perm
from lpse.bids import selectors, services
from lpse.bids.forms import AnswerForm, ConcludeForm
from lpse.bids.models import UnopenableCase, UploadAttempt
from lpse.bids.tables import AttemptFilter, AttemptTable, CaseFilter, CaseTable
from lpse.core.tables import FilteredTableView


@method_decorator(login_required, name="dispatch")
class CaseListView(FilteredTableView):
    table_class = CaseTable
    filterset_class = CaseFilter

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Bid files that cannot be opened")
        return context

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request_user(request)
        if not any(has_perm(user, p) for p in (Perm.EXAMINE_BID_FILES, Perm.VIEW_BID_CASES,
                                               Perm.OPEN_BIDS)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[UnopenableCase]:
        return selectors.cases_visible_to(request_user(self.request)).order_by("-filed_at")


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    user = request_user(request)
    case = selectors.case_for(user, pk)
    examiner = has_perm(user, Perm.EXAMINE_BID_FILES)
    return render(request, "bids/case_detail.html", {
        "case": case, "examiner": examiner, "files": case.files.all(),
        "conclude_form": ConcludeForm(), "answer_form": AnswerForm(),
        "attempts": UploadAttempt.objects.filter(bid=case.bid).order_by("-started_at")[:50],
    })


ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "examine": (services.case_examine_start, gettext_lazy("Diagnostics run.")),
    "witness": (services.case_witness, gettext_lazy("The witness minutes have been issued.")),
    "prepare": (services.case_forward_prepare,
                gettext_lazy("The package for LKPP is ready: check it, then send it.")),
    "forward": (services.case_forward, gettext_lazy("The case has been forwarded to LKPP.")),
}


@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    user = request_user(request)
    case = selectors.case_for(user, pk)
    try:
        if action in ACTIONS:
            service, success = ACTIONS[action]
            service(actor=user, case=case)
            messages.success(request, str(success))
        elif action == "conclude":
            form = ConcludeForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.case_conclude(actor=user, case=case, **form.cleaned_data)
            messages.success(request, _("The outcome of the examination is recorded."))
        elif action == "answer":
            answer_form = AnswerForm(request.POST)
            if not answer_form.is_valid():
                raise ValidationError(_("Write LKPP's answer."))
            services.case_lkpp_answer(actor=user, case=case, **answer_form.cleaned_data)
            messages.success(request, _("LKPP's answer is recorded."))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    return redirect("bids:case_detail", pk=case.pk)


class AttemptListView(PermRequiredMixin, FilteredTableView):
    required_perm = Perm.VIEW_UPLOAD_ATTEMPTS
    table_class = AttemptTable
    filterset_class = AttemptFilter

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Upload attempts")
        return context

    def get_queryset(self) -> QuerySet[UploadAttempt]:
        return selectors.upload_attempts_visible_to(request_user(self.request)).order_by(
            "-started_at", "-pk")


