from lpse.core.scheduler import register
from lpse.helpdesk.jobs import autoclose_task, sla_check_task

register("helpdesk.sla_check", "*/5 * * * *", sla_check_task,
         description="Flag helpdesk service-level breaches; escalate to the head")
register("helpdesk.autoclose", "15 0 * * *", autoclose_task,
         description="Close resolved tickets left unrated for 5 working days")
