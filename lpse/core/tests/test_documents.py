from __future__ import annotations

import hashlib
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from pypdf import PdfReader

from lpse.accounts.roles import Role
from lpse.accounts.tests.factories import make_user
from lpse.audit.models import AuditEvent
from lpse.core.documents import document_issue, letter_number_next
from lpse.core.files import open_stored
from lpse.core.models import IssuedDocument, LetterSequence
from lpse.core.pdf import PdfDocument

pytestmark = pytest.mark.django_db


def _doc() -> PdfDocument:
    doc = PdfDocument(title="Berita Acara Uji")
    doc.paragraph("Pada hari ini telah dilaksanakan pengujian.")
    doc.key_values([("Nama paket", "Rehabilitasi Jalan Cimalaka"), ("HPS", "Rp 1.250.000.000")])
    doc.table(["No", "Penyedia", "Harga"], [[1, "CV Mitra Karya", "Rp 1.100.000.000"]])
    doc.signatures([("Verifikator", "Dedi Kurniawan", "NIP 199001152014021002")],
                   place_date="Sumedang, 25 November 2026")
    return doc


def test_numbers_run_per_type_and_year() -> None:
    with transaction.atomic():
        first = letter_number_next(letter_type="test.a", code="027")
        second = letter_number_next(letter_type="test.a", code="027")
        other = letter_number_next(letter_type="test.b", code="800")
    assert first.startswith("027/0001/LPSE/")
    assert second.startswith("027/0002/LPSE/")
    assert other.startswith("800/0001/LPSE/")


def test_issue_renders_stores_records_and_audits() -> None:
    officer = make_user(Role.VERIFIER)
    document = document_issue(letter_type="test.minutes", code="027", doc=_doc(),
                              filename="berita-acara.pdf", issued_by=officer, subject=officer)
    assert document.number.startswith("027/0001/LPSE/")
    with open_stored(document.file) as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.file.sha256
    text = "".join(page.extract_text() for page in PdfReader(open_stored(document.file)).pages)
    assert "BERITA ACARA UJI" in text
    assert document.number in text
    assert "Rehabilitasi Jalan Cimalaka" in text
    assert f"/documents/verify/{document.pk}/" in text
    assert AuditEvent.objects.filter(action="document.issued", object_id=str(document.pk)).exists()


def test_an_agency_letter_has_its_letterhead_and_its_own_numbers() -> None:
    from lpse.accounts.tests.factories import AgencyFactory
    from lpse.core.pdf import Issuer

    agency = AgencyFactory(code="DPUTR", name="Dinas Pekerjaan Umum dan Tata Ruang",
                           address="Jl. Prabu Gajah Agung No. 1, Sumedang",
                           phone="(0261) 201234", email="dputr@sumedangkab.go.id")
    ppk = make_user(Role.PPK, agency=agency)
    unit_letter = document_issue(letter_type="test.sppbj", code="027", doc=_doc(),
                                 filename="a.pdf", issued_by=ppk)
    first = document_issue(letter_type="test.sppbj", code="027", doc=_doc(), filename="b.pdf",
                           issued_by=ppk, issuer=Issuer.agency(agency))
    second = document_issue(letter_type="test.sppbj", code="027", doc=_doc(), filename="c.pdf",
                            issued_by=ppk, issuer=Issuer.agency(agency))
    assert unit_letter.number.startswith("027/0001/LPSE/")
    assert first.number.startswith("027/0001/DPUTR/")
    assert second.number.startswith("027/0002/DPUTR/")
    text = "".join(page.extract_text() for page in PdfReader(open_stored(first.file)).pages)
    assert "PEMERINTAH KABUPATEN SUMEDANG" in text
    assert "DINAS PEKERJAAN UMUM DAN TATA RUANG" in text
    assert "dputr@sumedangkab.go.id" in text
    assert "LPSE" not in text.split("BERITA ACARA UJI")[0]
    unit_text = "".join(p.extract_text() for p in PdfReader(open_stored(unit_letter.file)).pages)
    assert "UPTD LPSE KABUPATEN SUMEDANG" in unit_text


def test_failed_issue_consumes_no_number() -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        letter_number_next(letter_type="test.c", code="1")
        raise Boom
    with transaction.atomic():
        assert letter_number_next(letter_type="test.c", code="1").startswith("1/0001/")


def test_public_verification_page_compares_a_copy(client) -> None:
    document = document_issue(letter_type="test.minutes", code="027", doc=_doc(),
                              filename="ba.pdf", issued_by=None)
    page = client.get(f"/documents/verify/{document.pk}/")
    assert page.status_code == 200
    assert document.file.sha256 in page.content.decode()
    with open_stored(document.file) as handle:
        genuine = handle.read()
    ok = client.post(f"/documents/verify/{document.pk}/",
                     {"file": SimpleUploadedFile("copy.pdf", genuine)})
    assert "identik" in ok.content.decode()
    forged = client.post(f"/documents/verify/{document.pk}/",
                         {"file": SimpleUploadedFile("copy.pdf", genuine + b" ")})
    assert "TIDAK identik" in forged.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbering_never_repeats_a_number() -> None:
    numbers: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(5):
                with transaction.atomic():
                    number = letter_number_next(letter_type="test.race", code="9")
                with lock:
                    numbers.append(number)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(numbers) == 20
    assert len(set(numbers)) == 20
    assert LetterSequence.objects.get(letter_type="test.race").last_number == 20
    assert IssuedDocument.objects.count() == 0


def test_web_process_loads_reportlab_only_to_render() -> None:
    """ReportLab (~16 MB per process) is imported when a document is rendered, not when a
    web worker loads the project: the sealed-bid workers' memory budget counts on it. The
    worker's WSGI module loads every view as it starts (not in its first request)."""
    import os
    import subprocess
    import sys

    code = ("import sys; import config.wsgi; "
            "views = 'lpse.bids.views.vendor' in sys.modules; "
            "loaded = 'reportlab' in sys.modules; "
            "from lpse.core.pdf import PdfDocument; doc = PdfDocument(title='T'); "
            "doc.paragraph('x'); composed = 'reportlab' in sys.modules; pdf = doc.render(); "
            "print(views, loaded, composed, 'reportlab' in sys.modules, pdf[:5])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True", "False", "False", "True", "b'%PDF-'"]


def test_signatures_never_stand_alone_on_a_page() -> None:
    """Whatever the length of the body, the closing paragraph is on the signatures' page."""
    for count in range(16, 46, 2):
        doc = PdfDocument(title="Berita Acara Uji")
        for n in range(count):
            doc.paragraph(f"Butir {n}: pemeriksaan dokumen dilakukan sesuai prosedur.")
        doc.paragraph("Demikian berita acara ini dibuat untuk dipergunakan sebagaimana mestinya.")
        doc.signatures([("Verifikator", "Dedi Kurniawan", "NIP 199001152014021002")],
                       place_date="Sumedang, 25 November 2026")
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(doc.render())).pages]
        signed = [text for text in pages if "Dedi Kurniawan" in text]
        assert len(signed) == 1
        assert "Demikian berita acara ini dibuat" in signed[0], (count, len(pages))
