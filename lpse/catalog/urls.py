from django.urls import path

from lpse.catalog import views

app_name = "catalog"

urlpatterns = [
    # Public portal content
    path("", views.portal_index, name="index"),
    path("news/", views.NewsListView.as_view(), name="news_list"),
    path("news/feed/", views.NewsFeed(), name="news_feed"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("price-index/", views.PriceIndexListView.as_view(), name="price_index_list"),
    path("items/", views.CatalogueListView.as_view(), name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("goods-categories/", views.GoodsCategoryListView.as_view(),
         name="goods_category_list"),
    path("business-fields/", views.BusinessFieldListView.as_view(),
         name="business_field_list"),
    # Administration
    path("manage/", views.manage_index, name="manage"),
    path("manage/news/", views.ManageNewsListView.as_view(), name="manage_news_list"),
    path("manage/news/new/", views.news_create, name="news_create"),
    path("manage/news/<int:pk>/", views.manage_news_detail, name="manage_news_detail"),
    path("manage/news/<int:pk>/edit/", views.news_edit, name="news_edit"),
    path("manage/news/<int:pk>/publish/", views.news_publish, name="news_publish"),
    path("manage/news/<int:pk>/unpublish/", views.news_unpublish, name="news_unpublish"),
    path("manage/price-index/", views.ManagePriceIndexListView.as_view(),
         name="manage_price_index_list"),
    path("manage/price-index/new/", views.price_index_create, name="price_index_create"),
    path("manage/price-index/<int:pk>/", views.manage_price_index_detail,
         name="manage_price_index_detail"),
    path("manage/price-index/<int:pk>/edit/", views.price_index_edit,
         name="price_index_edit"),
    path("manage/price-index/<int:pk>/active/", views.price_index_active,
         name="price_index_active"),
    path("manage/items/", views.ManageCatalogueListView.as_view(), name="manage_item_list"),
    path("manage/items/new/", views.item_create, name="item_create"),
    path("manage/items/<int:pk>/", views.manage_item_detail, name="manage_item_detail"),
    path("manage/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("manage/items/<int:pk>/active/", views.item_active, name="item_active"),
    path("manage/master/<slug:kind>/", views.MasterListView.as_view(), name="master_list"),
    path("manage/master/<slug:kind>/new/", views.master_create, name="master_create"),
    path("manage/master/<slug:kind>/<int:pk>/", views.master_detail, name="master_detail"),
    path("manage/master/<slug:kind>/<int:pk>/edit/", views.master_edit, name="master_edit"),
    path("manage/master/<slug:kind>/<int:pk>/active/", views.master_active,
         name="master_active"),
    path("manage/master/<slug:kind>/<int:pk>/delete/", views.master_delete,
         name="master_delete"),
]
