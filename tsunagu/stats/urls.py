from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_page, name="stats_report"),
    path("report.xlsx", views.export_xlsx, name="stats_export_xlsx"),
    path("report.pdf", views.export_pdf, name="stats_export_pdf"),
    path("trends/", views.trends_page, name="stats_trends"),
]
