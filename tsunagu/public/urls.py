from django.urls import path

from . import staff_views, views

urlpatterns = [
    # Residents, without logging in.
    path("", views.top, name="public_top"),
    path("windows/", views.windows, name="public_windows"),
    path("windows/<str:region>/", views.region, name="public_region"),
    path("window/<str:code>/", views.window, name="public_window"),
    path("finder/", views.finder_start, name="public_finder_start"),
    path("finder/<str:region>/", views.finder, name="public_finder"),
    path("finder/<str:region>/result/", views.finder_result, name="public_finder_result"),
    path("consult/", views.consult_start, name="public_consult_start"),
    path("consult/thanks/<str:token>/", views.consult_thanks, name="public_consult_thanks"),
    path("consult/<str:region>/", views.consult, name="public_consult"),
    path("ibasho/", views.ibasho, name="public_ibasho"),
    path("events/", views.events, name="public_events"),
    path("language/<str:code>/", views.language, name="public_language"),
    # Staff.
    path("manage/windows/", staff_views.window_list, name="window_list"),
    path("manage/windows/<str:code>/", staff_views.window_edit, name="window_edit"),
    path("intake/", staff_views.intake_list, name="intake_list"),
    path("intake/<int:pk>/", staff_views.intake_detail, name="intake_detail"),
    path("intake/<int:pk>/convert/", staff_views.intake_convert, name="intake_convert"),
    path("intake/<int:pk>/reply/", staff_views.intake_reply, name="intake_reply"),
    path("intake/<int:pk>/close/", staff_views.intake_close, name="intake_close"),
]
