from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from lpse.accounts.roles import Perm
from lpse.catalog import selectors
from lpse.catalog.models import ChangeVersion, NewsArticle
from lpse.core.registry import Panel, register_panel


def _latest_news(request: HttpRequest) -> dict[str, Any]:
    return {"news": selectors.latest_news(5)}


def _content_summary(request: HttpRequest) -> dict[str, Any]:
    counts = dict(
        NewsArticle.objects.values_list("status").annotate(n=Count("id"))
        .values_list("status", "n")
    )
    since = timezone.now() - timedelta(days=7)
    return {
        "drafts": counts.get(NewsArticle.Status.DRAFT, 0),
        "published": counts.get(NewsArticle.Status.PUBLISHED, 0),
        "changes": ChangeVersion.objects.filter(at__gte=since).count(),
    }


register_panel(Panel("catalog.news", "catalog/panels/news.html", _latest_news, public=True,
                     weight=50))
register_panel(Panel("catalog.content", "catalog/panels/content.html", _content_summary,
                     perm=Perm.MANAGE_CONTENT, weight=70))
