from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "revans.impact"
    verbose_name = "Impact: costs, claims and the return"
