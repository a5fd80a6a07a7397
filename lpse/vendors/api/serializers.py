from __future__ import annotations

from rest_framework import serializers

from lpse.vendors.models import Vendor
from lpse.vendors.selectors import vendor_may_participate, working_days_left

STATUS_HELP = "One of: " + ", ".join(Vendor.Status.values)


class VendorStatusSerializer(serializers.ModelSerializer[Vendor]):
    """The vendor's own registration and verification status."""

    user_id = serializers.CharField(source="account.username", read_only=True)
    # A plain string (values listed in the help text): a choice field would add one more
    # "status" enum to the OpenAPI schema, colliding with other apps' status enums.
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    npwp = serializers.CharField(source="npwp_display", read_only=True)
    working_days_left = serializers.SerializerMethodField()
    may_participate = serializers.SerializerMethodField()

    class Meta:
        model = Vendor
        fields = ["registration_number", "user_id", "business_form", "name", "npwp", "email",
                  "status", "status_label", "verification_deadline", "working_days_left",
                  "verified_at", "may_participate", "created_at"]
        read_only_fields = fields

    def get_working_days_left(self, vendor: Vendor) -> int | None:
        return working_days_left(vendor)

    def get_may_participate(self, vendor: Vendor) -> bool:
        return vendor_may_participate(vendor)


class QueueEntrySerializer(serializers.ModelSerializer[Vendor]):
    """A registration or changed vendor waiting for the verification desk."""

    user_id = serializers.CharField(source="account.username", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    npwp = serializers.CharField(source="npwp_display", read_only=True)
    working_days_left = serializers.SerializerMethodField()

    class Meta:
        model = Vendor
        fields = ["id", "registration_number", "user_id", "name", "npwp", "status",
                  "status_label", "created_at", "verification_deadline", "working_days_left"]
        read_only_fields = fields

    def get_working_days_left(self, vendor: Vendor) -> int | None:
        return working_days_left(vendor)
