"""Every change to vendor data: one function per action, each writing its audit record."""

from lpse.vendors.services.blacklist import blacklist_add, blacklist_revoke, blacklist_update
from lpse.vendors.services.common import expired_licence_message
from lpse.vendors.services.email_change import (
    email_change_apply,
    email_change_check_start,
    email_change_file,
    email_change_receive,
    email_change_reject,
    email_change_verify,
)
from lpse.vendors.services.profile import (
    vendor_contact_update,
    vendor_data_export,
    vendor_deactivate,
    vendor_deed_save,
    vendor_legal_update,
    vendor_licence_remove,
    vendor_licence_save,
    vendor_reactivate,
    vendor_scan_add,
)
from lpse.vendors.services.registration import (
    DeedData,
    LicenceData,
    RateLimited,
    RegistrationData,
    RegistrationLinkInvalid,
    registration_link_check,
    registration_link_open,
    registration_link_request,
    registrations_expire,
    vendor_register,
)
from lpse.vendors.services.verification import (
    CheckResult,
    activation_link_resend,
    verification_correct,
    verification_finish,
    verification_open,
)

__all__ = [
    "CheckResult",
    "DeedData",
    "LicenceData",
    "RateLimited",
    "RegistrationData",
    "RegistrationLinkInvalid",
    "activation_link_resend",
    "blacklist_add",
    "blacklist_revoke",
    "blacklist_update",
    "email_change_apply",
    "email_change_check_start",
    "email_change_file",
    "email_change_receive",
    "email_change_reject",
    "email_change_verify",
    "expired_licence_message",
    "registration_link_check",
    "registration_link_open",
    "registration_link_request",
    "registrations_expire",
    "vendor_contact_update",
    "vendor_data_export",
    "vendor_deactivate",
    "vendor_deed_save",
    "vendor_legal_update",
    "vendor_licence_remove",
    "vendor_licence_save",
    "vendor_reactivate",
    "vendor_register",
    "vendor_scan_add",
    "verification_correct",
    "verification_finish",
    "verification_open",
]
