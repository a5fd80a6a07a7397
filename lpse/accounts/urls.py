from django.urls import path

from lpse.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.password_reset_request, name="password_reset"),
    path("password/set/<str:uidb64>/<str:token>/", views.password_set, name="password_set"),
    path("password/change/", views.password_change, name="password_change"),
    path("2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("2fa/verify/", views.two_factor_verify, name="2fa_verify"),
    path("2fa/backup-codes/", views.backup_codes_regenerate, name="2fa_backup_codes"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.api_token_create, name="api_token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/roles/", views.user_roles, name="user_roles"),
    path("users/<int:pk>/disable/", views.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", views.user_enable, name="user_enable"),
    path("users/<int:pk>/resend-link/", views.user_resend_link, name="user_resend_link"),
    path("users/<int:pk>/reset-2fa/", views.user_reset_two_factor, name="user_reset_2fa"),
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
]
