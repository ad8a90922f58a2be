from django.urls import path

from . import views

urlpatterns = [
    path("", views.return_list, name="returns"),
    path("<int:pk>/", views.return_detail, name="return_detail"),
    path("<int:pk>/signed/", views.return_signed, name="return_signed"),
    path("national/", views.national, name="returns_national"),
    path("received/", views.received, name="returns_received"),
    path("received/senders/<int:pk>/remove/", views.sender_remove, name="returns_sender_remove"),
]
