"""Seed the standard Indonesian master data (Perpres 16/2018 as amended by Perpres 12/2021).

Codes are stable: other modules look entries up by them (see lpse/catalog/codes.py).
Business fields are a representative subset of KBLI 2020 used in regional procurement; the
application administrator completes the list in the application.
"""

from django.db import migrations
from django.utils import timezone

GOODS, CONSTRUCTION, CONS_FIRM, CONS_INDIV, OTHER = (
    "barang", "konstruksi", "konsultansi_bu", "konsultansi_perorangan", "jasa_lainnya",
)
NON_CONSULTING = [GOODS, CONSTRUCTION, OTHER]
CONSULTING = [CONS_FIRM, CONS_INDIV]
ALL = [GOODS, CONSTRUCTION, CONS_FIRM, CONS_INDIV, OTHER]

CATEGORIES = [
    (GOODS, "Pengadaan Barang", "Goods",
     "Setiap benda, baik berwujud maupun tidak berwujud, yang dapat diperdagangkan, "
     "dipakai, dipergunakan atau dimanfaatkan oleh pengguna barang."),
    (CONSTRUCTION, "Pekerjaan Konstruksi", "Construction works",
     "Keseluruhan atau sebagian kegiatan yang meliputi pembangunan, pengoperasian, "
     "pemeliharaan, pembongkaran, dan pembangunan kembali suatu bangunan."),
    (CONS_FIRM, "Jasa Konsultansi Badan Usaha", "Consulting services (firms)",
     "Jasa layanan profesional yang membutuhkan keahlian tertentu, diberikan oleh badan usaha."),
    (CONS_INDIV, "Jasa Konsultansi Perorangan", "Consulting services (individuals)",
     "Jasa layanan profesional yang membutuhkan keahlian tertentu, diberikan oleh perorangan."),
    (OTHER, "Jasa Lainnya", "Other services",
     "Jasa non-konsultansi atau jasa yang membutuhkan peralatan, metodologi khusus, "
     "dan/atau keterampilan dalam suatu sistem tata kelola yang telah dikenal luas."),
]

# code, name, name_en, description, categories, run_by, open competition
METHODS = [
    ("tender", "Tender", "Tender",
     "Metode pemilihan untuk mendapatkan penyedia barang/pekerjaan konstruksi/jasa lainnya.",
     NON_CONSULTING, "committee", True),
    ("tender_cepat", "Tender Cepat", "Quick tender",
     "Tender bagi penyedia yang telah terkualifikasi dalam Sistem Informasi Kinerja Penyedia, "
     "untuk spesifikasi dan volume pekerjaan yang dapat ditentukan secara rinci.",
     NON_CONSULTING, "committee", True),
    ("seleksi", "Seleksi", "Selection",
     "Metode pemilihan untuk mendapatkan penyedia jasa konsultansi.",
     CONSULTING, "committee", True),
    ("pengadaan_langsung", "Pengadaan Langsung", "Direct procurement",
     "Pengadaan bernilai paling banyak Rp200.000.000 (barang/konstruksi/jasa lainnya) atau "
     "Rp100.000.000 (jasa konsultansi), dilaksanakan oleh Pejabat Pengadaan.",
     ALL, "procurement_officer", False),
    ("penunjukan_langsung", "Penunjukan Langsung", "Direct appointment",
     "Pemilihan satu penyedia dalam keadaan tertentu.",
     ALL, "committee", False),
]

QUALIFICATIONS = [
    ("prakualifikasi", "Prakualifikasi", "Prequalification",
     "Evaluasi kualifikasi dilakukan sebelum pemasukan penawaran.", True),
    ("pascakualifikasi", "Pascakualifikasi", "Post-qualification",
     "Evaluasi kualifikasi dilakukan setelah pemasukan penawaran.", False),
]

FILE_METHODS = [
    ("satu_file", "Satu File", "Single file",
     "Dokumen administrasi, teknis dan harga dimasukkan dalam satu file penawaran.", 1, False),
    ("dua_file", "Dua File", "Two files",
     "File I (administrasi dan teknis) dan File II (harga) dimasukkan bersamaan dan dibuka "
     "pada waktu berbeda.", 2, False),
    ("dua_tahap", "Dua Tahap", "Two stages",
     "Penawaran teknis dan penawaran harga dimasukkan dalam dua tahap terpisah.", 2, True),
]

# code, name, name_en, description, categories, ranking rule, technical scores
EVALUATIONS = [
    ("harga_terendah", "Harga Terendah Sistem Gugur", "Lowest price (pass/fail)",
     "Penawaran yang memenuhi persyaratan administrasi dan teknis dengan harga terendah.",
     NON_CONSULTING, "lowest_price", False),
    ("kualitas_biaya", "Kualitas dan Biaya", "Quality and cost",
     "Penilaian gabungan kualitas teknis dan biaya dengan bobot yang ditetapkan.",
     CONSULTING, "quality_and_cost", True),
    ("kualitas", "Kualitas", "Quality",
     "Penilaian kualitas teknis tertinggi, dilanjutkan klarifikasi dan negosiasi biaya.",
     CONSULTING, "quality", True),
    ("pagu_anggaran", "Pagu Anggaran", "Fixed budget",
     "Penilaian kualitas teknis tertinggi dengan penawaran biaya sama dengan atau di bawah "
     "pagu anggaran.",
     CONSULTING, "fixed_budget", True),
]

FUNDING = [
    ("APBD", "APBD", "Regional budget (APBD)", "Anggaran Pendapatan dan Belanja Daerah"),
    ("APBD-P", "APBD Perubahan", "Revised regional budget",
     "Anggaran Pendapatan dan Belanja Daerah Perubahan"),
    ("APBN", "APBN", "State budget (APBN)", "Anggaran Pendapatan dan Belanja Negara"),
    ("DAK", "DAK", "Special allocation fund (DAK)", "Dana Alokasi Khusus"),
    ("DBHCHT", "DBHCHT", "Tobacco excise revenue share",
     "Dana Bagi Hasil Cukai Hasil Tembakau"),
    ("BANPROV", "Bantuan Provinsi", "Provincial financial aid",
     "Bantuan Keuangan Provinsi Jawa Barat"),
    ("BLUD", "BLUD", "Regional public service agency (BLUD)",
     "Badan Layanan Umum Daerah"),
    ("BLU", "BLU", "Public service agency (BLU)", "Badan Layanan Umum"),
    ("HIBAH", "Hibah", "Grant", "Dana hibah"),
    ("PHLN", "PHLN", "Foreign loans and grants", "Pinjaman dan/atau Hibah Luar Negeri"),
    ("LAINNYA", "Lainnya", "Other", "Sumber dana lain yang sah"),
]

# (code, name, name_en, category, [(sub code, name, name_en)])
BUSINESS_FIELDS = [
    ("18", "Industri Pencetakan dan Reproduksi Media Rekaman",
     "Printing and reproduction of recorded media", GOODS, [
         ("18111", "Industri Pencetakan Umum", "General printing"),
     ]),
    ("41", "Konstruksi Gedung", "Construction of buildings", CONSTRUCTION, [
        ("41011", "Konstruksi Gedung Hunian", "Residential buildings"),
        ("41012", "Konstruksi Gedung Perkantoran", "Office buildings"),
        ("41013", "Konstruksi Gedung Industri", "Industrial buildings"),
        ("41014", "Konstruksi Gedung Perbelanjaan", "Shopping buildings"),
        ("41015", "Konstruksi Gedung Kesehatan", "Health buildings"),
        ("41016", "Konstruksi Gedung Pendidikan", "Education buildings"),
        ("41017", "Konstruksi Gedung Penginapan", "Lodging buildings"),
        ("41018", "Konstruksi Gedung Tempat Hiburan dan Olahraga",
         "Entertainment and sports buildings"),
        ("41019", "Konstruksi Gedung Lainnya", "Other buildings"),
    ]),
    ("42", "Konstruksi Bangunan Sipil", "Civil engineering", CONSTRUCTION, [
        ("42101", "Konstruksi Bangunan Sipil Jalan", "Roads"),
        ("42102", "Konstruksi Bangunan Sipil Jembatan, Jalan Layang, Fly Over, dan Underpass",
         "Bridges, elevated roads, flyovers and underpasses"),
        ("42201", "Konstruksi Jaringan Irigasi dan Drainase", "Irrigation and drainage networks"),
    ]),
    ("43", "Konstruksi Khusus", "Specialised construction", CONSTRUCTION, [
        ("43211", "Instalasi Listrik", "Electrical installation"),
        ("43221", "Instalasi Saluran Air (Plambing)", "Plumbing installation"),
    ]),
    ("46", "Perdagangan Besar, Bukan Mobil dan Sepeda Motor",
     "Wholesale trade, except motor vehicles", GOODS, [
         ("46411", "Perdagangan Besar Tekstil", "Wholesale of textiles"),
         ("46441", "Perdagangan Besar Obat Farmasi untuk Manusia",
          "Wholesale of pharmaceuticals for humans"),
         ("46491", "Perdagangan Besar Alat Tulis dan Gambar",
          "Wholesale of stationery and drawing supplies"),
         ("46510", "Perdagangan Besar Komputer dan Perlengkapan Komputer",
          "Wholesale of computers and computer equipment"),
         ("46521", "Perdagangan Besar Peralatan Telekomunikasi",
          "Wholesale of telecommunication equipment"),
         ("46693", "Perdagangan Besar Alat Laboratorium, Farmasi dan Kedokteran",
          "Wholesale of laboratory, pharmaceutical and medical equipment"),
     ]),
    ("56", "Penyediaan Makanan dan Minuman", "Food and beverage service", OTHER, [
        ("56210", "Jasa Boga untuk Suatu Event Tertentu (Event Catering)", "Event catering"),
    ]),
    ("62", "Aktivitas Pemrograman, Konsultasi Komputer dan Kegiatan YBDI",
     "Computer programming and consultancy", OTHER, [
         ("62019", "Aktivitas Pemrograman Komputer Lainnya", "Other computer programming"),
         ("62090", "Aktivitas Teknologi Informasi dan Jasa Komputer Lainnya",
          "Other information technology and computer services"),
     ]),
    ("70", "Aktivitas Kantor Pusat dan Konsultasi Manajemen",
     "Head offices and management consultancy", CONS_FIRM, [
         ("70209", "Aktivitas Konsultasi Manajemen Lainnya",
          "Other management consultancy"),
     ]),
    ("71", "Aktivitas Arsitektur dan Keinsinyuran; Analisis dan Uji Teknis",
     "Architecture and engineering; technical testing and analysis", CONS_FIRM, [
         ("71101", "Aktivitas Arsitektur", "Architectural activities"),
         ("71102", "Aktivitas Keinsinyuran dan Konsultasi Teknis YBDI",
          "Engineering and related technical consultancy"),
     ]),
    ("80", "Aktivitas Penyelidikan dan Keamanan", "Security and investigation", OTHER, [
        ("80100", "Aktivitas Keamanan Swasta", "Private security activities"),
    ]),
    ("81", "Aktivitas Penyediaan Jasa untuk Gedung dan Pertamanan",
     "Services to buildings and landscape", OTHER, [
         ("81210", "Aktivitas Kebersihan Umum Bangunan", "General cleaning of buildings"),
     ]),
]

GOODS_CATEGORIES = [
    ("atk", "Alat Tulis Kantor", "Office stationery"),
    ("komputer", "Komputer dan Perangkat Teknologi Informasi", "Computers and IT equipment"),
    ("alkes", "Alat Kesehatan", "Medical devices"),
    ("obat", "Obat dan Bahan Medis Habis Pakai", "Medicines and medical consumables"),
    ("bahan-bangunan", "Bahan Bangunan", "Building materials"),
    ("furnitur", "Furnitur dan Peralatan Kantor", "Furniture and office equipment"),
    ("kendaraan", "Kendaraan Dinas", "Official vehicles"),
    ("pakaian", "Pakaian Dinas dan Atribut", "Uniforms and insignia"),
]


def seed(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ChangeVersion = apps.get_model("catalog", "ChangeVersion")
    now = timezone.now()

    def version(obj, model_name, snapshot):
        ct, _ = ContentType.objects.get_or_create(app_label="catalog", model=model_name)
        if not ChangeVersion.objects.filter(content_type=ct, object_id=obj.pk).exists():
            ChangeVersion.objects.create(
                content_type=ct, object_id=obj.pk, version=1, action="created", actor=None,
                at=now, object_repr=str(obj.name)[:250], changes={}, snapshot=snapshot,
            )

    def put(model_name, order, code, name, name_en, description="", **extra):
        model = apps.get_model("catalog", model_name)
        obj, _ = model.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "description": description,
                      "sort_order": order, "is_active": True, **extra},
        )
        snapshot = {"code": code, "name": name, "name_en": name_en, "description": description,
                    "sort_order": order, "is_active": True}
        snapshot.update({k: getattr(v, "code", v) for k, v in extra.items()})
        return obj, snapshot

    categories = {}
    for order, (code, name, name_en, description) in enumerate(CATEGORIES, start=1):
        obj, snap = put("procurementcategory", order, code, name, name_en, description)
        categories[code] = obj
        version(obj, "procurementcategory", snap)

    for order, (code, name, name_en, description, cats, run_by, is_open) in enumerate(
        METHODS, start=1
    ):
        obj, snap = put("selectionmethod", order, code, name, name_en, description,
                        run_by=run_by, is_open_competition=is_open)
        obj.categories.set([categories[c] for c in cats])
        snap["categories"] = sorted(cats)
        version(obj, "selectionmethod", snap)

    for order, (code, name, name_en, description, before) in enumerate(QUALIFICATIONS, 1):
        obj, snap = put("qualificationtype", order, code, name, name_en, description,
                        before_bidding=before)
        version(obj, "qualificationtype", snap)

    for order, (code, name, name_en, description, envelopes, two_stage) in enumerate(
        FILE_METHODS, start=1
    ):
        obj, snap = put("filemethod", order, code, name, name_en, description,
                        envelope_count=envelopes, two_stage=two_stage)
        version(obj, "filemethod", snap)

    for order, (code, name, name_en, description, cats, rule, scores) in enumerate(
        EVALUATIONS, start=1
    ):
        obj, snap = put("evaluationmethod", order, code, name, name_en, description,
                        ranking_rule=rule, uses_technical_score=scores)
        obj.categories.set([categories[c] for c in cats])
        snap["categories"] = sorted(cats)
        version(obj, "evaluationmethod", snap)

    for order, (code, name, name_en, description) in enumerate(FUNDING, start=1):
        obj, snap = put("fundingsource", order, code, name, name_en, description)
        version(obj, "fundingsource", snap)

    for code, name, name_en, category, subs in BUSINESS_FIELDS:
        parent, snap = put("businessfield", 0, code, name, name_en,
                           category=categories[category], parent=None)
        version(parent, "businessfield", snap)
        for sub_code, sub_name, sub_name_en in subs:
            obj, snap = put("businessfield", 0, sub_code, sub_name, sub_name_en,
                            category=categories[category], parent=parent)
            version(obj, "businessfield", snap)

    for order, (code, name, name_en) in enumerate(GOODS_CATEGORIES, start=1):
        obj, snap = put("goodscategory", order, code, name, name_en, parent=None)
        version(obj, "goodscategory", snap)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
