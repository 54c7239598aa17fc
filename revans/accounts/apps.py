from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "revans.accounts"
    verbose_name = "People and organisations"
