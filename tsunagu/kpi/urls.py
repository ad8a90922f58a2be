from django.urls import path

from . import views

urlpatterns = [
    path("", views.kpi_overview, name="kpi_overview"),
    path("org/<str:code>/", views.kpi_org, name="kpi_org"),
    path("levels/", views.levels_edit, name="kpi_levels"),
    path("indicators/add/", views.indicator_add, name="kpi_indicator_add"),
    path("indicators/<int:pk>/", views.indicator_detail, name="kpi_indicator"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="kpi_indicator_edit"),
    path("indicators/<int:pk>/target/", views.target_edit, name="kpi_target"),
    path("indicators/<int:pk>/actual/", views.entered_value_edit, name="kpi_actual"),
    path("indicators/<int:pk>/plan/", views.plan_edit, name="kpi_plan"),
    path("measures/<int:pk>/sheet/", views.measure_sheet, name="kpi_measure_sheet"),
    path(
        "measures/<int:pk>/sheet.<str:fmt>",
        views.measure_sheet_download,
        name="kpi_measure_sheet_download",
    ),
    path("progress/<str:code>/", views.progress_report, name="kpi_progress"),
    path("progress/<str:code>/report.<str:fmt>", views.progress_download, name="kpi_progress_download"),
    path("progress/<str:code>/<str:program>/", views.progress_page_edit, name="kpi_progress_page"),
]
