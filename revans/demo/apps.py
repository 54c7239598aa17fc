from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "revans.demo"
    verbose_name = "Demo data"
