"""An erasure carried out after the backup comes back with a restore of it; `reapply_erasures`
lists such erasures from the database being replaced and asks again for them on the restored
one. The restore is the rollback of everything done after the "backup" below."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from revans.audit.models import Entry, Event
from revans.programmes.models import Participant
from revans.rights import services
from revans.rights.models import Erasure

EMAIL = "quinn@acme.test"


class Restored(Exception):
    """Undoes what happened after the backup, as restoring it does."""


def test_an_erasure_lost_in_a_restore_is_carried_out_again_once(world, tmp_path):
    listing = tmp_path / "erasures.json"
    since = timezone.now().date().isoformat()  # the backup is taken now (a UTC day)
    with pytest.raises(Restored), transaction.atomic():
        services.erasure_request(user=world.participant2, organisation=None, by=world.participant2)
        services.erase_due(now=timezone.now() + services.ERASURE_GRACE + timedelta(minutes=1))
        assert not Participant.objects.filter(email=EMAIL).exists()
        # One asked for and still waiting: after the restore it keeps its grace period.
        services.erasure_request(user=world.participant, organisation=world.org, by=world.admin)
        call_command("reapply_erasures", "--since", since, "--export", str(listing))
        raise Restored
    assert Participant.objects.filter(email=EMAIL).exists()  # back with the restore
    assert not Erasure.objects.exists()

    call_command("reapply_erasures", "--apply", str(listing))
    assert not Participant.objects.filter(email=EMAIL).exists()
    done = Erasure.objects.get(user=world.participant2)
    assert done.done_at is not None and done.organisation is None
    waiting = Erasure.objects.get(user=world.participant)
    assert waiting.done_at is None and waiting.due_at > timezone.now() + timedelta(days=13)
    again = Entry.objects.filter(event=Event.ERASED, detail__step="asked again after a restore")
    assert again.count() == 2

    call_command("reapply_erasures", "--apply", str(listing))  # twice: nothing more
    assert Erasure.objects.count() == 2 and again.count() == 2


def test_the_command_says_what_it_needs(tmp_path):
    with pytest.raises(CommandError, match="either"):
        call_command("reapply_erasures")
    with pytest.raises(CommandError, match="needs --since"):
        call_command("reapply_erasures", "--export", str(tmp_path / "x.json"))
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CommandError, match=r"bad\.json"):
        call_command("reapply_erasures", "--apply", str(tmp_path / "bad.json"))
