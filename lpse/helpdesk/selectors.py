"""Reads of helpdesk data, scoped to the user asking."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lpse.accounts.models import User
from lpse.accounts.roles import Perm, has_perm
from lpse.helpdesk.models import Article, CannedResponse, Ticket
from lpse.helpdesk.services import ticket_public_key


def can_work_tickets(user: User) -> bool:
    return has_perm(user, Perm.HANDLE_TICKETS)


def can_read_desk(user: User) -> bool:
    """Helpdesk staff work tickets; the head and the LKPP auditor read them."""
    return has_perm(user, Perm.HANDLE_TICKETS) or has_perm(user, Perm.VIEW_HELPDESK_REPORTS)


def tickets_for_desk(user: User) -> QuerySet[Ticket]:
    if not user.is_authenticated or not can_read_desk(user):
        return Ticket.objects.none()
    return Ticket.objects.select_related("assignee", "requester", "merged_into")


def tickets_of_requester(user: User) -> QuerySet[Ticket]:
    """A requester's own tickets: never anyone else's."""
    if not user.is_authenticated:
        return Ticket.objects.none()
    return Ticket.objects.filter(requester=user).select_related("merged_into")


def ticket_by_token(token: str) -> Ticket | None:
    key = ticket_public_key(token)
    if key is None:
        return None
    return Ticket.objects.filter(public_key=key).select_related("merged_into").first()


def articles_visible_to(user: User) -> QuerySet[Article]:
    if user.is_authenticated and has_perm(user, Perm.MANAGE_KNOWLEDGE_BASE):
        return Article.objects.all()
    return Article.objects.filter(is_published=True)


def article_suggestions(text: str, limit: int = 5) -> list[Article]:
    """Published articles matching the words a requester is typing (at least 3 letters)."""
    words = [w for w in text.lower().split() if len(w) >= 3][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(keywords__icontains=word)
    found = list(Article.objects.filter(condition, is_published=True)[:50])

    def score(article: Article) -> int:
        haystack = f"{article.title} {article.keywords}".lower()
        return sum(word in haystack for word in words)

    return sorted(found, key=lambda a: (-score(a), a.title))[:limit]


def canned_responses_for(user: User) -> QuerySet[CannedResponse]:
    if not can_work_tickets(user):
        return CannedResponse.objects.none()
    return CannedResponse.objects.all()


def handlers() -> QuerySet[User]:
    """Users who may be assigned tickets."""
    return User.objects.filter(is_active=True,
                               role_assignments__role__in=Perm.HANDLE_TICKETS.roles
                               ).distinct().order_by("full_name")
