"""Every write of the sealed-bids module (see the submodules; re-exported here)."""

from lpse.bids.services.cases import (
    case_conclude,
    case_examine_start,
    case_file,
    case_forward,
    case_forward_prepare,
    case_lkpp_answer,
    case_witness,
)
from lpse.bids.services.keys import (
    member_key_change_passphrase,
    member_key_enrol,
    publish_check,
    tender_keys_create,
)
from lpse.bids.services.minutes import opening_minutes_issue, receipt_pdf_issue
from lpse.bids.services.opening import opening_unlock, opening_verify, technical_result_record
from lpse.bids.services.upload import (
    UploadRefused,
    bid_draft_discard,
    bid_file_complete,
    bid_file_declare,
    bid_file_remove,
    bid_start,
    bid_submit,
    bid_withdraw,
    drafts_expire,
    participation_problem,
    segment_receive,
)

__all__ = [
    "UploadRefused",
    "bid_draft_discard",
    "bid_file_complete",
    "bid_file_declare",
    "bid_file_remove",
    "bid_start",
    "bid_submit",
    "bid_withdraw",
    "case_conclude",
    "case_examine_start",
    "case_file",
    "case_forward",
    "case_forward_prepare",
    "case_lkpp_answer",
    "case_witness",
    "drafts_expire",
    "member_key_change_passphrase",
    "member_key_enrol",
    "opening_minutes_issue",
    "opening_unlock",
    "opening_verify",
    "participation_problem",
    "publish_check",
    "receipt_pdf_issue",
    "segment_receive",
    "technical_result_record",
    "tender_keys_create",
]
