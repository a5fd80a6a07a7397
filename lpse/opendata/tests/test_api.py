"""The public OCDS API: packages, keyset pages, date filters, one record, caching."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from lpse.opendata import ocds
from lpse.opendata.models import Release
from lpse.opendata.services import releases_backfill, releases_sync
from lpse.opendata.tests import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _three_tenders(clock) -> list:
    made = []
    for _ in range(3):
        made.append(scenario.published())
        clock.shift(dt.timedelta(hours=1))
    releases_backfill()
    return made


def test_release_packages_page_by_date_with_a_link_to_the_next(client, clock):
    made = _three_tenders(clock)
    url = reverse("api-ocds-releases")
    response = client.get(url, {"page_size": 2})
    assert response.status_code == 200
    package = response.json()
    assert package["version"] == "1.1"
    assert package["extensions"] == [ocds.BID_EXTENSION_URL]
    assert package["publisher"]["name"]
    assert package["uri"].endswith(f"{url}?page_size=2")
    assert [r["tender"]["id"] for r in package["releases"]] == [m.tender.code for m in made[:2]]
    link = response["Link"]
    assert link.endswith('; rel="next"')
    next_url = link[1:link.index(">")]
    second = client.get(next_url).json()
    assert [r["tender"]["id"] for r in second["releases"]] == [made[2].tender.code]
    assert "Link" not in client.get(next_url)


def test_since_until_and_ocid_filters(client, clock):
    made = _three_tenders(clock)
    url = reverse("api-ocds-releases")
    middle = made[1].tender.published_at
    since = client.get(url, {"since": middle.isoformat()}).json()["releases"]
    assert [r["tender"]["id"] for r in since] == [made[1].tender.code, made[2].tender.code]
    until = client.get(url, {"until": middle.isoformat()}).json()["releases"]
    assert [r["tender"]["id"] for r in until] == [made[0].tender.code]
    day = client.get(url, {"since": middle.date().isoformat()}).json()["releases"]
    assert len(day) == 3, "a date means midnight WIB"
    ocid = ocds.ocid_for(made[2].tender.code)
    one = client.get(url, {"ocid": ocid}).json()["releases"]
    assert [r["ocid"] for r in one] == [ocid]
    bad = client.get(url, {"since": "yesterday"})
    assert bad.status_code == 400
    assert "since" in bad.json()


def test_record_packages_and_one_record(client, clock):
    s = scenario.full(clock)
    releases_sync(tender=s.tender)
    other = scenario.published()
    releases_sync(tender=other.tender)
    records = client.get(reverse("api-ocds-records")).json()["records"]
    assert [r["ocid"] for r in records] == [ocds.ocid_for(s.tender.code),
                                            ocds.ocid_for(other.tender.code)]
    linked = records[0]["releases"]
    assert len(linked) == 7
    assert set(linked[0]) == {"url", "date", "tag"}
    assert linked[0]["url"].endswith(f"?ocid={records[0]['ocid']}#{records[0]['ocid']}-tender")
    assert records[0]["compiledRelease"]["tag"] == ["compiled"]
    assert records[0]["compiledRelease"]["contracts"][0]["value"]["amount"] == int(
        s.tender.contract.value)
    one = client.get(reverse("api-ocds-record", args=[records[0]["ocid"]])).json()
    [record] = one["records"]
    assert [r["id"] for r in record["releases"]] == list(Release.objects.filter(
        ocid=record["ocid"]).order_by("date", "pk").values_list("release_id", flat=True))
    assert record["compiledRelease"] == records[0]["compiledRelease"]
    assert client.get(reverse("api-ocds-record", args=["ocds-nope-1"])).status_code == 404


def test_answers_are_cached_until_a_new_release(client, clock, django_assert_max_num_queries):
    s = scenario.published()
    releases_sync(tender=s.tender)
    url = reverse("api-ocds-releases")
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_max_num_queries(3):
        assert client.get(url).json() == first.json()
    clock.shift(dt.timedelta(hours=3))
    scenario.addendum(s)
    releases_sync(tender=s.tender)
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert len(after.json()["releases"]) == 2


def test_list_queries_do_not_grow_with_the_page(client, clock, django_assert_max_num_queries):
    _three_tenders(clock)
    with django_assert_max_num_queries(6):
        assert len(client.get(reverse("api-ocds-records"), {"page_size": 50}).json()[
            "records"]) == 3
    with django_assert_max_num_queries(6):
        assert len(client.get(reverse("api-ocds-releases")).json()["releases"]) == 3


def test_bulk_endpoints_have_their_own_rate(client, clock, settings):
    from rest_framework.throttling import ScopedRateThrottle

    rates = {**ScopedRateThrottle.THROTTLE_RATES, "opendata": "2/minute"}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        url = reverse("api-ocds-releases")
        assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
