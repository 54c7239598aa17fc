"""Each person reads Revans in their own language, else their organisation's, else (not signed
in) their browser's; emails, calendar entries and the board's PDF go out in their reader's.

French words are written out here (never asked of Django), so a missing catalogue, a wrong
activation or an English date fails."""

import io
from datetime import datetime

import icalendar
from django.core import mail
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from revans.accounts.models import User
from revans.evidence import reports
from revans.evidence.models import BoardReport
from revans.meetings import notices
from revans.tests.world import future_meeting

JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre"]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


def en_francais(moment: datetime) -> str:
    """ "lundi 7 décembre 2026", as a French reader writes a day."""
    return f"{JOURS[moment.weekday()]} {moment.day} {MOIS[moment.month - 1]} {moment.year}"


def in_english(moment: datetime) -> str:
    return f"{DAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def speaks(user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_french_person_reads_their_home_and_set_page_in_french(world):
    speaks(world.participant, "fr")
    set_page = f"/o/acme/sets/{world.set_a.pk}/"
    home = page(signed_in(world.participant), "/o/acme/")
    assert '<html lang="fr">' in home
    assert "Vos groupes" in home and "Your sets" not in home
    assert "Règles de fonctionnement" in page(signed_in(world.participant), set_page)
    # Beside them, someone who chose nothing reads the organisation's English.
    assert "Your sets" in page(signed_in(world.participant2), "/o/acme/")
    assert "Ground rules" in page(signed_in(world.participant2), set_page)


def test_the_organisation_s_language_is_everyone_s_who_chose_none(world):
    world.org.language = "fr"
    world.org.save()
    speaks(world.participant, "en-gb")
    assert "Vos groupes" in page(signed_in(world.participant2), "/o/acme/")
    assert "Your sets" in page(signed_in(world.participant), "/o/acme/")
    # Outside the organisation's pages too (their first organisation's).
    assert "Votre profil" in page(signed_in(world.participant2), "/profile/")
    # The outsider's organisation keeps English.
    assert "Your profile" in page(signed_in(world.outsider), "/profile/")


def test_a_visitor_not_signed_in_reads_their_browser_s_language(db):
    french = Client(headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert "Se connecter" in page(french, "/accounts/login/")
    assert "Sign in" in page(Client(), "/accounts/login/")


def test_the_profile_keeps_the_language_chosen_and_refuses_an_unknown_one(world):
    client = signed_in(world.participant)
    response = client.post(
        "/profile/", {"name": "Pat Participant", "time_zone": "", "language": "fr"}
    )
    assert response.status_code == 302
    world.participant.refresh_from_db()
    assert world.participant.language == "fr"
    assert "Votre profil" in page(client, "/profile/")
    refused = client.post(
        "/profile/", {"name": "Pat Participant", "time_zone": "", "language": "xx"}
    )
    assert refused.status_code == 200
    assert "Sélectionnez un choix valide" in refused.content.decode()  # Django's own, in French
    world.participant.refresh_from_db()
    assert world.participant.language == "fr"
    # Empty again: the organisation's.
    client.post("/profile/", {"name": "Pat Participant", "time_zone": "", "language": ""})
    world.participant.refresh_from_db()
    assert world.participant.language == ""
    assert "Your profile" in page(client, "/profile/")


def test_the_admin_sets_the_organisation_s_language_and_an_unknown_one_is_refused(world):
    client = signed_in(world.admin)
    form = {
        "name": world.org.name,
        "time_zone": world.org.time_zone,
        "min_group_size": world.org.min_group_size,
        "retention_days": "",
        "session_idle_minutes": world.org.session_idle_minutes,
        "session_absolute_hours": world.org.session_absolute_hours,
    }
    refused = client.post("/o/acme/settings/", {**form, "language": "de"})
    assert refused.status_code == 200
    world.org.refresh_from_db()
    assert world.org.language == "en-gb"
    assert client.post("/o/acme/settings/", {**form, "language": "fr"}).status_code == 302
    world.org.refresh_from_db()
    assert world.org.language == "fr"
    assert "Paramètres de l'organisation" in page(client, "/o/acme/settings/")


def test_one_invitation_sent_to_a_french_and_an_english_member_in_their_own_languages(world):
    speaks(world.participant, "fr")
    meeting = future_meeting(world.set_a, days=9)
    notices.invite_due(now=timezone.now(), meetings=[meeting])
    notices.send_due(now=timezone.now())
    by_reader = {m.to[0]: m for m in mail.outbox}
    start = meeting.starts_at.astimezone(meeting.zone)

    french = by_reader[world.participant.email]
    assert french.subject.startswith("[Revans] Invitation : ")
    assert "groupe d'apprentissage par l'action" in french.subject
    assert en_francais(start).capitalize() in french.body  # it begins a line
    assert "Votre groupe se réunit" in french.body
    ics = icalendar.Calendar.from_ical(
        next(c for c, kind in french.alternatives if kind.startswith("text/calendar"))  # type: ignore[attr-defined]
    )
    summary = str(next(iter(ics.walk("VEVENT")))["SUMMARY"])
    assert "groupe d'apprentissage par l'action, réunion" in summary

    english = by_reader[world.participant2.email]
    assert "action learning set, meeting" in english.subject
    assert in_english(start) in english.body
    assert "Your set meets" in english.body
    assert en_francais(start) not in english.body


def test_an_invitation_to_someone_without_an_account_is_in_the_organisation_s_language(
    world, django_capture_on_commit_callbacks
):
    world.org.language = "fr"
    world.org.save()
    speaks(world.admin, "en-gb")  # the admin's own page stays English; the email does not
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.admin).post(
            "/o/acme/members/invite/",
            {"email": "nia@acme.test", "name": "Nia New", "roles": ["participant"]},
        )
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.subject == "[Revans] Vous êtes invité(e) à rejoindre Acme Freight sur Revans"
    assert "Pour accepter, ouvrez ce lien" in sent.body


def test_the_board_s_pdf_is_in_the_language_of_the_sponsor_who_asked(world):
    speaks(world.sponsor, "fr")
    report = BoardReport.objects.create(programme=world.programme, requested_by=world.sponsor)
    reports.build(str(report.pk))
    report.refresh_from_db()
    assert report.status == BoardReport.Status.READY
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages)
    assert "Rapport d'impact pour le conseil" in text
    assert "Méthode et hypothèses" in text
    starts = world.programme.starts_on
    assert f"{starts.day} {MOIS[starts.month - 1]} {starts.year}" in " ".join(text.split())
    assert "Impact report for the board" not in text


def test_a_new_programme_offers_its_ground_rules_in_its_maker_s_language(world):
    speaks(world.admin, "fr")
    form = page(signed_in(world.admin), "/o/acme/programmes/new/")
    assert "Confidentialité : ce qui se dit dans le groupe reste dans le groupe." in form
    assert "Confidentiality:" not in form
