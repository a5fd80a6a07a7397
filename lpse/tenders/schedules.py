from lpse.core.scheduler import register
from lpse.tenders.jobs import stage_notices

register("tenders.stage_notices", "*/10 * * * *", stage_notices,
         description="E-mail participants and committees when a tender stage starts.")
