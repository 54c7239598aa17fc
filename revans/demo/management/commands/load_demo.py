from typing import Any

from django.core.management.base import BaseCommand

from revans.demo.data import PASSWORD
from revans.demo.loader import forming, load_demo, meeting_now
from revans.writes import kept_moved


class Command(BaseCommand):
    help = "Load the demo organisations and people. Running it again changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        kept_moved()  # written in bulk, with no signal: nothing kept from before is read
        self.stdout.write(
            self.style.SUCCESS("Demo data is loaded. Sign in at http://127.0.0.1:8000")
        )
        self.stdout.write(f"Every demo password is: {PASSWORD}")
        for organisation, role, email in logins:
            self.stdout.write(f"  {organisation:<24} {role.label:<12} {email}")
        for programme, email in forming():
            self.stdout.write(f"To form the sets of {programme}, sign in as {email}.")
        for name, facilitator, member in meeting_now():
            self.stdout.write(
                f"The {name} set meets in a few minutes: run it as {facilitator} (the console), "
                f"and watch the board as {member} in another browser."
            )
