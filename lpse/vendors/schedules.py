from lpse.core.scheduler import register
from lpse.vendors.jobs import expire_registrations

register("vendors.expire_registrations", "5 * * * *", expire_registrations,
         description="Every hour at :05 WIB: expire vendor registrations not verified "
                     "within 7 working days (Lampiran I 1.2 step 7).")
