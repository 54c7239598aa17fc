from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path("profile/data/", views.my_data, name="my_data"),
    path("profile/data/<uuid:export_id>/", views.my_data_download, name="my_data_download"),
]
