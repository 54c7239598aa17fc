from django import template

register = template.Library()


@register.filter
def clock(seconds: float | int | None) -> str:
    """Seconds as a clock face, m:ss (h:mm:ss from an hour); the sign is the caller's to show."""
    total = abs(int(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


@register.simple_tag
def uuid() -> str:
    """A fresh submission key for a form written out by hand (a double-click makes one row)."""
    import uuid as uuid_module

    return str(uuid_module.uuid4())
