from lpse.core.scheduler import register
from lpse.opendata.jobs import publish_releases

register("opendata.publish_releases", "* * * * *", publish_releases,
         description="Publish OCDS releases for tender changes not yet published.")
