from django.urls import path

from . import views

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("add/", views.meeting_add, name="meeting_add"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/attendance/add/", views.attendance_add, name="meeting_attendance_add"),
    path("attendance/<int:pk>/", views.attendance_update, name="meeting_attendance_update"),
    path("attendance/<int:pk>/remove/", views.attendance_remove, name="meeting_attendance_remove"),
    path("bodies/", views.body_search, name="meeting_body_search"),
    path("<int:pk>/decisions/add/", views.decision_add, name="meeting_decision_add"),
    path("decisions/", views.open_decisions, name="meeting_decisions"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="meeting_decision_edit"),
    path("<int:pk>/cases/add/", views.case_link, name="meeting_case_link"),
    path("cases/<int:pk>/remove/", views.case_unlink, name="meeting_case_unlink"),
    path("<int:pk>/handout/", views.handout, name="meeting_handout"),
    path("plans/", views.plan_list, name="meeting_plans"),
    path("plans/add/", views.plan_add, name="meeting_plan_add"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="meeting_plan_edit"),
]
