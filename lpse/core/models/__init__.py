from lpse.core.models.base import TimeStampedModel
from lpse.core.models.calendar import Holiday
from lpse.core.models.documents import IssuedDocument, LetterSequence
from lpse.core.models.files import StoredFile
from lpse.core.models.scheduler import ScheduledRun, SchedulerLease

__all__ = [
    "Holiday",
    "IssuedDocument",
    "LetterSequence",
    "ScheduledRun",
    "SchedulerLease",
    "StoredFile",
    "TimeStampedModel",
]
