from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path("profile/data/", views.my_data, name="my_data"),
    path("profile/data/<uuid:export_id>/", views.my_data_download, name="my_data_download"),
    path("profile/data/erase/", views.my_data_erase, name="my_data_erase"),
    path(
        "profile/data/erase/<int:my_erasure_id>/cancel/",
        views.my_erasure_cancel,
        name="my_erasure_cancel",
    ),
    path(
        "o/<slug:org>/members/<int:membership_id>/erase/",
        views.member_erase,
        name="member_erase",
    ),
    path(
        "o/<slug:org>/erasures/<int:erasure_id>/cancel/",
        views.erasure_cancel,
        name="erasure_cancel",
    ),
]
