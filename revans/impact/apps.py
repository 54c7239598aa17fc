from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "revans.impact"
    verbose_name = "Impact: costs, benefits and the return"
