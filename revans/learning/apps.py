from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "revans.learning"
    verbose_name = "The action learning cycle"

    def ready(self) -> None:
        from revans.meetings import notices
        from revans.meetings.signals import attendance_recorded
        from revans.programmes.models import Programme
        from revans.writes import kept_drawn_from

        from .selectors import DRAWN_FROM
        from .services import touch_on_attendance
        from .sweeps import open_action_lines

        kept_drawn_from(*DRAWN_FROM, within=Programme)
        attendance_recorded.connect(touch_on_attendance, dispatch_uid="live-attendance")
        if open_action_lines not in notices.AGENDA_LINES:
            notices.AGENDA_LINES.append(open_action_lines)
