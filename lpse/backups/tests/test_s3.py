"""The optional second destination, against a local S3-compatible server (moto's HTTP
server: real HTTP, real multipart upload, read back and compared)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lpse.backups import destinations, services
from lpse.backups.models import BackupCopy, BackupRun
from lpse.backups.tests.conftest import store_some_files

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "lpse-offsite"


@pytest.fixture
def s3(settings, backup_key) -> Iterator[object]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings.BACKUP_S3_BUCKET = BUCKET
    settings.BACKUP_S3_PREFIX = "sumedang/"
    settings.BACKUP_S3_ENDPOINT_URL = f"http://{host}:{port}"
    settings.BACKUP_S3_REGION = "us-east-1"
    settings.BACKUP_S3_ACCESS_KEY_ID = "test"
    settings.BACKUP_S3_SECRET_ACCESS_KEY = "test"
    client = boto3.client("s3", endpoint_url=settings.BACKUP_S3_ENDPOINT_URL,
                          region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
    yield client
    server.stop()


def test_copy_to_object_storage_is_verified_and_pruned(s3, backup_key, settings) -> None:
    s3.create_bucket(Bucket=BUCKET)
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 2, 0
    settings.BACKUP_KEEP_MONTHLY = 0
    now = datetime.now(UTC)
    for d in range(1, 5):
        s3.put_object(Bucket=BUCKET, Body=b"old",
                      Key="sumedang/" + destinations.archive_name(now - timedelta(days=d),
                                                                  f"{d:06x}"))
    store_some_files(3, size=200_000)
    run = services.backup_run(actor=None)
    assert run.status == BackupRun.Status.VERIFIED, run.error
    remote = run.copies.get(kind=BackupCopy.Kind.S3)
    assert remote.verified_at is not None
    assert remote.sha256 == run.archive_sha256
    assert remote.location == f"s3://{BUCKET}/sumedang/{run.archive_name}"
    body = s3.get_object(Bucket=BUCKET, Key=f"sumedang/{run.archive_name}")["Body"].read()
    local = (backup_key.directory / run.archive_name).read_bytes()
    assert body == local
    keys_left = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert len(keys_left) == 2
    assert f"sumedang/{run.archive_name}" in keys_left


def test_unreachable_bucket_leaves_a_partial_run_and_the_local_copy(s3, backup_key, settings,
                                                                     smtp) -> None:
    # The bucket does not exist: the upload fails, the portable-drive copy stands.
    settings.BACKUP_S3_BUCKET = "lpse-no-such-bucket"
    run = services.backup_run(actor=None)
    assert run.status == BackupRun.Status.PARTIAL
    assert run.copies.get(kind=BackupCopy.Kind.LOCAL).verified_at is not None
    failed = run.copies.get(kind=BackupCopy.Kind.S3)
    assert failed.verified_at is None
    assert "NoSuchBucket" in failed.error
    assert (backup_key.directory / run.archive_name).is_file()
