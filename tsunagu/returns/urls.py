from django.urls import path

from . import views

urlpatterns = [
    path("", views.return_list, name="returns"),
    path("<int:pk>/", views.return_detail, name="return_detail"),
    path("national/", views.national, name="returns_national"),
]
