from django.urls import path
from rest_framework.routers import SimpleRouter

from lpse.vendors.api import views

router = SimpleRouter()
router.register("vendors/queue", views.QueueViewSet, basename="vendor-queue")

urlpatterns = [path("vendors/me/", views.my_status, name="api-vendor-me"), *router.urls]
