from django.urls import URLPattern, URLResolver, path, re_path

from lpse.bids.api import views

CODE = r"(?P<code>[0-9]{6,20})"

urlpatterns: list[URLPattern | URLResolver] = [
    path("bids/receipt-key/", views.receipt_key, name="api-bids-receipt-key"),
    path("bids/receipts/verify/", views.receipt_verify, name="api-bids-receipt-verify"),
    re_path(rf"^bids/tenders/{CODE}/$", views.tender_bids, name="api-bids-tender"),
    path("bids/upload-attempts/", views.upload_attempts, name="api-bids-upload-attempts"),
]
