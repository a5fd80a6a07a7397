"""OpenAPI descriptions of the OCDS packages (the data itself follows the OCDS schema)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class PublisherSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    uri = serializers.URLField()


class PackageSerializer(serializers.Serializer[Any]):
    uri = serializers.URLField(help_text="The URL of this package.")
    version = serializers.CharField(help_text='OCDS version, "1.1".')
    extensions = serializers.ListField(child=serializers.URLField(),
                                       help_text="The OCDS extensions used (bid extension).")
    publisher = PublisherSerializer()
    license = serializers.URLField(required=False)
    publicationPolicy = serializers.URLField(required=False)
    publishedDate = serializers.DateTimeField()


class ReleasePackageSerializer(PackageSerializer):
    releases = serializers.ListField(
        child=serializers.DictField(), help_text="OCDS 1.1 releases, oldest first.")


class RecordSerializer(serializers.Serializer[Any]):
    ocid = serializers.CharField()
    releases = serializers.ListField(
        child=serializers.DictField(),
        help_text="Linked releases (url, date, tag) in lists; the full releases for one "
                  "record.")
    compiledRelease = serializers.DictField(
        help_text="The current state, compiled from the releases (ocdsmerge).")


class RecordPackageSerializer(PackageSerializer):
    records = RecordSerializer(many=True)
