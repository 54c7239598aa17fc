from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "revans.programmes"
    verbose_name = "Programmes and sets"
