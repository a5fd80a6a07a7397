from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from lpse.accounts.access import api_perm, request_user
from lpse.accounts.roles import Perm
from lpse.vendors.api.serializers import QueueEntrySerializer, VendorStatusSerializer
from lpse.vendors.models import Vendor
from lpse.vendors.selectors import own_vendor, verification_queue


@extend_schema(responses=VendorStatusSerializer, summary="The vendor's own status",
               description="Registration number, status, verification deadline and whether "
                           "the company may take part in tenders. Vendor accounts only "
                           "(404 for others).")
@api_view(["GET"])
def my_status(request: Request) -> Response:
    vendor = own_vendor(request_user(request))  # type: ignore[arg-type]
    return Response(VendorStatusSerializer(vendor).data)


@extend_schema(summary="Verification queue")
class QueueViewSet(viewsets.ReadOnlyModelViewSet[Vendor]):
    """Registrations waiting for the verification desk (most urgent deadline first) and
    vendors whose legal data changed. Verifiers only."""

    serializer_class = QueueEntrySerializer
    permission_classes = [api_perm(Perm.VERIFY_VENDORS)]
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Vendor]:
        return verification_queue()
