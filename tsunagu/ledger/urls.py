from django.urls import path

from . import views

urlpatterns = [
    path("import/", views.import_page, name="ledger_import"),
    path("jobs/<int:pk>/", views.job_page, name="ledger_job"),
    path("export/", views.export, name="ledger_export"),
]
