"""Public pages: the tender list (search, filters, sorting, keyset pages), the Atom feed,
the announcement page and the schedule with its change history."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from lpse.accounts.models import Agency
from lpse.accounts.roles import Perm, has_perm
from lpse.catalog.models import ProcurementCategory
from lpse.core.forms import RupiahField
from lpse.core.templatetags.lpse import rupiah, wib
from lpse.tenders import selectors, services
from lpse.tenders.bidding import bid_source
from lpse.tenders.forms import ObjectionForm, QuestionForm
from lpse.tenders.models import Objection, Tender
from lpse.tenders.services.common import has_objected
from lpse.tenders.stages import StageCode


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    category = forms.ModelChoiceField(label=pgettext_lazy("tenders", "Category"), required=False,
                                      queryset=ProcurementCategory.objects.all(),
                                      empty_label=gettext_lazy("Any"))
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), required=False,
                                    queryset=Agency.objects.filter(is_active=True),
                                    empty_label=gettext_lazy("Any"))
    stage = forms.ChoiceField(label=gettext_lazy("Stage now"), required=False,
                              choices=[("", gettext_lazy("Any")), *list(StageCode.choices)])
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("Any"))] + [c for c in Tender.Status.choices
                                               if c[0] != Tender.Status.DRAFT])
    year = forms.IntegerField(label=gettext_lazy("Fiscal year"), required=False,
                              min_value=2000, max_value=2100)
    value_min = RupiahField(label=gettext_lazy("HPS from (Rp)"), required=False,
                                  min_value=0, max_digits=18, decimal_places=2)
    value_max = RupiahField(label=gettext_lazy("HPS up to (Rp)"), required=False,
                                  min_value=0, max_digits=18, decimal_places=2)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, choices=[
        ("newest", gettext_lazy("Newest")), ("deadline", gettext_lazy("Upload deadline")),
        ("value_desc", gettext_lazy("HPS, highest first")),
        ("value_asc", gettext_lazy("HPS, lowest first")), ("name", gettext_lazy("Name")),
    ])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def params(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        for key in ("category", "agency"):
            data[key] = data[key].pk if data.get(key) else None
        return data


#: Stands for the CSRF token in a cached page; each response gets the visitor's own token.
CSRF_PLACEHOLDER = "__lpse_csrf_token__"


def _page_cache_key(request: HttpRequest) -> str | None:
    """Anonymous visitors without pending messages share cached pages of the public list."""
    from django.conf import settings
    from django.contrib.messages import get_messages

    ttl = int(settings.TENDER_PUBLIC_LIST_CACHE_SECONDS)
    if ttl <= 0 or request.user.is_authenticated or len(get_messages(request)):
        return None
    version = selectors.public_list_version()
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    partial = "1" if getattr(request, "htmx", False) else "0"
    return f"tenders:public-page:{version}:{get_language()}:{partial}:{digest}"


def public_list(request: HttpRequest) -> HttpResponse:
    """The public tender list. Pages for anonymous visitors are rendered once per
    TENDER_PUBLIC_LIST_CACHE_SECONDS and served from the cache with the visitor's own CSRF
    token put in."""
    from django.conf import settings
    from django.core.cache import cache
    from django.middleware.csrf import get_token

    key = _page_cache_key(request)
    if key is not None:
        html = cache.get(key)
        if html is not None:
            response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
            patch_vary_headers(response, ["Cookie", "Accept-Language", "HX-Request"])
            return response
    form = PublicFilterForm(request.GET or None)
    params = form.params() if request.GET else {}
    sort = params.pop("sort", None) or "newest"
    page = selectors.public_tender_page_cached(
        params, sort=sort, after=request.GET.get("after"), before=request.GET.get("before"))
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("before", None)
    context: dict[str, Any] = {"form": form, "page": page, "rows": page.items,
                               "query": query.urlencode()}
    template = "tenders/public_list.html"
    if getattr(request, "htmx", False):
        template += "#results"
    if key is not None:
        context["csrf_token"] = CSRF_PLACEHOLDER
    response = render(request, template, context)
    if key is not None:
        html = response.content.decode()
        cache.set(key, html, int(settings.TENDER_PUBLIC_LIST_CACHE_SECONDS))
        response.content = html.replace(CSRF_PLACEHOLDER, get_token(request)).encode()
    patch_vary_headers(response, ["Cookie", "Accept-Language", "HX-Request"])
    return response


class LatestTendersFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def title(self) -> str:
        from django.conf import settings

        return _("New tenders — %(unit)s") % {"unit": settings.LPSE_UNIT_NAME}

    def link(self) -> str:
        return reverse("tenders:public_list")

    def subtitle(self) -> str:
        return _("Tenders announced on the e-procurement portal, newest first.")

    def items(self) -> QuerySet[Tender]:
        return selectors.tenders_public().select_related("agency", "category").order_by(
            "-published_at", "-pk")[:50]

    def item_title(self, item: Tender) -> str:
        return f"{item.code} — {item.name}"

    def item_description(self, item: Tender) -> str:
        return _("%(agency)s · %(category)s · HPS %(hps)s · upload until %(deadline)s") % {
            "agency": item.agency.name, "category": item.category.label,
            "hps": rupiah(item.owner_estimate), "deadline": wib(item.upload_ends_at)}

    def item_link(self, item: Tender) -> str:
        return reverse("tenders:public_detail", args=[item.code])

    def item_pubdate(self, item: Tender) -> Any:
        return item.published_at

    def item_updateddate(self, item: Tender) -> Any:
        return item.updated_at


def _results_visible(tender: Tender) -> bool:
    return tender.winner_announced_at is not None


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The announcement page: schedule, HPS, requirements, documents, and later the result."""
    tender = selectors.tender_public(code)
    now = timezone.now()
    user = request.user
    participant = selectors.participant_of(user, tender) if user.is_authenticated else None  # type: ignore[arg-type]
    official = bool(user.is_authenticated and selectors.tenders_visible_to(
        user).filter(pk=tender.pk).exists())  # type: ignore[arg-type]
    schedule = tender.stages.all()
    documents = list(tender.documents.select_related("file").order_by("version"))
    evaluations = list(selectors.evaluations_of(tender)) if _results_visible(tender) else []
    context: dict[str, Any] = {
        "tender": tender,
        "stage": tender.current_stage(now),
        "running": set(tender.current_stages(now)),
        "schedule": schedule,
        "documents": documents,
        "participant": participant,
        "official": official,
        "participants_count": tender.participants.count(),
        "can_join": (user.is_authenticated and has_perm(user, Perm.PARTICIPATE_IN_TENDERS)  # type: ignore[arg-type]
                     and participant is None and services.can_join(tender)),
        "evaluations": evaluations,
        "objections": list(selectors.objections_of(tender).filter(
            phase=Objection.Phase.AWARD)) if _results_visible(tender)
        or tender.evaluation_round > 1 else [],
        "reevaluation": tender.reevaluations.last() if tender.evaluation_round > 1 else None,
        "contract": getattr(tender, "contract", None),
        "retender": Tender.objects.filter(previous=tender).only("code", "name").first(),
        "now": now,
        "minutes": {"clarification": services.clarification_minutes_of(tender),
                    "evaluation": services.evaluation_minutes_of(tender)},
    }
    if tender.is_prequalification:
        result = services.result_of(tender)
        context["prequalification"] = {
            "result": result,
            "submissions": list(selectors.qualification_submissions_of(tender))
            if result else [],
            "objections": list(selectors.objections_of(tender).filter(
                phase=Objection.Phase.QUALIFICATION)) if result else [],
            "window": tender.stage_window(StageCode.QUALIFICATION_SUBMISSION),
        }
        if participant is not None:
            context["shortlist_problem"] = services.bid_problem(participant)
            context["shortlisted"] = participant.pk in services.shortlisted_ids(tender)
    if participant is not None or official:
        context["questions"] = list(selectors.questions_of(tender))
    if participant is not None:
        context["question_form"] = QuestionForm() if tender.in_stage(
            StageCode.CLARIFICATION, now) and tender.is_running else None
        may_object = (tender.is_running and tender.winner_announced_at is not None
                      and tender.in_stage(StageCode.OBJECTION, now)
                      and tender.evaluations.filter(participant=participant).exists()
                      and not has_objected(tender, participant, Objection.Phase.AWARD,
                                           tender.evaluation_round))
        context["objection_form"] = ObjectionForm() if may_object else None
        context["submitted"] = participant.pk in bid_source().submitted_participant_ids(tender)
    return render(request, "tenders/public_detail.html", context)


def public_schedule(request: HttpRequest, code: str) -> HttpResponse:
    tender = selectors.tender_public(code)
    history = selectors.schedule_history(tender)
    stages = [(stage, history.get(stage.code, [])) for stage in tender.stages.all()]
    return render(request, "tenders/public_schedule.html",
                  {"tender": tender, "stages": stages, "now": timezone.now()})

