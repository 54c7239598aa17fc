from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "revans.learning"
    verbose_name = "The action learning cycle"
