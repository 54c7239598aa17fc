from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    path("session/stay/", views.session_stay, name="session_stay"),
    path("profile/activity/", views.my_activity, name="my_activity"),
    path("profile/notifications/", views.notifications, name="notifications"),
    path("unsubscribe/<str:unsubscribe_token>/", views.unsubscribe, name="unsubscribe"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("o/<slug:org>/members/", views.member_list, name="member_list"),
    path("o/<slug:org>/members/invite/", views.member_invite, name="member_invite"),
    path("o/<slug:org>/members/<int:membership_id>/", views.member_edit, name="member_edit"),
    path(
        "o/<slug:org>/members/<int:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "o/<slug:org>/members/<int:membership_id>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "o/<slug:org>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:org>/settings/", views.org_settings, name="org_settings"),
    path("o/<slug:org>/settings/audit/", views.audit_trail, name="audit_trail"),
    path("o/<slug:org>/settings/audit.csv", views.audit_trail_csv, name="audit_trail_csv"),
    path("o/<slug:org>/settings/domains/", views.signup_domain_add, name="signup_domain_add"),
    path(
        "o/<slug:org>/settings/domains/<int:domain_id>/check/",
        views.signup_domain_check,
        name="signup_domain_check",
    ),
    path(
        "o/<slug:org>/settings/domains/<int:domain_id>/remove/",
        views.signup_domain_remove,
        name="signup_domain_remove",
    ),
]
