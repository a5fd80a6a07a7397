from lpse.core import jobs
from lpse.core.scheduler import register

register(
    "core.heartbeat", "* * * * *", jobs.heartbeat,
    description="Proves every minute that the scheduler and a task worker are running.",
)
register(
    "core.held_uploads_sweep", "17 * * * *", jobs.held_uploads_sweep,
    description="Removes files kept for a refused form after 24 hours.",
)
