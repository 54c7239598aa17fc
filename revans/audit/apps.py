from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "revans.audit"
    label = "audit"
    verbose_name = "Audit trail"
