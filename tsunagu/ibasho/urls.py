from django.urls import path

from . import views

urlpatterns = [
    path("", views.ibasho_list, name="ibasho_list"),
    path("add/", views.ibasho_add, name="ibasho_add"),
    path("<int:pk>/", views.ibasho_detail, name="ibasho_detail"),
    path("<int:pk>/edit/", views.ibasho_edit, name="ibasho_edit"),
    path("<int:pk>/events/add/", views.event_add, name="ibasho_event_add"),
    path("events/<int:pk>/", views.event_detail, name="ibasho_event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="ibasho_event_edit"),
    path("events/<int:pk>/attendance/add/", views.attendance_add, name="ibasho_attendance_add"),
    path("attendance/<int:pk>/remove/", views.attendance_remove, name="ibasho_attendance_remove"),
]
