from django.urls import path
from rest_framework.routers import SimpleRouter

from lpse.helpdesk.api import views

router = SimpleRouter()
router.register("helpdesk/tickets", views.TicketViewSet, basename="helpdesk-ticket")
router.register("helpdesk/articles", views.ArticleViewSet, basename="helpdesk-article")

urlpatterns = [
    path("helpdesk/inbound-email/", views.inbound_email, name="helpdesk-inbound-email"),
    *router.urls,
]
