from django.urls import path

from lpse.helpdesk import support_views, views

app_name = "helpdesk"

urlpatterns = [
    # Public help centre and requesters
    path("", views.help_home, name="home"),
    path("kb/suggest/", views.article_suggest, name="article_suggest"),
    path("kb/manage/", views.ArticleListView.as_view(), name="article_list"),
    path("kb/manage/new/", views.article_edit, name="article_new"),
    path("kb/manage/<int:pk>/", views.article_edit, name="article_edit"),
    path("kb/<slug:slug>/", views.article_detail, name="article_detail"),
    path("new/", views.ticket_new, name="ticket_new"),
    path("t/<str:token>/", views.public_ticket, name="public_ticket"),
    path("t/<str:token>/files/<uuid:file_id>/", views.public_ticket_file,
         name="public_ticket_file"),
    path("my/", views.MyTicketListView.as_view(), name="my_tickets"),
    path("my/<int:pk>/", views.my_ticket, name="my_ticket"),
    path("my/<int:pk>/support/", support_views.support_grant, name="support_grant"),
    path("my/<int:pk>/support/<int:session_pk>/revoke/", support_views.support_revoke,
         name="support_revoke"),
    # The desk
    path("desk/", views.DeskListView.as_view(), name="desk"),
    path("desk/new/", views.quick_log, name="quick_log"),
    path("desk/service-levels/", views.service_levels, name="service_levels"),
    path("desk/canned/", views.CannedListView.as_view(), name="canned_list"),
    path("desk/canned/new/", views.canned_edit, name="canned_new"),
    path("desk/canned/<int:pk>/", views.canned_edit, name="canned_edit"),
    path("desk/canned/fill/", views.canned_fill, name="canned_fill"),
    path("desk/lkpp/<int:pk>/", views.lkpp_update, name="lkpp_update"),
    path("desk/diagnostics/<int:pk>/", support_views.diagnostics_detail,
         name="diagnostics_detail"),
    path("desk/diagnostics/<int:pk>/<slug:outcome>/", support_views.diagnostics_outcome,
         name="diagnostics_outcome"),
    path("desk/support/<int:pk>/", support_views.support_view, name="support_view"),
    path("desk/<int:pk>/diagnostics/", support_views.diagnostics_start,
         name="diagnostics_start"),
    path("desk/<int:pk>/", views.desk_ticket, name="desk_ticket"),
    path("desk/<int:pk>/<slug:action>/", views.desk_action, name="desk_action"),
    path("reports/", views.report, name="report"),
    path("reports/tickets.csv", views.report_csv, name="report_csv"),
]
