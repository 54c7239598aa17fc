from django.urls import path

from . import views

app_name = "channels"

S = "o/<slug:org>/sets/<int:set_id>/channel/"
P = "o/<slug:org>/programmes/<int:programme_id>/channel/"

urlpatterns = [
    path(S, views.set_channel, name="set_channel"),
    path(S + "test/", views.set_channel_test, name="set_channel_test"),
    path(S + "disconnect/", views.set_channel_disconnect, name="set_channel_disconnect"),
    path(P, views.programme_channel, name="programme_channel"),
    path(P + "test/", views.programme_channel_test, name="programme_channel_test"),
    path(
        P + "disconnect/", views.programme_channel_disconnect, name="programme_channel_disconnect"
    ),
]
