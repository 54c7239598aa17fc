from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "revans.rights"
    label = "rights"
    verbose_name = "People's data rights"
