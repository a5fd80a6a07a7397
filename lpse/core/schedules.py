from lpse.core import jobs
from lpse.core.scheduler import register

register(
    "core.heartbeat", "* * * * *", jobs.heartbeat,
    description="Proves every minute that the scheduler and a task worker are running.",
)
