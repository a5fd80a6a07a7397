"""Demo portal content: news, the Sumedang price index for 2026, goods catalogue items.

Written through the services as the application administrator, so the history of changes
and the audit log show the demo records like any others. Safe to run again.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from lpse.catalog import services
from lpse.catalog.models import CatalogueItem, GoodsCategory, NewsArticle, PriceIndexEntry
from lpse.core.demodata import DemoContext

ORDER = 15

REGION = ("3211", "Kabupaten Sumedang")

# title, summary, body, days ago published (None = draft)
NEWS = [
    ("Jadwal Pelatihan SPSE bagi Penyedia Tahun 2026",
     "Pelatihan penggunaan SPSE untuk penyedia dibuka setiap Rabu dan Kamis.",
     "LPSE Kabupaten Sumedang menyelenggarakan pelatihan penggunaan Sistem Pengadaan Secara "
     "Elektronik bagi penyedia barang/jasa setiap hari Rabu dan Kamis pukul 09.00–13.00 WIB."
     "\n\nPendaftaran dilakukan melalui layanan helpdesk LPSE. Peserta membawa laptop dan "
     "akun SPSE yang telah diverifikasi.", 12),
    ("Syarat Verifikasi Akun Penyedia",
     "Dokumen yang harus dibawa saat verifikasi di kantor LPSE.",
     "Setelah mendaftar secara daring, penyedia wajib melakukan verifikasi paling lambat 7 "
     "hari kerja dengan membawa: KTP direktur, akta pendirian beserta perubahan terakhir, "
     "NPWP, dan izin usaha.\n\nLayanan verifikasi dibuka Senin–Jumat pukul 09.00–15.00 WIB, "
     "kecuali hari libur nasional.", 6),
    ("Pemutakhiran Indeks Harga Kabupaten Sumedang 2026",
     "Indeks harga dan harga satuan dasar 2026 telah tersedia di portal.",
     "Indeks harga tahun 2026 untuk wilayah Kabupaten Sumedang telah dimuat pada menu "
     "Indeks Harga. Indeks digunakan Pokja Pemilihan untuk menyesuaikan nilai pengalaman "
     "pekerjaan dalam perhitungan Kemampuan Dasar (KD) penyedia.", 2),
    ("Rencana Pemeliharaan Server Triwulan II",
     "Draf pengumuman jadwal pemeliharaan server.",
     "Pemeliharaan server LPSE direncanakan pada akhir pekan. Jadwal pasti akan diumumkan "
     "setelah dipastikan tidak bersinggungan dengan batas akhir unggah penawaran.", None),
]

# Construction wholesale price index (base 2018 = 100), annual values for the KD adjustment.
IHPB = [(2020, "104.12"), (2021, "108.35"), (2022, "114.80"), (2023, "117.92"),
        (2024, "120.41"), (2025, "122.87"), (2026, "125.30")]

# item code, item, unit, price in January 2026
UNIT_PRICES = [
    ("semen-pc-50", "Semen Portland 50 kg", "sak", "68500"),
    ("besi-polos-10", "Besi beton polos Ø10 mm panjang 12 m", "batang", "82000"),
    ("pasir-beton", "Pasir beton", "m³", "285000"),
    ("batu-split-23", "Batu split 2/3", "m³", "310000"),
    ("aspal-curah", "Aspal curah", "kg", "13500"),
    ("upah-pekerja", "Upah pekerja", "OH", "110000"),
    ("upah-tukang-batu", "Upah tukang batu", "OH", "130000"),
]

# code, name, category, specification, unit, price, brand, supplier
ITEMS = [
    ("ATK-HVS-A4-70", "Kertas HVS A4 70 gsm", "atk",
     "Ukuran 210 × 297 mm, gramatur 70 gsm, 500 lembar per rim.", "rim", "52000",
     "Sinar Dunia", "CV Mitra Usaha Sumedang"),
    ("ATK-MAP-PLASTIK", "Map plastik kancing", "atk",
     "Ukuran folio, bahan polipropilena, isi 12 per pak.", "pak", "36000", "Bantex",
     "CV Mitra Usaha Sumedang"),
    ("TI-LAPTOP-I5", "Laptop kantor prosesor Core i5", "komputer",
     "Prosesor Intel Core i5 generasi 13, RAM 16 GB, SSD 512 GB, layar 14 inci, "
     "Windows 11 Pro, garansi resmi 3 tahun.", "unit", "12500000", "Lenovo",
     "CV Mitra Usaha Sumedang"),
    ("TI-PRINTER-LASER", "Printer laser monokrom A4", "komputer",
     "Kecepatan 30 ppm, dupleks otomatis, jaringan LAN dan Wi-Fi.", "unit", "2850000",
     "Brother", "CV Mitra Usaha Sumedang"),
    ("TI-PROYEKTOR-3600", "Proyektor 3.600 lumen", "komputer",
     "Resolusi WXGA, 3.600 ANSI lumen, HDMI, termasuk layar 70 inci.", "unit", "6900000",
     "Epson", "CV Mitra Usaha Sumedang"),
    ("ALKES-TENSI-DIGITAL", "Tensimeter digital lengan atas", "alkes",
     "Izin edar Kemenkes, memori 2 × 60 pengukuran, adaptor dan baterai.", "unit",
     "650000", "Omron", "PT Medika Sehat Sumedang"),
    ("ALKES-TERMO-IR", "Termometer inframerah", "alkes",
     "Pengukuran dahi tanpa sentuh, akurasi ±0,2 °C, izin edar Kemenkes.", "unit",
     "275000", "OneMed", "PT Medika Sehat Sumedang"),
    ("OBAT-PARASETAMOL-500", "Parasetamol 500 mg tablet", "obat",
     "Kotak isi 10 strip × 10 tablet, izin edar BPOM.", "kotak", "18000", "Kimia Farma",
     "PT Medika Sehat Sumedang"),
    ("BB-SEMEN-PC-50", "Semen Portland Composite 50 kg", "bahan-bangunan",
     "Semen PCC sesuai SNI 7064:2014, kemasan 50 kg.", "sak", "68500", "Tiga Roda",
     "PT Tatar Sunda Konstruksi"),
    ("FUR-MEJA-BIRO", "Meja kerja ½ biro", "furnitur",
     "Ukuran 120 × 60 × 75 cm, rangka baja, daun meja particle board HPL, 3 laci.", "unit",
     "1750000", "Chitose", "CV Mitra Usaha Sumedang"),
    ("FUR-KURSI-KERJA", "Kursi kerja staf", "furnitur",
     "Sandaran jaring, hidrolik, roda nilon, sandaran tangan.", "unit", "950000",
     "Indachi", "CV Mitra Usaha Sumedang"),
]


def seed(context: DemoContext) -> None:
    admin = context.users.get("appadmin")
    if admin is None:
        return
    now = timezone.now()
    for title, summary, body, days_ago in NEWS:
        if NewsArticle.objects.filter(title=title).exists():
            continue
        article = services.news_create(actor=admin, title=title, summary=summary, body=body)
        if days_ago is not None:
            services.news_publish(actor=admin, article=article,
                                  at=now - timedelta(days=days_ago))

    code, region = REGION
    for year, value in IHPB:
        if PriceIndexEntry.objects.filter(item_code="ihpb-konstruksi", region_code=code,
                                          year=year, month__isnull=True).exists():
            continue
        services.price_index_create(actor=admin, data={
            "item_code": "ihpb-konstruksi",
            "item_name": "Indeks Harga Perdagangan Besar (IHPB) Konstruksi",
            "kind": PriceIndexEntry.Kind.INDEX, "unit": "", "region_code": code,
            "region_name": region, "year": year, "month": None, "value": Decimal(value),
            "base_period": "2018=100", "source": "Data demo (pola IHPB BPS)", "notes": "",
        })
    for item_code, name, unit, price in UNIT_PRICES:
        if PriceIndexEntry.objects.filter(item_code=item_code, region_code=code, year=2026,
                                          month=1).exists():
            continue
        services.price_index_create(actor=admin, data={
            "item_code": item_code, "item_name": name,
            "kind": PriceIndexEntry.Kind.UNIT_PRICE, "unit": unit, "region_code": code,
            "region_name": region, "year": 2026, "month": 1, "value": Decimal(price),
            "base_period": "", "source": "Data demo (survei harga pasar Sumedang)",
            "notes": "",
        })

    categories = {c.code: c for c in GoodsCategory.objects.all()}
    for item_code, name, cat, spec, unit, price, brand, supplier in ITEMS:
        if CatalogueItem.objects.filter(code=item_code).exists() or cat not in categories:
            continue
        services.catalogue_item_create(actor=admin, data={
            "code": item_code, "name": name, "category": categories[cat],
            "specification": spec, "unit": unit, "reference_price": Decimal(price),
            "price_date": date(2026, 1, 5), "brand": brand, "supplier": supplier,
        })
