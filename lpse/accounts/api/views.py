from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from lpse.accounts.access import api_perm, request_user
from lpse.accounts.api.serializers import AgencySerializer, MeSerializer, UserSerializer
from lpse.accounts.models import Agency, User
from lpse.accounts.roles import Perm
from lpse.accounts.selectors import agencies_visible_to, users_visible_to


@extend_schema(responses=MeSerializer, summary="The authenticated user")
@api_view(["GET"])
def me(request: Request) -> Response:
    user = request_user(request)  # type: ignore[arg-type]
    return Response(MeSerializer(user, context={"request": request}).data)


class AgencyViewSet(viewsets.ReadOnlyModelViewSet[Agency]):
    serializer_class = AgencySerializer
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self) -> QuerySet[Agency]:
        return agencies_visible_to(self.request.user).prefetch_related(  # type: ignore[arg-type]
            "work_units").order_by("name")


class UserViewSet(viewsets.ReadOnlyModelViewSet[User]):
    serializer_class = UserSerializer
    permission_classes = [api_perm(Perm.VIEW_USERS)]
    filterset_fields = ["is_active", "agency"]

    def get_queryset(self) -> QuerySet[User]:
        return users_visible_to(self.request.user).order_by("username")  # type: ignore[arg-type]
