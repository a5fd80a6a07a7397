from __future__ import annotations

from rest_framework import serializers

from lpse.accounts.models import Agency, User, WorkUnit


class WorkUnitSerializer(serializers.ModelSerializer[WorkUnit]):
    class Meta:
        model = WorkUnit
        fields = ["id", "code", "name", "is_active"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    work_units = WorkUnitSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "kind", "address", "phone", "email", "is_active",
                  "work_units"]


class UserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "position", "agency", "roles",
                  "is_active", "last_login"]

    def get_roles(self, obj: User) -> list[str]:
        return sorted(a.role for a in obj.role_assignments.all())


class MeSerializer(UserSerializer):
    two_factor_verified = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "preferred_language", "two_factor_verified"]

    def get_two_factor_verified(self, obj: User) -> bool:
        request = self.context.get("request")
        return bool(request and getattr(request.user, "is_verified", lambda: False)())
