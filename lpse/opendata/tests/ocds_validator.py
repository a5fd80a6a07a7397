"""Validate OCDS packages with the community's validator (lib-cove-ocds), offline.

lib-cove-ocds fetches the standard's schema and every declared extension over the network.
Here the standard comes from a ZIP built in memory from lpse/opendata/schema/standard/ (its
`standard_zip` option), and the extension files are served from
lpse/opendata/schema/extensions/ by a requests transport adapter mounted on the HTTP session
of ocdsextensionregistry (the library lib-cove-ocds fetches through). Any other URL fails
loudly instead of reaching the network.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter
from urllib3 import HTTPResponse

from lpse.opendata import ocds
from lpse.opendata.schema import BID_EXTENSION, STANDARD, release_schema

BID_BASE = ocds.BID_EXTENSION_URL.rsplit("/", 1)[0] + "/"
#: Where ocdsextensionregistry downloads a GitHub-hosted extension version from.
BID_ARCHIVE = "https://github.com/open-contracting-extensions/ocds_bid_extension/archive/v1.1.5.zip"


def _closed_codelists(schema: Any, found: dict[str, set[str]]) -> dict[str, set[str]]:
    """The closed codelists, from the `enum` the schema gives each of them."""
    if isinstance(schema, dict):
        if schema.get("codelist") and schema.get("openCodelist") is False:
            enum = schema.get("enum") or (schema.get("items") or {}).get("enum") or []
            found.setdefault(schema["codelist"], set()).update(v for v in enum if v is not None)
        for value in schema.values():
            _closed_codelists(value, found)
    elif isinstance(schema, list):
        for value in schema:
            _closed_codelists(value, found)
    return found


@cache
def standard_zip() -> bytes:
    """The standard repository's layout as ocdsextensionregistry expects it: the vendored
    schema files, and the closed codelists as CSV (lib-cove-ocds needs some codelists; the
    open ones are not vendored, so values of open codelists are not reported)."""
    buffer = io.BytesIO()
    root = f"standard-{ocds.OCDS_SCHEMA_TAG}/standard/schema/"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"standard-{ocds.OCDS_SCHEMA_TAG}/", "")
        for path in sorted(STANDARD.rglob("*")):
            if path.is_file():
                archive.writestr(root + path.relative_to(STANDARD).as_posix(),
                                 path.read_bytes())
        codelists = _closed_codelists(release_schema(), {})
        for name, codes in sorted(codelists.items()):
            archive.writestr(f"{root}codelists/{name}",
                             "Code\n" + "".join(f"{code}\n" for code in sorted(codes)))
    return buffer.getvalue()


def extension_zip(directory: Path, root: str) -> bytes:
    """An extension's files as the GitHub archive ocdsextensionregistry downloads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{root}/", "")
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                archive.writestr(f"{root}/{path.relative_to(directory).as_posix()}",
                                 path.read_bytes())
    return buffer.getvalue()


class LocalFiles(BaseAdapter):
    """Serves `prefix + relative path` from a directory, and whole archives by URL."""

    def __init__(self, prefix: str, directory: Path,
                 archives: dict[str, bytes] | None = None) -> None:
        super().__init__()
        self.prefix, self.directory, self.archives = prefix, directory, archives or {}

    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.url = request.url
        response.request = request
        content: bytes | None = self.archives.get(request.url)
        if content is None and request.url.startswith(self.prefix):
            path = self.directory / request.url[len(self.prefix):]
            content = path.read_bytes() if path.is_file() else None
        found = content is not None
        content = content or b""
        response.status_code = 200 if found else 404
        # requests-cache (the session's cache) keeps the raw urllib3 response.
        response.raw = HTTPResponse(body=io.BytesIO(content), status=response.status_code,
                                    preload_content=False, request_url=request.url)
        response._content = content
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


class NoNetwork(BaseAdapter):
    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError(f"offline test: nothing vendored for {request.url}")

    def close(self) -> None:
        pass


STANDARD_BASE = f"https://standard.open-contracting.org/schema/{ocds.OCDS_SCHEMA_TAG}/"


class OfflineRequests:
    """Stands in for the `requests` module inside jsonref, which dereferences the record
    package schema's links to the standard's other schema files."""

    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.mount("https://", NoNetwork())
        self.session.mount("http://", NoNetwork())
        self.session.mount(STANDARD_BASE, LocalFiles(STANDARD_BASE, STANDARD))

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.session.get(url, **kwargs)


@contextmanager
def vendored_extensions() -> Iterator[None]:
    import jsonref
    from ocdsextensionregistry.util import session

    saved_requests = jsonref.requests
    jsonref.requests = OfflineRequests()
    saved = dict(session.adapters)
    session.mount("https://", NoNetwork())
    session.mount("http://", NoNetwork())
    local = LocalFiles(BID_BASE, BID_EXTENSION, {
        BID_ARCHIVE: extension_zip(BID_EXTENSION, "ocds_bid_extension-1.1.5")})
    session.mount(BID_BASE, local)
    session.mount(BID_ARCHIVE, local)
    try:
        yield
    finally:
        session.adapters.clear()
        session.adapters.update(saved)
        jsonref.requests = saved_requests


def validate(package: dict[str, Any], output_dir: Path) -> dict[str, Any]:
    """Run lib-cove-ocds on a release or record package; returns its API context."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({
        "context": "api",
        "schema_version_choices": {
            "1.1": ("1.1", "https://standard.open-contracting.org/1.1/en/", ocds.OCDS_SCHEMA_TAG),
        },
        "schema_version": "1.1",
        "standard_zip": standard_zip(),
    })
    output_dir.mkdir(parents=True, exist_ok=True)
    with vendored_extensions():
        return ocds_json_output(str(output_dir), json_data=package, lib_cove_ocds_config=config)


def problems(context: dict[str, Any]) -> dict[str, Any]:
    """What must be empty for a clean publication: schema errors, fields outside the
    (extended) schema, and extensions that failed to load."""
    extensions = context.get("extensions") or {}
    return {
        "validation_errors": context.get("validation_errors") or [],
        "closed_codelist_values": dict((context.get("additional_closed_codelist_values")
                                          or {}).items()),
        "additional_fields": context.get("additional_fields") or [],
        "invalid_extensions": extensions.get("invalid_extension") or {},
        "json_deref_error": context.get("json_deref_error"),
    }
