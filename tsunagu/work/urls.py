from django.urls import path

from . import views

urlpatterns = [
    path("", views.placement_list, name="work_placements"),
    path("add/", views.placement_add, name="work_placement_add"),
    path("<int:pk>/", views.placement_detail, name="work_placement_detail"),
    path("<int:pk>/edit/", views.placement_edit, name="work_placement_edit"),
    path("<int:pk>/week/", views.placement_week, name="work_placement_week"),
    path("hosts/", views.host_list, name="work_hosts"),
    path("hosts/add/", views.host_add, name="work_host_add"),
    path("hosts/<int:pk>/edit/", views.host_edit, name="work_host_edit"),
    path("rates/", views.rate_list, name="work_rates"),
    path("rates/add/", views.rate_add, name="work_rate_add"),
    path("budgets/set/", views.budget_set, name="work_budget_set"),
    path("payments/", views.payment_lists, name="work_payment_lists"),
    path("payments/add/", views.payment_list_add, name="work_payment_list_add"),
    path("payments/<int:pk>/", views.payment_list_detail, name="work_payment_list"),
    path("payments/<int:pk>/refresh/", views.payment_list_refresh, name="work_payment_list_refresh"),
    path("payments/<int:pk>/approve/", views.payment_list_approve, name="work_payment_list_approve"),
    path("payments/<int:pk>/settle/", views.payment_list_settle, name="work_payment_list_settle"),
    path("payments/<int:pk>/<str:ext>/", views.payment_list_download, name="work_payment_list_download"),
]
