from lpse.vendors.models.blacklist import BlacklistEntry
from lpse.vendors.models.email_change import EmailChangeRequest
from lpse.vendors.models.procedure import ProcedureStep
from lpse.vendors.models.registration import RegistrationLink
from lpse.vendors.models.vendor import (
    BusinessLicence,
    Deed,
    Vendor,
    VendorDataChange,
    VendorDocument,
)
from lpse.vendors.models.verification import VerificationCheck, VerificationSession

__all__ = [
    "BlacklistEntry",
    "BusinessLicence",
    "Deed",
    "EmailChangeRequest",
    "ProcedureStep",
    "RegistrationLink",
    "Vendor",
    "VendorDataChange",
    "VendorDocument",
    "VerificationCheck",
    "VerificationSession",
]
