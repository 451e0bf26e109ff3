"""Python client for walkindb: disposable SQLite databases for LLM agents.

The first call to :meth:`Client.execute` provisions a private SQLite database
(a "walk-in") on the server; the client keeps its session token and sends it on
every later call. The server deletes the walk-in ten minutes after creating it.

    >>> from walkindb import Client
    >>> db = Client("http://127.0.0.1:8080")
    >>> db.execute("SELECT 1 AS one").rows
    [[1]]
"""

from ._version import __version__
from .client import Client
from .errors import *  # noqa: F401,F403  (every error class, listed in errors.__all__)
from .errors import __all__ as _error_names
from .result import CsvImport, Result

__all__ = ["Client", "CsvImport", "Result", "__version__"] + list(_error_names)
