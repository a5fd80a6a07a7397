"""Demo helpdesk: canned answers, knowledge-base articles, tickets in every state, and an
upload problem (3.7) with its diagnostics."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from lpse.accounts.models import User
from lpse.core.calendar import add_working_minutes
from lpse.core.demodata import DemoContext
from lpse.helpdesk import services
from lpse.helpdesk.models import Article, CannedResponse, Ticket

ORDER = 60

CANNED = [
    ("Cek folder spam", Ticket.Category.REGISTRATION,
     "E-mail dari LPSE kadang masuk ke folder spam atau promosi. Mohon periksa folder "
     "tersebut dan tandai alamat LPSE sebagai bukan spam."),
    ("Jadwal verifikasi", Ticket.Category.VERIFICATION,
     "Verifikasi dilayani Senin–Jumat pukul 09.00–15.00 WIB di kantor LPSE. Bawa KTP "
     "direktur, akta pendirian dan perubahan terakhir, NPWP serta izin usaha asli."),
    ("Jangan berikan kata sandi", Ticket.Category.ACCOUNT,
     "Demi keamanan, jangan pernah memberitahukan kata sandi kepada siapa pun, termasuk "
     "petugas LPSE. Gunakan menu Lupa kata sandi untuk membuat kata sandi baru."),
]

ARTICLES = [
    ("Lupa kata sandi akun", Ticket.Category.ACCOUNT, "password sandi login masuk lupa reset",
     "Klik \"Lupa kata sandi\" pada halaman masuk, isi ID pengguna atau e-mail. Tautan untuk "
     "membuat kata sandi baru dikirim ke e-mail akun dan hanya dapat dipakai sekali."),
    ("Syarat verifikasi penyedia", Ticket.Category.VERIFICATION,
     "verifikasi dokumen ktp akta npwp nib siup",
     "Setelah mendaftar online, datang ke LPSE dalam 7 hari kerja dengan KTP direktur, akta "
     "pendirian dan perubahan terakhir, NPWP, serta NIB/izin usaha asli."),
    ("E-mail aktivasi tidak diterima", Ticket.Category.REGISTRATION,
     "email aktivasi daftar pendaftaran spam",
     "Periksa folder spam. Bila tetap tidak ada dalam 1 jam, hubungi helpdesk dengan "
     "menyebutkan ID pengguna; jangan sebutkan kata sandi."),
    ("Gagal mengunggah dokumen penawaran", Ticket.Category.BID_UPLOAD,
     "upload unggah penawaran gagal apendo file besar",
     "Pastikan ukuran berkas di bawah batas, koneksi stabil, dan unggah sebelum batas waktu. "
     "Bila tetap gagal, laporkan ke helpdesk dengan kode tender; administrator memeriksa "
     "catatan diagnostik tanpa meminta kata sandi Anda."),
    ("Jadwal pelatihan SPSE", Ticket.Category.TRAINING, "pelatihan training jadwal",
     "Pelatihan penyedia: Rabu dan Kamis 09.00–13.00 WIB; pelatihan instansi: Senin, Selasa "
     "dan Jumat 09.00–15.00 WIB. Lihat kalender pelatihan untuk sesi yang dibuka."),
]


def seed(context: DemoContext) -> None:
    officer = context.users["helpdesk"]
    for title, category, body in CANNED:
        if not CannedResponse.objects.filter(title=title).exists():
            services.canned_response_save(actor=officer, response=None, title=title,
                                          body=body, category=category)
    for title, category, keywords, body in ARTICLES:
        if not Article.objects.filter(title=title).exists():
            services.article_save(actor=officer, article=None, title=title,
                                  category=category, body=body, keywords=keywords)
    if Ticket.objects.exists():
        return
    now = timezone.now()
    users = context.users

    def phone(subject: str, ago_minutes: int, **fields: object) -> Ticket:
        values: dict[str, object] = {
            "channel": Ticket.Channel.PHONE, "requester_type": Ticket.RequesterType.VENDOR,
            "requester": users["cv.mitra"], "requester_name": "",
            "category": Ticket.Category.REGISTRATION, "subject": subject,
            "description": subject + ".",
            "received_at": now - timedelta(minutes=ago_minutes),
        }
        values.update(fields)
        return services.ticket_create(actor=officer, **values)  # type: ignore[arg-type]

    # New, unassigned.
    services.ticket_create(
        actor=None, channel=Ticket.Channel.WEB_PUBLIC, requester_type=Ticket.RequesterType.PUBLIC,
        requester_name="Budi Santoso", requester_email="budi@contoh.example",
        category=Ticket.Category.OTHER, subject="Cara melihat pengumuman lelang",
        description="Di mana saya bisa melihat pengumuman tender terbaru?")
    # In progress, assigned.
    opened = phone("Cara mengganti e-mail perusahaan", 30, category=Ticket.Category.ACCOUNT)
    services.ticket_assign(actor=officer, ticket=opened, assignee=officer)
    services.ticket_note(actor=officer, ticket=opened,
                         body="Perlu surat pernyataan dan KTP direktur (SOP 3.3).")
    # Waiting for the requester.
    waiting = phone("Status verifikasi belum berubah", 90, requester=users["pt.tatar"],
                    category=Ticket.Category.VERIFICATION)
    services.ticket_reply(actor=officer, ticket=waiting, wait_for_requester=True,
                          body="Mohon kirimkan NPWP perusahaan agar kami dapat mengecek.")
    # Escalated to LKPP.
    lkpp = services.ticket_create(
        actor=officer, channel=Ticket.Channel.WALK_IN, requester=users["pokja1"],
        requester_type=Ticket.RequesterType.COMMITTEE, requester_name="",
        category=Ticket.Category.ENCRYPTION, priority=Ticket.Priority.HIGH,
        subject="Dokumen penawaran tidak dapat didekripsi", tender_code="10012026",
        description="Satu dokumen penawaran gagal dibuka saat pembukaan.")
    services.ticket_reply(actor=officer, ticket=lkpp, body="Kami teruskan ke LKPP.")
    services.ticket_escalate_lkpp(actor=officer, ticket=lkpp, reference="LKPP/HD/2026/08812",
                                  summary="Berkas penawaran dan log pembukaan.")
    # Resolved on the spot, and closed with a rating.
    phone("Jam layanan verifikasi", 200, category=Ticket.Category.VERIFICATION,
          answer="Senin–Jumat 09.00–15.00 WIB.")
    closed = phone("Lupa kata sandi", 400, requester=users["ppk.dputr"],
                   requester_type=Ticket.RequesterType.PPK, category=Ticket.Category.ACCOUNT,
                   answer="Silakan gunakan menu Lupa kata sandi.")
    services.ticket_rate(ticket=closed, rating=5, comment="Cepat dan jelas",
                         user=users["ppk.dputr"])
    # A duplicate merged into another ticket.
    duplicate = phone("Cara mengganti e-mail perusahaan (lagi)", 20,
                      category=Ticket.Category.ACCOUNT)
    services.ticket_merge(actor=officer, ticket=duplicate, into=opened)
    # An e-mail request left unanswered past its service level: breached and escalated.
    late_received = now - timedelta(days=3)
    late = services.ticket_create(
        actor=officer, channel=Ticket.Channel.EMAIL, requester=users["admin.dinkes"],
        requester_type=Ticket.RequesterType.AGENCY_ADMIN, requester_name="",
        category=Ticket.Category.TENDER, priority=Ticket.Priority.URGENT,
        subject="Paket tidak muncul di daftar", description="Paket kami belum tampil.",
        received_at=late_received)
    assert late.first_response_due is not None
    services.sla_check(now=max(now, add_working_minutes(late_received, 400)))
    _upload_problem(users["appadmin"], users["cv.mitra"], now)


def _upload_problem(administrator: User, vendor_user: User, now: datetime) -> None:
    """Procedure 3.7: an upload problem reported by a vendor, with a failed attempt on record
    and the diagnostics run by the application administrator, its outcome still to be
    chosen."""
    from lpse.bids.models import UploadAttempt
    from lpse.helpdesk import diagnostics
    from lpse.tenders.models import Participant, Tender

    vendor = getattr(vendor_user, "vendor", None)
    participant = Participant.objects.filter(
        vendor=vendor, tender__status=Tender.Status.PUBLISHED).select_related("tender").first() \
        if vendor is not None else None
    tender = participant.tender if participant is not None else None
    UploadAttempt.objects.create(
        started_at=now - timedelta(minutes=25), finished_at=now - timedelta(minutes=24),
        user=vendor_user, vendor=vendor, tender=tender, action=UploadAttempt.Action.SEGMENT,
        file_name="dokumen-penawaran.pdf", segment_index=4, bytes_expected=8 * 1024 * 1024,
        bytes_received=3 * 1024 * 1024, stage=UploadAttempt.Stage.TRANSFER,
        code="disconnected", message=_in_site_language(
            "The connection was interrupted during the upload."),
        client_ip="192.0.2.10", user_agent="Mozilla/5.0 (Windows NT 10.0) Firefox/140.0")
    ticket = services.ticket_create(
        actor=vendor_user, channel=Ticket.Channel.WEB_ACCOUNT, requester=vendor_user,
        requester_type=Ticket.RequesterType.VENDOR, requester_name="",
        category=Ticket.Category.BID_UPLOAD, subject="Unggahan penawaran terhenti",
        description="Unggahan berhenti di tengah jalan dan tidak bisa dilanjutkan.",
        tender_code=tender.code if tender is not None else "", received_at=now - timedelta(
            minutes=20))
    diagnostics.diagnostics_start(actor=administrator, ticket=ticket)


def _in_site_language(message: str) -> str:
    """An upload attempt keeps its message as the vendor saw it (the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)
