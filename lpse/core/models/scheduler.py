from django.db import models

__all__ = ["ScheduledRun", "SchedulerLease"]


class SchedulerLease(models.Model):
    """The scheduler leadership lease: one row, taken over only once it has expired."""

    name = models.CharField(max_length=50, unique=True)
    holder = models.CharField(max_length=200)
    expires_at = models.DateTimeField()
    acquired_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.holder} until {self.expires_at}"


class ScheduledRun(models.Model):
    """One due slot of one periodic job; unique so a slot is enqueued exactly once."""

    job = models.CharField(max_length=100)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    task_result_id = models.CharField(max_length=64, blank=True)
    holder = models.CharField(max_length=200)

    class Meta:
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot}"
