from django.urls import path

from . import views

urlpatterns = [
    path("", views.registration_list, name="employment_list"),
    path("funnel/", views.funnel_page, name="employment_funnel"),
    path("target/", views.target_edit, name="employment_target"),
    path("cases/<int:pk>/", views.case_registrations, name="employment_case"),
    path("cases/<int:pk>/register/", views.registration_add, name="employment_register"),
    path("<int:pk>/edit/", views.registration_edit, name="employment_edit"),
]
