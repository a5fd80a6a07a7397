from django.urls import path

from lpse.vendors import views

app_name = "vendors"

urlpatterns = [
    # Registration (public), Lampiran I 1.2 steps 1–6
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("register/done/", views.register_done, name="register_done"),
    path("register/done/form.pdf", views.register_done_form, name="register_done_form"),
    path("register/<str:token>/", views.register_form, name="register_form"),
    # The vendor's own pages
    path("me/", views.me, name="me"),
    path("me/contact/", views.me_contact, name="me_contact"),
    path("me/legal/", views.me_legal, name="me_legal"),
    path("me/deeds/<str:kind>/", views.me_deed, name="me_deed"),
    path("me/licences/new/", views.me_licence, name="me_licence_new"),
    path("me/licences/<int:pk>/", views.me_licence, name="me_licence"),
    path("me/licences/<int:pk>/remove/", views.me_licence_remove, name="me_licence_remove"),
    path("me/scans/new/", views.me_scan, name="me_scan"),
    path("me/email-change/", views.me_email_change, name="me_email_change"),
    path("me/export/", views.me_export, name="me_export"),
    # Officers
    path("", views.VendorListView.as_view(), name="vendor_list"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("<int:pk>/verify/", views.verification_open, name="verification_open"),
    path("<int:pk>/resend-link/", views.activation_resend, name="activation_resend"),
    path("<int:pk>/deactivate/", views.vendor_deactivate, name="vendor_deactivate"),
    path("<int:pk>/reactivate/", views.vendor_reactivate, name="vendor_reactivate"),
    path("<int:pk>/email-change/", views.vendor_email_change, name="vendor_email_change"),
    path("verification/<int:pk>/", views.session_detail, name="session"),
    path("verification/<int:pk>/correct/", views.session_correct, name="session_correct"),
    # E-mail change, Lampiran III 3.4
    path("email-changes/", views.EmailChangeListView.as_view(), name="email_change_list"),
    path("email-changes/<int:pk>/", views.email_change_detail, name="email_change_detail"),
    path("email-changes/<int:pk>/check/", views.email_change_check, name="email_change_check"),
    path("email-changes/<int:pk>/verify/", views.email_change_verify,
         name="email_change_verify"),
    path("email-changes/<int:pk>/receive/", views.email_change_receive,
         name="email_change_receive"),
    path("email-changes/<int:pk>/apply/", views.email_change_apply, name="email_change_apply"),
    path("email-changes/<int:pk>/reject/", views.email_change_reject,
         name="email_change_reject"),
    # Blacklist, reports
    path("blacklist/", views.BlacklistListView.as_view(), name="blacklist"),
    path("blacklist/new/", views.blacklist_create, name="blacklist_create"),
    path("blacklist/<int:pk>/", views.blacklist_edit, name="blacklist_edit"),
    path("blacklist/<int:pk>/revoke/", views.blacklist_revoke, name="blacklist_revoke"),
    path("reports/", views.reports, name="reports"),
    path("reports/export.csv", views.reports_csv, name="reports_csv"),
]
