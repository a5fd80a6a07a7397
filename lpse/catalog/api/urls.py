from rest_framework.routers import SimpleRouter

from lpse.catalog.api import views

router = SimpleRouter()
router.register("catalog/procurement-categories", views.ProcurementCategoryViewSet,
                basename="catalog-procurement-category")
router.register("catalog/selection-methods", views.SelectionMethodViewSet,
                basename="catalog-selection-method")
router.register("catalog/qualification-types", views.QualificationTypeViewSet,
                basename="catalog-qualification-type")
router.register("catalog/file-methods", views.FileMethodViewSet,
                basename="catalog-file-method")
router.register("catalog/evaluation-methods", views.EvaluationMethodViewSet,
                basename="catalog-evaluation-method")
router.register("catalog/funding-sources", views.FundingSourceViewSet,
                basename="catalog-funding-source")
router.register("catalog/business-fields", views.BusinessFieldViewSet,
                basename="catalog-business-field")
router.register("catalog/goods-categories", views.GoodsCategoryViewSet,
                basename="catalog-goods-category")
router.register("catalog/news", views.NewsViewSet, basename="catalog-news")
router.register("catalog/price-index", views.PriceIndexViewSet, basename="catalog-price-index")
router.register("catalog/items", views.CatalogueItemViewSet, basename="catalog-item")
urlpatterns = router.urls
