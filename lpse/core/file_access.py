# Imported by CoreConfig.ready(): registers the access rule for issued documents.
from lpse.core import documents  # noqa: F401
