from lpse.tenders.tests.conftest import _catalog_master_data, clock

__all__ = ["_catalog_master_data", "clock"]
