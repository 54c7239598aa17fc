"""The one way every app writes what two people, or two clicks, could write at once.

- A new record carries its form's submission key: `once` returns the row the first click made.
- An edit names the version it started from: `save_version` refuses it (`Conflict`, with what the
  other person saved) if someone saved meanwhile, so nobody overwrites another unseen.
- A shared state that changes as a whole (the live meeting's clock and agenda) is refused as
  `Stale` when the screen that sent the change is behind.
- Reads kept in the cache (the sponsor's figures, a set's summary) are kept under a generation
  (`kept_generation`, through `kept`) that every write they may be drawn from moves: saves and
  deletes through the signals the apps connect (their `DRAWN_FROM`), and each write that sends
  none (`update`, `bulk_create`: a versioned save here, the programmes app's bulk writes) by
  calling `kept_moved`.
"""

import hashlib
import secrets
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

GENERATION = "kept:generation"
KEPT_LIFE = 24 * 60 * 60  # seconds; keys name the day where a read depends on it


def kept_moved(**_signal: object) -> None:
    """Every read kept in the cache is read afresh from now on. Writes are rare beside the
    pages that read, so one generation for all is simpler than tracking which reads moved.
    Moved now, and again once the write is committed: a reader in between may have kept
    figures from before it under the new generation."""
    _move()
    transaction.on_commit(_move)


def _move() -> None:
    # A new value, set rather than incremented: a database cache's `incr` sets the key again
    # with the default five-minute life, and a generation that lapses must never come back.
    cache.set(GENERATION, secrets.randbits(62), None)


def kept_anew(**_signal: object) -> None:
    """After `migrate`, run with every release: a new release may change what a kept read
    holds, and reads nothing the old one kept."""
    with suppress(DatabaseError):  # a new database: the database cache's table comes later
        _move()


def kept_drawn_from(*models: type[Model]) -> None:
    """Each save and delete of these models moves the kept generation (called by the apps'
    `ready` with the models their kept reads are drawn from; a model named twice connects once)."""
    for model in models:
        name = model._meta.label
        post_save.connect(kept_moved, sender=model, dispatch_uid=f"kept-{name}")
        post_delete.connect(kept_moved, sender=model, dispatch_uid=f"kept-del-{name}")


def kept_generation() -> int:
    """The generation every kept read's key names. Evicted (or never set), a new one starts:
    what was kept under any earlier one is never read again."""
    found: int | None = cache.get(GENERATION)
    if found is None:
        fresh = secrets.randbits(62)
        cache.add(GENERATION, fresh, None)  # a reader racing us may win: theirs, then
        found = cache.get(GENERATION, fresh)
    return found


def kept_key(*parts: object) -> str:
    """A key naming the kept generation and these parts (the reader, the day, the language and
    whatever else the read depends on), hashed to a short fixed length whatever they hold."""
    said = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"{kept_generation()}:{said}"


def kept[T](key: str, work: Callable[[], T]) -> T:
    """What `work` reads, from the cache under `key`, else worked out and kept. The key must
    name everything the read depends on: `kept_generation()` for the rows, and the day, the
    reader's language, zone or periods wherever it depends on them."""
    found: T | None = cache.get(key)
    if found is None:
        found = work()
        cache.set(key, found, KEPT_LIFE)
    return found


def kept_until[T](key: str, work: Callable[[], tuple[T, datetime | None]], now: datetime) -> T:
    """`kept`, for a read that also changes with the clock (a meeting ends, a survey opens):
    `work` gives the value and the first moment it could read differently (None: none). It is
    read from the cache only between the moment it was worked out and that one."""
    found: tuple[T, datetime, datetime | None] | None = cache.get(key)
    if found is not None and found[1] <= now and (found[2] is None or now < found[2]):
        return found[0]
    value, until = work()
    cache.set(key, (value, now, until), KEPT_LIFE)
    return value


class Conflict(ValidationError):
    """Someone saved this record after you opened it; `current` is what they saved."""

    def __init__(self, current: Model | None, message: Any = None) -> None:
        super().__init__(
            message
            or _(
                "Someone else saved this while you were editing it. Their version is shown; "
                "your text is kept in the form so you can merge it and save again."
            )
        )
        self.current = current


class Stale(Conflict):
    """The shared state changed after the screen that sent this change last updated."""

    def __init__(self) -> None:
        super().__init__(
            None,
            _(
                "Someone changed the meeting after your screen last updated, so your change "
                "was not made. This is how the meeting stands now; try again if it still "
                "makes sense."
            ),
        )


def once[M: Model](model: type[M], submission: uuid.UUID, make: Callable[[], M]) -> M:
    """The row this submission made already, or a new one (a double-click makes one row)."""
    existing = model._default_manager.filter(submission=submission).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = make()
            row.submission = submission  # type: ignore[attr-defined]
            row.full_clean()
            row.save()
            return row
    except IntegrityError:  # the other click won the race: its row is the answer
        return model._default_manager.get(submission=submission)


def save_version[M: Model](
    row: M, version: int, fields: dict[str, Any], *, clean: bool = True, conflict: Any = None
) -> M:
    """Save `fields` if the row is still at `version` (raising it by one); `Conflict` otherwise,
    with `conflict` as its message when the page says it its own way."""
    for name, value in fields.items():
        setattr(row, name, value)
    if clean:
        row.full_clean(exclude=["submission"])
    model = type(row)
    updated = model._default_manager.filter(pk=row.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    fresh = model._default_manager.get(pk=row.pk)
    if not updated:
        raise Conflict(fresh, conflict)
    kept_moved()  # an update sends no signal
    return fresh
