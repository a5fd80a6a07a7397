from django.urls import URLPattern, URLResolver, path

from lpse.bids.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bids/receipt-key/", views.receipt_key, name="api-bids-receipt-key"),
    path("bids/receipts/verify/", views.receipt_verify, name="api-bids-receipt-verify"),
    path("bids/tenders/<str:code>/", views.tender_bids, name="api-bids-tender"),
    path("bids/upload-attempts/", views.upload_attempts, name="api-bids-upload-attempts"),
]
