from lpse.tenders.models.changes import ScheduleChangeItem, ScheduleChangeRequest, SopStepTiming
from lpse.tenders.models.committees import Committee, CommitteeMember
from lpse.tenders.models.evaluation import (
    AwardLetter,
    Contract,
    Evaluation,
    Objection,
    OfferRecord,
    Reevaluation,
)
from lpse.tenders.models.packages import CodeSequence, Package
from lpse.tenders.models.participation import IntegrityPact, Participant, Question
from lpse.tenders.models.prequalification import PrequalificationResult, QualificationSubmission
from lpse.tenders.models.tenders import DocumentDownload, ScheduleStage, Tender, TenderDocument

__all__ = [
    "AwardLetter",
    "CodeSequence",
    "Committee",
    "CommitteeMember",
    "Contract",
    "DocumentDownload",
    "Evaluation",
    "IntegrityPact",
    "Objection",
    "OfferRecord",
    "Package",
    "Participant",
    "PrequalificationResult",
    "QualificationSubmission",
    "Question",
    "Reevaluation",
    "ScheduleChangeItem",
    "ScheduleChangeRequest",
    "ScheduleStage",
    "SopStepTiming",
    "Tender",
    "TenderDocument",
]
