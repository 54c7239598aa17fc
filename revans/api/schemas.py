"""What every resource may answer with besides its own schema (each resource's schemas are in
its module of `endpoints`)."""

from ninja import Schema


class Problem(Schema):
    """An error, as RFC 9457 describes it (application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
