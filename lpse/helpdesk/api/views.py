from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiRequest, extend_schema
from rest_framework import parsers, status, viewsets
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from lpse.accounts.access import api_perm, request_user
from lpse.accounts.roles import Perm
from lpse.helpdesk.api.serializers import (
    ArticleSerializer,
    InboundEmailResultSerializer,
    TicketSerializer,
)
from lpse.helpdesk.models import Article, Ticket
from lpse.helpdesk.selectors import tickets_for_desk
from lpse.helpdesk.services import ticket_from_email


class TicketViewSet(viewsets.ReadOnlyModelViewSet[Ticket]):
    """Helpdesk tickets with their service-level state (helpdesk staff, head, auditor)."""

    serializer_class = TicketSerializer
    permission_classes = [api_perm(Perm.VIEW_HELPDESK_REPORTS) | api_perm(Perm.HANDLE_TICKETS)]
    filterset_fields = ["status", "channel", "category", "priority", "requester_type"]

    def get_queryset(self) -> QuerySet[Ticket]:
        return tickets_for_desk(self.request.user).order_by("-received_at")  # type: ignore[arg-type]


class ArticleViewSet(viewsets.ReadOnlyModelViewSet[Article]):
    """The public knowledge base (published articles)."""

    serializer_class = ArticleSerializer
    permission_classes = [AllowAny]
    filterset_fields = ["category"]
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.filter(is_published=True).order_by("category", "title")


class RawMessageParser(parsers.BaseParser):
    media_type = "message/rfc822"

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        return stream.read()


@extend_schema(
    summary="Record an e-mail sent to the helpdesk",
    description=(
        "Post one raw RFC 5322 message (`Content-Type: message/rfc822`), e.g. from the mail "
        "server's delivery pipe. A new ticket is created, or the message is added to the "
        "ticket whose number is in the subject. The same Message-ID is recorded once. "
        "Needs a token of a user with helpdesk.handle."),
    request=OpenApiRequest(request=bytes, examples=[OpenApiExample(
        "message", value="From: Ade <ade@example.com>\r\nSubject: Lupa kata sandi\r\n\r\n...")]),
    responses={201: InboundEmailResultSerializer, 200: InboundEmailResultSerializer},
)
@api_view(["POST"])
@parser_classes([RawMessageParser])
@permission_classes([api_perm(Perm.HANDLE_TICKETS)])
def inbound_email(request: Request) -> Response:
    raw = request.data
    if not isinstance(raw, bytes) or not raw.strip():
        return Response({"detail": "Empty message."}, status=status.HTTP_400_BAD_REQUEST)
    try:
        ticket, created = ticket_from_email(actor=request_user(request), raw=raw)  # type: ignore[arg-type]
    except ValidationError as exc:
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"ticket": ticket.number, "created": created},
                    status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
