from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "revans.learning"
    verbose_name = "The action learning cycle"

    def ready(self) -> None:
        from revans.meetings import notices

        from .sweeps import open_action_lines

        if open_action_lines not in notices.AGENDA_LINES:
            notices.AGENDA_LINES.append(open_action_lines)
