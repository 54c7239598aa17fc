from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "revans.api"
    verbose_name = "The REST API"
