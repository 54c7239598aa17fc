"""The API's resources, one module for each part of the product: its schemas and its
operations, thin as the pages' views (an access helper, one selector or service, a schema).
Importing the package registers them all on the api."""

from . import figures, formation, learning, meetings, people, programmes  # noqa: F401
