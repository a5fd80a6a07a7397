"""Stable codes of the master data seeded by migration 0002.

Other apps refer to master data by foreign key, and look entries up by these codes
(`lpse.catalog.selectors.category_by_code(CategoryCode.CONSTRUCTION)`). Codes never change
once created; an administrator may rename an entry or deactivate it, never recode it.
"""

from __future__ import annotations

import enum


class CategoryCode(enum.StrEnum):
    GOODS = "barang"
    CONSTRUCTION = "konstruksi"
    CONSULTING_FIRM = "konsultansi_bu"
    CONSULTING_INDIVIDUAL = "konsultansi_perorangan"
    OTHER_SERVICES = "jasa_lainnya"


class MethodCode(enum.StrEnum):
    TENDER = "tender"
    QUICK_TENDER = "tender_cepat"
    SELECTION = "seleksi"
    DIRECT_PROCUREMENT = "pengadaan_langsung"
    DIRECT_APPOINTMENT = "penunjukan_langsung"


class QualificationCode(enum.StrEnum):
    PREQUALIFICATION = "prakualifikasi"
    POSTQUALIFICATION = "pascakualifikasi"


class FileMethodCode(enum.StrEnum):
    ONE_FILE = "satu_file"
    TWO_FILES = "dua_file"
    TWO_STAGES = "dua_tahap"


class EvaluationCode(enum.StrEnum):
    LOWEST_PRICE = "harga_terendah"
    QUALITY_AND_COST = "kualitas_biaya"
    QUALITY = "kualitas"
    FIXED_BUDGET = "pagu_anggaran"


class FundingCode(enum.StrEnum):
    APBD = "APBD"
    APBD_P = "APBD-P"
    APBN = "APBN"
    DAK = "DAK"
    DBHCHT = "DBHCHT"
    BANPROV = "BANPROV"
    BLUD = "BLUD"
    BLU = "BLU"
    HIBAH = "HIBAH"
    PHLN = "PHLN"
    OTHER = "LAINNYA"
