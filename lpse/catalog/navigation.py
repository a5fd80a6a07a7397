from django.utils.translation import gettext_lazy as _

from lpse.accounts.roles import Perm
from lpse.core.registry import MenuGroup, MenuItem, register_menu

register_menu(
    MenuGroup("information", _("Information"), weight=20, public=True),
    [
        MenuItem(_("News"), "catalog:news_list", public=True, icon="newspaper", weight=10),
        MenuItem(_("Goods catalogue"), "catalog:item_list", public=True, icon="box-seam",
                 weight=20),
        MenuItem(_("Goods categories"), "catalog:goods_category_list", public=True,
                 icon="tags", weight=30),
        MenuItem(_("Price index"), "catalog:price_index_list", public=True,
                 icon="graph-up", weight=40),
        MenuItem(_("Business fields"), "catalog:business_field_list", public=True,
                 icon="diagram-3", weight=50),
    ],
)

register_menu(
    MenuGroup("admin", _("Administration"), weight=90),
    [
        MenuItem(_("Master data and content"), "catalog:manage",
                 perm=Perm.VIEW_CATALOG_RECORDS, icon="journal-text", weight=40),
    ],
)
