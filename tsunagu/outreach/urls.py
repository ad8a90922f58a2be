from django.urls import path

from . import views

urlpatterns = [
    path("events/", views.event_list, name="outreach_event_list"),
    path("events/add/", views.event_add, name="outreach_event_add"),
    path("events/<int:pk>/edit/", views.event_edit, name="outreach_event_edit"),
    path("materials/", views.material_list, name="outreach_material_list"),
    path("materials/add/", views.material_add, name="outreach_material_add"),
    path("materials/<int:pk>/edit/", views.material_edit, name="outreach_material_edit"),
    path("supporters/", views.supporter_list, name="supporter_list"),
    path("supporters/add/", views.supporter_add, name="supporter_add"),
    path("supporters/<int:pk>/edit/", views.supporter_edit, name="supporter_edit"),
    path("supporters/activities/", views.activity_list, name="supporter_activity_list"),
    path("supporters/activities/add/", views.activity_add, name="supporter_activity_add"),
    path("supporters/activities/<int:pk>/edit/", views.activity_edit, name="supporter_activity_edit"),
]
