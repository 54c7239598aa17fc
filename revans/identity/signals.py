"""The SocialApp a sign-on wrote goes with it (also when its organisation is deleted), so that a
slug used again never finds two apps."""

from typing import Any

from allauth.socialaccount.models import SocialApp
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import SignOn


@receiver(post_delete, sender=SignOn)
def delete_app(sender: Any, instance: SignOn, **kwargs: Any) -> None:
    if instance.app_id is not None:
        SocialApp.objects.filter(pk=instance.app_id).delete()
