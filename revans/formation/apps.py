from django.apps import AppConfig


class FormationConfig(AppConfig):
    name = "revans.formation"
    verbose_name = "Set formation"
