"""Importing the participant pool: preview, all-or-nothing apply, idempotence, bad files."""

import csv
import html
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from revans.accounts.models import Invitation
from revans.domain.roster import RowStatus, plan_import
from revans.programmes import services
from revans.programmes.models import Participant, ParticipantImport
from revans.programmes.spreadsheets import MAX_BYTES, SpreadsheetError, read_table
from revans.web import write_csv

HEADER = ["name", "email", "department", "site", "job_level", "manager_email", "Tenure years"]
ROWS = [
    ["Maya Boss", "maya@acme.test", "Operations", "Leeds", "5", "", "12"],
    ["Noor Lead", "noor@acme.test", "Finance", "York", "4", "maya@acme.test", "7"],
    ["Olu Analyst", "olu@acme.test", "Finance", "York", "2", "noor@acme.test", ""],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8", delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "people.csv"):
    return client.post("/o/acme/people/import/", {"file": SimpleUploadedFile(name, content)})


def snapshot(org):
    return sorted(
        Participant.objects.filter(organisation=org).values_list(
            "email", "name", "department", "site", "job_level", "manager__email", "attributes"
        ),
        key=str,
    )


def test_preview_then_apply(client, world):
    client.force_login(world.sponsor)
    response = upload(client, csv_bytes(ROWS))
    batch = ParticipantImport.objects.get()
    assert response.url == f"/o/acme/people/import/{batch.pk}/"
    before = snapshot(world.org)
    preview = client.get(response.url)
    assert b"<dt>New</dt><dd>3</dd>" in preview.content
    assert b"tenure_years" in preview.content  # the extra column is kept as an attribute
    assert snapshot(world.org) == before  # a preview writes nothing
    client.post(response.url)
    noor = Participant.objects.get(email="noor@acme.test")
    assert noor.manager is not None
    assert (noor.department, noor.site, noor.job_level, noor.manager.email) == (
        "Finance",
        "York",
        "4",
        "maya@acme.test",
    )
    assert noor.attributes == {"tenure_years": "7"}
    batch.refresh_from_db()
    assert batch.applied_at is not None and bytes(batch.content) == b""
    # Nobody is invited by an import; people are invited when they join a set.
    assert not Invitation.objects.exists()


def test_importing_the_same_file_again_changes_nothing(client, world):
    client.force_login(world.admin)
    upload(client, csv_bytes(ROWS))
    client.post(f"/o/acme/people/import/{ParticipantImport.objects.get().pk}/")
    first = snapshot(world.org)
    upload(client, xlsx_bytes(ROWS), "people.xlsx")  # the same people, as XLSX this time
    batch = ParticipantImport.objects.latest("pk")
    preview = client.get(f"/o/acme/people/import/{batch.pk}/")
    assert b"<dt>Unchanged</dt><dd>3</dd>" in preview.content
    client.post(f"/o/acme/people/import/{batch.pk}/")
    assert snapshot(world.org) == first


def test_updates_are_shown_with_what_changed(world):
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="a.csv", content=csv_bytes(ROWS)
    )
    services.import_apply(batch=batch)
    changed = [
        ROWS[0],
        ["Noor Lead", "noor@acme.test", "Finance", "Leeds", "4", "maya@acme.test", "8"],
        ROWS[2],
    ]
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="b.csv", content=csv_bytes(changed)
    )
    plan = services.import_plan(batch)
    noor = next(row for row in plan.rows if row.email == "noor@acme.test")
    assert noor.status == RowStatus.UPDATED
    assert noor.changes == ["site", "tenure_years"]


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([["", "x@acme.test", "", "", "", "", ""]], HEADER, "The name is empty."),
        ([["X", "not-an-email", "", "", "", "", ""]], HEADER, "Enter a valid email address."),
        ([ROWS[0], ROWS[0]], HEADER, "also appears on line 2"),
        (
            [["X", "x@acme.test", "", "", "", "ghost@acme.test", ""]],
            HEADER,
            "is not in this file or among your people",
        ),
        (
            [
                ["A", "a@acme.test", "", "", "", "b@acme.test", ""],
                ["B", "b@acme.test", "", "", "", "a@acme.test", ""],
            ],
            HEADER,
            "Managers form a loop",
        ),
        (
            [["X", "x@acme.test", "", "", "", "x@acme.test", ""]],
            HEADER,
            "cannot be their own manager",
        ),
        ([["X", "x@acme.test"]], ["name", "emial"], 'Did you mean "email"'),
        ([["X", "Ops"]], ["name", "department"], "The file needs these columns: email."),
    ],
)
def test_bad_rows_are_explained_and_nothing_is_written(client, world, rows, header, message):
    client.force_login(world.admin)
    before = snapshot(world.org)
    upload(client, csv_bytes(rows, header=header))
    url = f"/o/acme/people/import/{ParticipantImport.objects.get().pk}/"
    preview = client.get(url)
    assert message in html.unescape(preview.content.decode())
    assert b"Nothing can be imported" in preview.content
    response = client.post(url, follow=True)
    assert b"Nothing was imported" in response.content
    assert snapshot(world.org) == before


def test_a_row_error_stops_every_other_row(world):
    rows = [*ROWS, ["", "bad@acme.test", "", "", "", "", ""]]
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="a.csv", content=csv_bytes(rows)
    )
    with pytest.raises(Exception, match="Nothing was imported"):
        services.import_apply(batch=batch)
    assert not Participant.objects.filter(email="maya@acme.test").exists()


def test_a_manager_cycle_through_people_already_in_the_pool(world):
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="a.csv", content=csv_bytes(ROWS)
    )
    services.import_apply(batch=batch)
    # Maya would now report to Olu, who reports (through Noor) to Maya.
    loop = [["Maya Boss", "maya@acme.test", "Operations", "Leeds", "5", "olu@acme.test", "12"]]
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="b.csv", content=csv_bytes(loop)
    )
    plan = services.import_plan(batch)
    assert (
        "Managers form a loop: maya@acme.test → olu@acme.test → noor@acme.test → maya@acme.test."
        in plan.rows[0].errors
    )


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("latin-1", b""), ("cp1252", b"")],
)
def test_text_encodings(world, encoding, bom):
    name = "Zoë O\u2019Brien" if encoding != "latin-1" else "Zoë Ångström"
    content = bom + csv_bytes([[name, "zoe@acme.test", "Café", "", "", "", ""]], encoding=encoding)
    headers, rows = read_table(content, "people.csv")
    assert headers[0] == "name"  # no BOM left on the first header
    assert rows[0][0] == name
    assert rows[0][2] == "Café"


def test_semicolon_separated_csv(world):
    headers, rows = read_table(csv_bytes(ROWS, delimiter=";"), "people.csv")
    assert headers[:2] == ["name", "email"]
    assert rows[1][5] == "maya@acme.test"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"x" * (MAX_BYTES + 1), "big.csv", "the limit is 10 MB"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "is not a CSV or XLSX spreadsheet"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "could not be opened as an XLSX workbook"),
        (b"   \n", "empty.csv", "The file is empty."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
            "old.xls",
            "is not a CSV or XLSX spreadsheet",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(client, world, content, name, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_table(content, name)
    client.force_login(world.admin)
    response = upload(client, content, name)
    assert message in html.unescape(response.content.decode())
    assert not ParticipantImport.objects.exists()


def test_a_20_mb_upload_is_refused(client, world):
    client.force_login(world.admin)
    response = upload(client, b"name,email\n" + b"a" * (20 * 1024 * 1024), "huge.csv")
    assert b"The file is 20.0 MB; the limit is 10 MB" in response.content
    assert not ParticipantImport.objects.exists()


def test_formula_cells_stay_text_and_are_escaped_on_export(client, world):
    dangerous = ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)"]
    rows = [
        [
            f"{dangerous[1]} Name",
            "f@acme.test",
            dangerous[0],
            dangerous[1],
            dangerous[2],
            "",
            dangerous[3],
        ]
    ]
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="f.csv", content=csv_bytes(rows)
    )
    services.import_apply(batch=batch)
    person = Participant.objects.get(email="f@acme.test")
    assert person.department == dangerous[0]  # stored as the text it was
    client.force_login(world.admin)
    exported = client.get("/o/acme/people/export.csv").content.decode()
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@SUM(A1)" in cells


def test_xlsx_formulas_are_read_as_text_not_evaluated(world):
    _, rows = read_table(xlsx_bytes([["=1+1", "x@acme.test", "", "", "", "", ""]]), "p.xlsx")
    assert rows[0][0] == "=1+1"


def around(limit: int) -> st.SearchStrategy[str]:
    """Values at, just under and just over a length limit, in characters that take two bytes."""
    return st.integers(limit - 1, limit + 1).map(lambda n: "é" * n)


# Anything a spreadsheet cell can hold, NUL and astral characters included (not lone surrogates,
# which no file encoding can carry).
anything = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)


def cell(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(anything, around(limit))


def address(length: int) -> str:
    return "a" * (length - len("@acme.test")) + "@acme.test"


emails = st.one_of(
    st.sampled_from(["a@acme.test", "B@Acme.test", "c@acme.test", "bad", "", "İnfo@acme.test"]),
    st.integers(252, 256).map(address),  # the email column holds 254 characters
    anything.map(lambda text: f"{text}@acme.test"),
)
# Mostly no manager or one in the file, so that many files are otherwise fine.
managers = st.one_of(st.sampled_from(["", "", "a@acme.test", "c@acme.test"]), emails)
rows_strategy = st.lists(
    st.tuples(cell(150), emails, cell(500), cell(500), cell(500), managers, cell(500)).map(list),
    min_size=0,
    max_size=6,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows_strategy, header_ok=st.booleans())
def test_any_file_previews_and_imports_completely_or_changes_nothing(
    client, world, rows, header_ok
):
    """Values at and beyond every field's limit, bad addresses, NUL: the preview shows each
    row's reason and never fails; applying stores every row exactly or refuses and writes
    nothing. A refusal is the plan's, never the database's (run on PostgreSQL in CI)."""
    header = HEADER if header_ok else ["name", "emial", *HEADER[2:]]
    before = snapshot(world.org)
    content = csv_bytes(rows, header=header)
    try:
        batch = services.import_upload(
            organisation=world.org, by=world.admin, filename="p.csv", content=content
        )
    except ValidationError:  # refused as a whole (binary-looking, no rows): nothing kept
        assert snapshot(world.org) == before
        return
    client.force_login(world.admin)
    assert client.get(f"/o/acme/people/import/{batch.pk}/").status_code == 200
    plan = services.import_plan(batch)
    try:
        services.import_apply(batch=batch)
    except ValidationError as refusal:
        assert not plan.ok, refusal.messages
        assert "the database refused" not in " ".join(refusal.messages)
        assert snapshot(world.org) == before
        return
    assert plan.ok
    stored = {p.email: p for p in Participant.objects.filter(organisation=world.org)}
    for row in plan.rows:
        assert row.record is not None
        person = stored[row.record.email]
        assert (person.name, person.department, person.site, person.job_level) == (
            row.record.name,
            row.record.department,
            row.record.site,
            row.record.job_level,
        )
        assert person.attributes == dict(row.record.attributes)
        assert (person.manager.email if person.manager else "") == row.record.manager_email


def test_values_over_a_column_s_limit_are_row_errors(world):
    rows = [
        ["N" * 151, "x@acme.test", "", "", "", "", ""],
        ["Ok", address(255), "", "", "", "", ""],
        ["Ok", "y@acme.test", "D" * 501, "", "", "", ""],
        ["Nul\x00", "z@acme.test", "", "", "", "", "t\x00"],
    ]
    # A NUL near the start of a file makes it look binary (refused whole); planned directly,
    # the rows show what the plan says of a NUL further in.
    plan = plan_import(HEADER, rows, {}, check=services.stored_value_problems)
    errors = {row.line: " ".join(row.errors) for row in plan.rows}
    assert "at most 150 characters (it has 151)" in errors[2]
    assert "at most 254 characters (it has 255)" in errors[3]
    assert "at most 500 characters (it has 501)" in errors[4]
    assert "Null characters are not allowed" in errors[5]
    assert "tenure_years" in errors[5]  # the extra column's value is checked too
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="p.csv", content=csv_bytes(rows[:3])
    )
    with pytest.raises(ValidationError):
        services.import_apply(batch=batch)
    assert not Participant.objects.filter(email__in=["x@acme.test", "y@acme.test"]).exists()


def test_imports_and_invitations_share_django_s_email_validator(client, world):
    # Addresses the old hand-written pattern let through and Django refuses, and the reverse.
    refused = ["a@b.c", "two@@acme.test", "sp ace@acme.test", "dot.@acme.test"]
    accepted = ["o'neil+sets@acme.test"]
    rows = [[f"P{i}", email, "", "", "", "", ""] for i, email in enumerate(refused + accepted)]
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="p.csv", content=csv_bytes(rows)
    )
    by_email = {row.email: row for row in services.import_plan(batch).rows}
    client.force_login(world.admin)
    for email in refused:
        assert "Enter a valid email address." in by_email[email].errors[0]
        page = client.post("/o/acme/members/invite/", {"email": email, "roles": ["participant"]})
        assert b"Enter a valid email address." in page.content
    for email in accepted:
        assert not by_email[email].errors


def test_an_entry_whose_address_differs_only_in_case_is_updated_not_duplicated(world):
    Participant.objects.create(organisation=world.org, email="Maya@Acme.test", name="Maya")
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="p.csv", content=csv_bytes(ROWS[:1])
    )
    services.import_apply(batch=batch)
    assert Participant.objects.filter(email__iexact="maya@acme.test").count() == 1
    assert Participant.objects.get(email__iexact="maya@acme.test").name == "Maya Boss"


def test_an_export_imports_again_unchanged(client, world):
    services.import_apply(
        batch=services.import_upload(
            organisation=world.org, by=world.admin, filename="a.csv", content=csv_bytes(ROWS)
        )
    )
    client.force_login(world.admin)
    exported = client.get("/o/acme/people/export.csv").content
    batch = services.import_upload(
        organisation=world.org, by=world.admin, filename="export.csv", content=exported
    )
    plan = services.import_plan(batch)
    assert plan.ok
    assert {row.status for row in plan.rows} == {RowStatus.UNCHANGED}


def test_a_csv_export_is_read_as_data_whatever_the_separator():
    """Numbers stay numbers (a negative ROI too); text is quoted, and text that would start a
    formula shows as text, in a spreadsheet that splits on commas or on semicolons."""
    body = write_csv(
        ["figure", "value"],
        [["ROI %", Decimal("-35.2")], ["x;=1+1", 3], ["=HYPERLINK(1)", None], ["-2+3", "ok"]],
    )
    rows = list(csv.reader(io.StringIO(body), quoting=csv.QUOTE_NONNUMERIC))
    assert rows[1] == ["ROI %", -35.2] and rows[2] == ["x;=1+1", 3]  # numbers parsed as numbers
    assert rows[3] == ["'=HYPERLINK(1)", ""] and rows[4] == ["'-2+3", "ok"]
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(body), delimiter=delimiter):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (delimiter, cell)
                numeric = cell.lstrip("-").replace(".", "").isdigit()
                assert not (cell.startswith("-") and not numeric), (delimiter, cell)
