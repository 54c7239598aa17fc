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
  calling `kept_moved`. A read confined to one programme's rows names that programme's
  generation too (`within`), which only writes to its rows move, so a write in one programme
  leaves the other programmes' figures kept: a large organisation has a hundred of them.
"""

import hashlib
import secrets
import uuid
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar
from datetime import datetime
from functools import partial
from typing import Any, cast

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, ForeignKey, Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

GENERATION = "kept:generation"
ANYWHERE = "anywhere"  # the scope of reads not confined to one programme (a person's home)
KEPT_LIFE = 24 * 60 * 60  # seconds; keys name the day where a read depends on it

# The generations this request has read, so that its kept reads ask the cache for each once (a
# page reads several, and its header): begun empty by each request, dropped as it ends; outside a
# request every read asks. Its own writes put the new ones here as they move them.
_READ: ContextVar[dict[str, int] | None] = ContextVar("kept_read", default=None)

# Each model kept reads are drawn from: how a row of it leads to the scope it belongs to (its
# programme), or None for a model of the whole organisation (a pool entry, an account).
_PATHS: dict[type[Model], tuple[type[Model], str] | None] = {}


def kept_moved(*, within: Model | None = None) -> None:
    """Every read kept in the cache is read afresh from now on; with `within`, only reads
    confined to that scope (a programme) and reads not confined to one: the write touched that
    programme's rows alone. Moved now, and again once the write is committed: a reader in
    between may have kept figures from before it under the new generation."""
    scope = _scope(type(within), within.pk) if within is not None else None
    _moved(scope)


def _moved(scope: str | None) -> None:
    names = [_name(scope), _name(ANYWHERE)] if scope else [GENERATION]
    _move(names)
    transaction.on_commit(partial(_move, names))


def _move(names: list[str]) -> None:
    # A new value, set rather than incremented: a database cache's `incr` sets the key again
    # with the default five-minute life, and a generation that lapses must never come back.
    fresh = {name: secrets.randbits(62) for name in names}
    cache.set_many(fresh, None)
    if (read := _READ.get()) is not None:
        read.update(fresh)


def kept_request_started(**_signal: object) -> None:
    _READ.set({})


def kept_request_finished(**_signal: object) -> None:
    _READ.set(None)


def _scope(model: type[Model], pk: object) -> str:
    return f"{model._meta.label_lower}:{pk}"


def _name(scope: str) -> str:
    return f"{GENERATION}:{scope}"


def kept_anew(**_signal: object) -> None:
    """After `migrate`, run with every release: a new release may change what a kept read
    holds, and reads nothing the old one kept."""
    with suppress(DatabaseError):  # a new database: the database cache's table comes later
        _move([GENERATION])


def kept_drawn_from(*models: type[Model], within: type[Model] | None = None) -> None:
    """Each save and delete of these models moves the kept generation (called by the apps'
    `ready` with the models their kept reads are drawn from; a model named twice connects once).
    With `within` (the programme), a model whose rows lead to one by required foreign keys moves
    only that one's generation: a pool entry leads to none, and moves them all."""
    for model in models:
        name = model._meta.label
        if within is not None and (path := _path(model, within)):
            _PATHS[model] = (within, path)
        else:
            _PATHS.setdefault(model, None)
        post_save.connect(_written, sender=model, dispatch_uid=f"kept-{name}")
        post_delete.connect(_written, sender=model, dispatch_uid=f"kept-del-{name}")


def _path(model: type[Model], within: type[Model]) -> str:
    """The shortest chain of required foreign keys from `model` to `within` ("pk" for itself,
    "" for none): a row may not lose it, so the scope it is written in is the one it reads in."""
    seen, queue = {model}, deque([(model, "")])
    while queue:
        found, path = queue.popleft()
        if found is within:
            return path or "pk"
        for field in found._meta.get_fields():
            if field.many_to_one and field.concrete and not field.null:
                related = cast(type[Model], field.related_model)
                if related not in seen:
                    seen.add(related)
                    queue.append((related, f"{path}__{field.name}" if path else field.name))
    return ""


def _written(sender: type[Model], instance: Model, **_signal: object) -> None:
    """A row saved or deleted: its scope's generation moves, or every one where its scope is
    not to be found (a cascade deleting the row's parent with it)."""
    lead = _PATHS.get(sender)
    if lead is None:
        return _moved(None)
    within, path = lead
    if path == "pk":
        return _moved(_scope(within, instance.pk))
    first, _sep, rest = path.partition("__")
    key: ForeignKey[Any, Any] = sender._meta.get_field(first)  # type: ignore[assignment]
    parent = getattr(instance, key.attname)
    if rest:  # one query, by the parent's key: a deleted row's parent is still there
        parents = key.related_model._base_manager.filter(pk=parent)
        parent = parents.values_list(rest, flat=True).first()
    return _moved(_scope(within, parent) if parent is not None else None)


def kept_generation(within: Model | None = None, *, rows: bool = True) -> str:
    """The generations a kept read's key names: every read's, and its scope's (`within`, or
    that of reads not confined to one; none with `rows=False`). Evicted (or never set), a new
    one starts: what was kept under any earlier one is never read again."""
    names = [GENERATION]
    if rows:
        names.append(_name(_scope(type(within), within.pk) if within else ANYWHERE))
    read = _READ.get()
    found = {n: read[n] for n in names if n in read} if read is not None else {}
    if missing := [n for n in names if n not in found]:
        found |= cache.get_many(missing)
    for name in names:
        if name not in found:
            fresh = secrets.randbits(62)
            cache.add(name, fresh, None)  # a reader racing us may win: theirs, then
            found[name] = cache.get(name, fresh)
    if read is not None:
        read.update(found)
    return ".".join(str(found[name]) for name in names)


def kept_key(*parts: object, within: Model | None = None, rows: bool = True) -> str:
    """A key naming the kept generations and these parts (the reader, the day, the language and
    whatever else the read depends on), hashed to a short fixed length whatever they hold.
    `within`: the read is drawn from that programme's rows alone, besides the organisation's.
    `rows=False`: from no programme's rows at all (an account, its memberships), so only the
    generation those writes and each release move."""
    said = hashlib.sha256(repr((within and _scope(type(within), within.pk), *parts)).encode())
    return f"{kept_generation(within, rows=rows)}:{said.hexdigest()}"


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
    _written(model, fresh)  # an update sends no signal
    return fresh
