from django.urls import path

from lpse.training import views

app_name = "training"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/dispose/", views.request_dispose, name="request_dispose"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("requests/<int:pk>/schedule/", views.request_schedule, name="request_schedule"),
    path("requests/<int:pk>/reply-letter/", views.request_reply_letter,
         name="request_reply_letter"),
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/trainer/", views.session_assign_trainer,
         name="session_assign_trainer"),
    path("sessions/<int:pk>/participants/", views.session_participant_add,
         name="session_participant_add"),
    path("sessions/<int:pk>/enrol/", views.session_enrol, name="session_enrol"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/materials/", views.session_material_add,
         name="session_material_add"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("rooms/", views.RoomListView.as_view(), name="room_list"),
    path("rooms/new/", views.room_edit, name="room_new"),
    path("rooms/<int:pk>/", views.room_edit, name="room_edit"),
    path("calendar/", views.training_calendar, name="calendar"),
    path("calendar.ics", views.training_ical, name="ical"),
]
