from rest_framework import serializers

from lpse.backups.models import BackupCopy, BackupRun, DrillRun


class BackupCopySerializer(serializers.ModelSerializer[BackupCopy]):
    class Meta:
        model = BackupCopy
        fields = ["kind", "location", "size", "sha256", "verified_at", "deleted_at", "error"]


class BackupRunSerializer(serializers.ModelSerializer[BackupRun]):
    copies = BackupCopySerializer(many=True, read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = BackupRun
        fields = ["id", "status", "trigger", "started_at", "finished_at", "phase", "percent",
                  "bytes_done", "bytes_total", "archive_name", "archive_size", "archive_sha256",
                  "database_engine", "table_count", "row_count", "file_count", "file_bytes",
                  "recipients", "warnings", "error", "copies"]


class DrillRunSerializer(serializers.ModelSerializer[DrillRun]):
    class Meta:
        model = DrillRun
        fields = ["id", "status", "trigger", "archive_name", "started_at", "finished_at",
                  "report", "summary"]


class BackupStatusSerializer(serializers.Serializer[dict[str, object]]):
    ok = serializers.BooleanField()
    last_verified_at = serializers.DateTimeField(allow_null=True)
    age_hours = serializers.FloatField(allow_null=True)
    max_age_hours = serializers.IntegerField()
    archive = serializers.CharField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    last_run_status = serializers.CharField(allow_null=True)
    last_drill_status = serializers.CharField(allow_null=True)
