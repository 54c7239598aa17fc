"""Plan a participant import: which rows are new, updated, unchanged or in error, and why.

Pure: rows of text in, a plan out. The caller reads the file, passes `check` (the limits and
validators its models have, so a row the database would refuse is an error here, in words) and
applies the plan, all or nothing.
"""

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

KNOWN_COLUMNS = ("name", "email", "department", "site", "job_level", "manager_email")
REQUIRED_COLUMNS = ("name", "email")
# Common ways people head these columns in a spreadsheet.
ALIASES = {
    "full_name": "name",
    "e_mail": "email",
    "email_address": "email",
    "dept": "department",
    "location": "site",
    "level": "job_level",
    "grade": "job_level",
    "manager": "manager_email",
    "managers_email": "manager_email",
    "line_manager_email": "manager_email",
}
MAX_ROWS = 50_000
LABELS = {
    "name": "The name",
    "email": "The email",
    "department": "The department",
    "site": "The site",
    "job_level": "The job level",
    "manager_email": "The manager email",
}

# check(field, value) -> what is wrong with the value, [] when it can be stored. `field` is a
# known column, or "attribute" for the value of an extra column.
type Check = Callable[[str, str], list[str]]


class RowStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class PersonRecord:
    """One person as the organisation's pool knows them."""

    email: str
    name: str
    department: str = ""
    site: str = ""
    job_level: str = ""
    manager_email: str = ""
    attributes: tuple[tuple[str, str], ...] = ()

    def differences(self, other: "PersonRecord") -> list[str]:
        """The fields that differ from `other`, by name."""
        changed = [
            name
            for name in ("name", "department", "site", "job_level", "manager_email")
            if getattr(self, name) != getattr(other, name)
        ]
        mine, theirs = dict(self.attributes), dict(other.attributes)
        changed += sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        return changed


@dataclass
class RowPlan:
    line: int  # the row's line in the file, counting the header as line 1
    email: str
    status: RowStatus
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    record: PersonRecord | None = None


@dataclass
class RosterPlan:
    extra_columns: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(row.status != RowStatus.ERROR for row in self.rows)

    def count(self, status: RowStatus) -> int:
        return sum(1 for row in self.rows if row.status == status)


def normalise_header(header: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")
    return ALIASES.get(key, key)


def match_columns(headers: Sequence[str]) -> tuple[dict[int, str], list[str], list[str]]:
    """Map header cells to fields; unknown ones become attributes unless they look misspelled."""
    columns: dict[int, str] = {}
    extras: list[str] = []
    errors: list[str] = []
    seen: set[str] = set()
    for index, header in enumerate(headers):
        key = normalise_header(header)
        if not key:
            continue
        if key in seen:
            errors.append(f'The column "{header.strip()}" appears twice.')
            continue
        seen.add(key)
        if key in KNOWN_COLUMNS:
            columns[index] = key
            continue
        close = difflib.get_close_matches(key, KNOWN_COLUMNS, n=1, cutoff=0.8)
        if close:
            errors.append(
                f'The column "{header.strip()}" is not known. Did you mean "{close[0]}"? '
                "Rename it, or give it a clearly different name to keep it as an extra attribute."
            )
            continue
        columns[index] = f"attr:{key}"
        extras.append(key)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns.values()]
    if missing:
        errors.append("The file needs these columns: " + ", ".join(missing) + ".")
    return columns, extras, errors


def plan_import(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    existing: Mapping[str, PersonRecord],
    check: Check,
) -> RosterPlan:
    """Compare the file's rows with the people the organisation already has (by email)."""
    columns, extras, file_errors = match_columns(headers)
    plan = RosterPlan(extra_columns=extras, file_errors=file_errors)
    if not rows:
        plan.file_errors.append("The file has a header but no rows.")
    if len(rows) > MAX_ROWS:
        plan.file_errors.append(f"The file has {len(rows):,} rows; the limit is {MAX_ROWS:,}.")
    if plan.file_errors:
        return plan

    first_line: dict[str, int] = {}
    for offset, cells in enumerate(rows):
        line = offset + 2
        values = dict.fromkeys(KNOWN_COLUMNS, "")
        attributes: list[tuple[str, str]] = []
        for index, name in columns.items():
            cell = cells[index].strip() if index < len(cells) else ""
            if name.startswith("attr:"):
                if cell:
                    attributes.append((name[5:], cell))
            else:
                values[name] = cell
        email = values["email"].lower()
        manager = values["manager_email"].lower()
        row = RowPlan(line=line, email=email, status=RowStatus.NEW)
        if not any(c.strip() for c in cells):
            continue  # blank lines at the end of a spreadsheet are not rows
        if not values["name"]:
            row.errors.append("The name is empty.")
        if not email:
            row.errors.append("The email is empty.")
        values.update(email=email, manager_email=manager)
        refused = set()
        for name, value in values.items():
            problems = check(name, value) if value else []
            if problems:
                refused.add(name)
                row.errors.append(f'{LABELS[name]} "{_shown(value)}": {" ".join(problems)}')
        for key, value in attributes:
            problems = check("attribute", value)
            if problems:
                row.errors.append(f'The {key} "{_shown(value)}": {" ".join(problems)}')
        if email and "email" not in refused:
            if email in first_line:
                row.errors.append(f"{email} also appears on line {first_line[email]}.")
            else:
                first_line[email] = line
        if manager and "manager_email" not in refused and manager == email:
            row.errors.append("A person cannot be their own manager.")
        row.record = PersonRecord(
            email=email,
            name=values["name"],
            department=values["department"],
            site=values["site"],
            job_level=values["job_level"],
            manager_email=manager,
            attributes=tuple(sorted(attributes)),
        )
        plan.rows.append(row)

    in_file = {row.email: row for row in plan.rows if not row.errors}
    managers = {e: r.manager_email for e, r in existing.items() if r.manager_email}
    managers.update({e: row.record.manager_email for e, row in in_file.items() if row.record})
    known = set(existing) | set(in_file)
    for row in plan.rows:
        record = row.record
        if record is None or row.errors:
            continue
        if record.manager_email and record.manager_email not in known:
            row.errors.append(
                f"The manager {record.manager_email} is not in this file or among your people."
            )
        cycle = _manager_cycle(record.email, managers)
        if cycle:
            row.errors.append("Managers form a loop: " + " → ".join(cycle) + ".")

    for row in plan.rows:
        if row.errors:
            row.status = RowStatus.ERROR
        elif row.record is not None and row.email in existing:
            row.changes = row.record.differences(existing[row.email])
            row.status = RowStatus.UPDATED if row.changes else RowStatus.UNCHANGED
    return plan


def _shown(value: str, limit: int = 60) -> str:
    """A value quoted in a message: shortened, and with invisible characters made visible."""
    visible = value.replace("\x00", "\\0")
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def _manager_cycle(start: str, managers: Mapping[str, str]) -> list[str]:
    """The loop of managers that `start` belongs to, or [] when the chain ends."""
    path = [start]
    seen = {start}
    current = managers.get(start, "")
    while current:
        if current == start:
            return [*path, start]
        if current in seen:
            return []  # a loop further up that does not pass through `start`
        path.append(current)
        seen.add(current)
        current = managers.get(current, "")
    return []
