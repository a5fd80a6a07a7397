from django.urls import path
from rest_framework.routers import SimpleRouter

from lpse.accounts.api import views

router = SimpleRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [path("me/", views.me, name="api-me"), *router.urls]
