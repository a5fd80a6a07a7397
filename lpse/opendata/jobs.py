"""Background work: publish the OCDS releases of recent tender changes."""

from __future__ import annotations

from django.tasks import task

from lpse.opendata.services import releases_publish_pending


@task()
def publish_releases() -> dict[str, int]:
    return {"releases": releases_publish_pending()}
