from django.contrib import admin

from .models import LearningSet, Participant, Programme, SetMembership


class SetMembershipInline(admin.TabularInline[SetMembership, LearningSet]):
    model = SetMembership
    extra = 0
    raw_id_fields = ["participant"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ["name", "organisation", "starts_on", "ends_on"]
    list_filter = ["organisation"]


@admin.register(LearningSet)
class LearningSetAdmin(admin.ModelAdmin[LearningSet]):
    list_display = ["name", "programme"]
    list_filter = ["programme__organisation"]
    inlines = [SetMembershipInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin[Participant]):
    list_display = ["name", "email", "organisation", "department", "site"]
    list_filter = ["organisation"]
    search_fields = ["name", "email"]
    raw_id_fields = ["manager"]
