from django.urls import path

from . import views

app_name = "programmes"

P = "o/<slug:org>/programmes/"
S = "o/<slug:org>/sets/<int:set_id>/"
PEOPLE = "o/<slug:org>/people/"

urlpatterns = [
    path(P, views.programme_list, name="programme_list"),
    path(P + "new/", views.programme_create, name="programme_create"),
    path(P + "<int:programme_id>/", views.programme_detail, name="programme_detail"),
    path(P + "<int:programme_id>/edit/", views.programme_edit, name="programme_edit"),
    path(P + "<int:programme_id>/sets/new/", views.set_create, name="set_create"),
    path(S, views.set_detail, name="set_detail"),
    path(S + "rename/", views.set_rename, name="set_rename"),
    path(S + "members/add/", views.set_member_add, name="set_member_add"),
    path(
        S + "members/<int:set_membership_id>/leave/",
        views.set_member_leave,
        name="set_member_leave",
    ),
    path(
        S + "members/<int:set_membership_id>/move/", views.set_member_move, name="set_member_move"
    ),
    path(S + "facilitators/add/", views.set_facilitator_add, name="set_facilitator_add"),
    path(
        S + "facilitators/<int:facilitation_id>/end/",
        views.set_facilitator_end,
        name="set_facilitator_end",
    ),
    path(S + "mode/", views.set_mode, name="set_mode"),
    path(S + "ground-rules/", views.set_ground_rules, name="set_ground_rules"),
    path(S + "ground-rules/accept/", views.set_ground_rules_accept, name="set_ground_rules_accept"),
    path(PEOPLE, views.participant_list, name="participant_list"),
    path(PEOPLE + "import/", views.participant_import, name="participant_import"),
    path(
        PEOPLE + "import/<int:import_id>/",
        views.participant_import_preview,
        name="participant_import_preview",
    ),
    path(PEOPLE + "export.csv", views.participant_export, name="participant_export"),
]
