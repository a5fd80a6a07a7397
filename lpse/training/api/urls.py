from rest_framework.routers import SimpleRouter

from lpse.training.api import views

router = SimpleRouter()
router.register("training/requests", views.TrainingRequestViewSet, basename="training-request")
router.register("training/sessions", views.TrainingSessionViewSet, basename="training-session")

urlpatterns = router.urls
