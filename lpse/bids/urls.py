from django.urls import path

from lpse.bids.views import bench, cases, opening, public, vendor

app_name = "bids"

urlpatterns = [
    # Public
    path("receipt-key/", public.receipt_key, name="receipt_key"),
    path("receipts/verify/", public.receipt_verify, name="receipt_verify"),
    path("time/", vendor.server_time, name="server_time"),
    # Vendors
    path("tender/<str:code>/", vendor.bid_page, name="bid"),
    path("tender/<str:code>/upload/", vendor.upload_start, name="upload_start"),
    path("upload/<uuid:bid_uuid>/files/", vendor.file_declare, name="file_declare"),
    path("upload/<uuid:bid_uuid>/files/<uuid:file_uuid>/segments/<int:index>/",
         vendor.segment_put, name="segment_put"),
    path("upload/<uuid:bid_uuid>/files/<uuid:file_uuid>/complete/", vendor.file_complete,
         name="file_complete"),
    path("upload/<uuid:bid_uuid>/files/<uuid:file_uuid>/remove/", vendor.file_remove,
         name="file_remove"),
    path("upload/<uuid:bid_uuid>/submit/", vendor.bid_submit, name="bid_submit"),
    path("upload/<uuid:bid_uuid>/discard/", vendor.draft_discard, name="draft_discard"),
    path("bid/<uuid:bid_uuid>/withdraw/", vendor.bid_withdraw, name="bid_withdraw"),
    path("bid/<uuid:bid_uuid>/receipt.json", vendor.receipt_json, name="receipt_json"),
    # Committee
    path("opening-key/", opening.opening_key, name="opening_key"),
    path("opening/<int:pk>/", opening.opening, name="opening"),
    path("opening/<int:pk>/envelope/<int:envelope>/unlock/", opening.opening_unlock,
         name="opening_unlock"),
    path("opening/<int:pk>/technical/<uuid:bid_uuid>/", opening.technical_result,
         name="technical_result"),
    path("opening/<int:pk>/cases/<uuid:bid_uuid>/new/", opening.case_new, name="case_new"),
    path("opened/<uuid:file_uuid>/", opening.opened_file, name="opened_file"),
    # LPSE
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/<slug:action>/", cases.case_action, name="case_action"),
    path("upload-attempts/", cases.AttemptListView.as_view(), name="attempt_list"),
    # Benchmark (404 unless BIDS_BENCH_ENDPOINTS)
    path("bench/raw-upload/", bench.raw_upload, name="bench_raw_upload"),
    path("bench/sealed-upload/", bench.sealed_upload, name="bench_sealed_upload"),
]
