"""Metadata of the unit's SOP documents as the regulation states them (Lampiran I–VI).

Seeded once into `SopDocument` (administrators maintain it afterwards; seeding never
overwrites their edits). Fields the regulation left blank (SOP number, dates) stay blank
until the unit fills them in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

LEGAL_BASIS = (
    "1. Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik.\n"
    "2. Peraturan Presiden Nomor 54 Tahun 2010 tentang Pengadaan Barang/Jasa Pemerintah "
    "sebagaimana telah diubah beberapa kali, terakhir dengan Peraturan Presiden Nomor 4 Tahun "
    "2015 tentang Perubahan Keempat atas Peraturan Presiden Nomor 54 Tahun 2010 tentang "
    "Pengadaan Barang/Jasa Pemerintah.\n"
    "3. Peraturan Bupati Sumedang Nomor 95 Tahun 2015 tentang Standar Operasional Prosedur "
    "Layanan Pengadaan Secara Elektronik Kabupaten Sumedang."
)
#: The regulation took effect when promulgated (Pasal 16): 3 August 2015.
EFFECTIVE = date(2015, 8, 3)
APPROVED_BY = "Kepala UPTD LPSE"

SEED: list[dict[str, Any]] = [
    {
        "code": "1.1", "procedure_code": "1.2", "order": 10,
        "title": "Pendaftaran Rekanan dan Layanan Registrasi dan Verifikasi Dokumen Penyedia",
        "related": "Terkait dalam SOP pelatihan, layanan pengguna rekanan.",
        "warnings": "1. E-Mail perusahaan yang didaftarkan pada LPSE harus e-mail yang diketahui "
                    "passwordnya dan masih aktif.\n2. Kelengkapan dokumen perusahaan yang akan "
                    "diverifikasi akan menentukan kelancaran pelaksanaan verifikasi.",
        "qualifications": "Pelaksana menguasai aplikasi LPSE secara umum, serta aplikasi LPSE "
                          "untuk rekanan dan verifikasi.",
        "equipment": "Alat tulis, komputer, jaringan internet.",
        "records": "Verifikator akan memberikan tanda lengkap pada sampul map dokumen "
                   "perusahaan serta memberikan password perusahaan.",
    },
    {
        "code": "2.1", "procedure_code": "2.2", "order": 20,
        "title": "Layanan Helpdesk",
        "related": "Terkait SOP verifikasi, pelatihan, penanganan file dokumen penawaran "
                   "perusahaan yang tidak bisa dibuka oleh Panitia, dan perubahan email.",
        "warnings": "1. Helpdesk tidak boleh terpancing emosi oleh pencari informasi yang "
                    "berbicara kurang sopan.\n2. Helpdesk tidak boleh membuat pernyataan yang "
                    "tidak sesuai dengan kebijakan serta peran dan fungsi LPSE.",
        "qualifications": "Pelaksana menguasai aplikasi LPSE secara umum, serta aplikasi LPSE "
                          "untuk rekanan, Admin Agency, PPK, maupun Panitia Pengadaan Barang dan "
                          "Jasa.",
        "equipment": "Alat tulis, komputer, jaringan komputer.",
        "records": "Helpdesk mencatat setiap permintaan informasi yang disampaikan oleh "
                   "pencari informasi.",
    },
    {
        "code": "2.3", "procedure_code": "2.4", "order": 30,
        "title": "Layanan Permintaan Pelatihan dari SKPD",
        "related": "Terkait dengan SOP verifikasi.",
        "warnings": "1. Helpdesk harus menjadwalkan setiap permintaan pelatihan.\n2. Helpdesk "
                    "harus melakukan konfirmasi kepada calon peserta latih dan pelatih dari "
                    "pelatihan aplikasi SPSE.",
        "qualifications": "Pelatih harus menguasai aplikasi LPSE secara sistematis.",
        "equipment": "Alat tulis, komputer, jaringan internet.",
        "records": "Helpdesk mencatat/menjadwalkan setiap rencana pelatihan.",
    },
    {
        "code": "3.1", "procedure_code": "3.2", "order": 40,
        "title": "Penanganan File Dokumen Penawaran dari Rekanan yang Tidak Bisa Dibuka oleh "
                 "Panitia",
        "related": "Terkait dengan SOP pelatihan, layanan pengguna rekanan.",
        "warnings": "",
        "qualifications": "Pelaksana menguasai aplikasi LPSE untuk Panitia, serta aplikasi LPSE "
                          "untuk Rekanan.",
        "equipment": "Alat tulis, komputer, jaringan internet.",
        "records": "Helpdesk mencatat kejadian file Dokumen Penawaran dari Rekanan yang tidak "
                   "bisa dibuka oleh Panitia.",
    },
    {
        "code": "3.3", "procedure_code": "3.4", "order": 50,
        "title": "Perubahan Email Perusahaan pada Server LPSE",
        "related": "Terkait dengan SOP pelatihan, layanan pengguna rekanan.",
        "warnings": "Perubahan e-mail perusahaan yang didaftarkan pada LPSE dilakukan dengan "
                    "konfirmasi terhadap dokumen perusahaan dan KTP Asli Direktur perusahaan "
                    "tersebut.",
        "qualifications": "Pelaksana menguasai aplikasi LPSE untuk Panitia, serta aplikasi LPSE "
                          "untuk rekanan.",
        "equipment": "Alat tulis, komputer, jaringan internet.",
        "records": "Setiap email perusahaan yang diubah akan tercatat pada admin agency LPSE.",
    },
    {
        "code": "3.5", "procedure_code": "3.6", "order": 60,
        "title": "Perubahan Jadwal Pengadaan Barang/Jasa oleh Panitia",
        "related": "Terkait dengan SOP pelatihan, layanan pengguna rekanan.",
        "warnings": "1. Perubahan jadwal dilakukan dengan memperhatikan mekanisme pada aplikasi "
                    "LPSE.\n2. Setiap perubahan jadwal harus mencantumkan alasan dari perubahan "
                    "jadwal tersebut.",
        "qualifications": "Pelaksana menguasai aplikasi LPSE untuk panitia.",
        "equipment": "Alat tulis, komputer, jaringan internet.",
        "records": "-",
    },
    {
        "code": "3.7", "procedure_code": "3.7", "order": 70,
        "title": "Rekanan Tidak Bisa Upload Data Penyedia",
        "related": "Terkait dengan SOP pelatihan, layanan pengguna rekanan.",
        "warnings": "Jangan memberitahukan password dan user ID perusahaan kepada pihak lain.",
        "qualifications": "Pelaksana menguasai aplikasi LPSE untuk panitia, serta aplikasi LPSE "
                          "untuk rekanan.",
        "equipment": "Alat tulis, komputer, jaringan internet.",
        "records": "Administrator sistem dan Administrator aplikasi mencatat permasalahan "
                   "upload data penyedia tersebut.",
    },
    {
        "code": "5.1", "procedure_code": "5.1", "order": 80,
        "title": "Monitoring dan Pemeliharaan Infrastruktur SPSE",
        "related": "Terkait dengan SOP pengarsipan dokumen elektronik (file backup).",
        "warnings": "Waktu efektif kegiatan 7 hari kerja, termasuk waktu pemeriksaan, perbaikan "
                    "dan pemulihan kendala-kendala teknis yang terjadi.",
        "qualifications": "Administrator sistem, Ahli Software, Ahli Database, Hardware "
                          "engineer, Ahli sistem jaringan komunikasi, Ahli sistem keamanan.",
        "equipment": "Server SPSE, perangkat jaringan, perangkat pemantauan.",
        "records": "Daftar periksa harian dan mingguan beserta bukti pemeriksaan.",
    },
    {
        "code": "6", "procedure_code": "6", "order": 90,
        "title": "Pengarsipan Dokumen Elektronik (File Backup)",
        "related": "Terkait dengan SOP monitoring dan pemeliharaan infrastruktur SPSE.",
        "warnings": "a. LPSE harus melakukan backup terhadap file sistem dan database SPSE "
                    "minimal 7 x 24 jam.\nb. Backup harus disimpan dalam media penyimpanan yang "
                    "mudah dipindah (portabel) dan diletakkan di suatu tempat yang aman terpisah "
                    "dari ruang server.\nc. Ketentuan pengarsipan dokumen elektronik sesuai "
                    "dengan peraturan perundang-undangan.",
        "qualifications": "Administrator sistem.",
        "equipment": "Media penyimpanan portabel, server backup.",
        "records": "Catatan setiap backup dan hasil verifikasinya.",
    },
]
