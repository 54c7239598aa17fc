from django.urls import path

from . import views

app_name = "formation"

P = "o/<slug:org>/programmes/<int:programme_id>/formation/"
RUN = P + "<int:run_id>/"

urlpatterns = [
    path(P, views.new, name="new"),
    path(RUN, views.run, name="run"),
    path(RUN + "cancel/", views.cancel, name="cancel"),
    path(RUN + "again/", views.again, name="again"),
    path(RUN + "move/", views.move, name="move"),
    path(RUN + "accept/", views.accept, name="accept"),
]
