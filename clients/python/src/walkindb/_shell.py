"""``python -m walkindb shell``: an interactive SQL shell on one walk-in."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, TextIO

from ._cli_output import countdown, table
from .client import Client
from .errors import WalkinDBError

try:  # sqlite3 is optional in some Python builds; it only tells when a statement ends.
    from sqlite3 import complete_statement as _complete
except ImportError:  # pragma: no cover
    def _complete(text: str) -> bool:
        return text.rstrip().endswith(";")

HISTORY_FILE = "~/.walkindb_history"
HISTORY_LENGTH = 1000

HELP = """\
Enter SQL ending with ';' (it may span several lines). Dot commands:
  .tables             list the tables and views
  .schema [TABLE]     show the CREATE statements (of one table, or all)
  .export FILE        download the walk-in: FILE.sqlite / FILE.db (a SQLite file) or FILE.sql (SQL text)
  .import FILE TABLE  load a CSV file (with a header line) into TABLE
  .session            show the session token and the time left
  .help               this text
  .quit               leave (also .exit, or end of input)
The walk-in is deleted 10 minutes after it was created; the prompt counts down."""


class Shell:
    def __init__(self, client: Client, stdin: TextIO, stdout: TextIO, stderr: TextIO, interactive: bool) -> None:
        self.client = client
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.interactive = interactive
        self.commands: Dict[str, Callable[[List[str]], None]] = {
            ".tables": self.tables,
            ".schema": self.schema,
            ".export": self.export,
            ".import": self.import_csv,
            ".session": self.session,
            ".help": lambda args: self.say(HELP),
        }

    def prompt(self, continued: bool) -> str:
        if continued:
            return "    ...> "
        if self.client.session is None:
            return "walkindb (new)> "
        left = countdown(self.client.expires_at)
        return "walkindb {}> ".format(left) if left else "walkindb> "

    def read_line(self, continued: bool) -> Optional[str]:
        if self.interactive:
            try:
                return input(self.prompt(continued))
            except EOFError:
                self.say("")
                return None
        line = self.stdin.readline()
        return line.rstrip("\n") if line else None

    def run(self) -> int:
        if self.interactive:
            self.say('walkindb shell on {}. ".help" for help, ".quit" to leave.'.format(self.client.base_url))
        buffer: List[str] = []
        while True:
            try:
                line = self.read_line(bool(buffer))
            except KeyboardInterrupt:
                self.say("^C")
                buffer = []
                continue
            if line is None:
                if buffer:
                    self.sql("\n".join(buffer))  # the last statement may lack its ';'
                return 0
            if not buffer and line.strip().startswith("."):
                if not self.dot(line.strip()):
                    return 0
                continue
            if not buffer and not line.strip():
                continue
            buffer.append(line)
            text = "\n".join(buffer)
            if _complete(text):
                buffer = []
                try:
                    self.sql(text)
                except KeyboardInterrupt:
                    self.say("^C (the call may still run on the server)")

    def dot(self, line: str) -> bool:
        """Run a dot command; False means leave."""
        try:
            words = shlex.split(line)
        except ValueError as exc:
            self.warn("cannot parse {}: {}".format(line, exc))
            return True
        name, args = words[0], words[1:]
        if name in (".quit", ".exit", ".q"):
            return False
        command = self.commands.get(name)
        if command is None:
            self.warn('unknown command {}; ".help" lists them'.format(name))
            return True
        try:
            command(args)
        except WalkinDBError as exc:
            self.warn(str(exc))
        except OSError as exc:
            self.warn(str(exc))
        return True

    def sql(self, text: str) -> None:
        had_session = self.client.session is not None
        try:
            result = self.client.execute(text)
        except WalkinDBError as exc:
            self.warn(str(exc))
        else:
            self.say(table(result))
        self.announce(had_session)

    def announce(self, had_session: bool) -> None:
        """Say so when a call just created the walk-in."""
        if not had_session and self.client.session is not None:
            left = countdown(self.client.expires_at)
            self.warn("new walk-in, session {}{}".format(self.client.session, ", expires in " + left if left else ""))

    def tables(self, args: List[str]) -> None:
        result = self.client.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        self.say("\n".join(row[0] for row in result.rows) if result.rows else "(no tables)")

    def schema(self, args: List[str]) -> None:
        if len(args) > 1:
            self.warn("usage: .schema [TABLE]")
            return
        sql = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        if args:
            result = self.client.execute(sql + " AND tbl_name = ? ORDER BY type DESC, name", [args[0]])
        else:
            result = self.client.execute(sql + " ORDER BY tbl_name, type DESC, name")
        self.say("\n".join(row[0] + ";" for row in result.rows) if result.rows else "(no schema)")

    def export(self, args: List[str]) -> None:
        if len(args) != 1:
            self.warn("usage: .export FILE.sqlite|FILE.db|FILE.sql")
            return
        path = Path(os.path.expanduser(args[0]))
        suffix = path.suffix.lower()
        if suffix == ".sql":
            path.write_text(self.client.export_sql(), encoding="utf-8")
        elif suffix in (".sqlite", ".sqlite3", ".db"):
            path.write_bytes(self.client.export())
        else:
            self.warn("name the file .sqlite, .sqlite3 or .db (a SQLite file) or .sql (SQL text)")
            return
        self.say("wrote {} ({} bytes)".format(path, path.stat().st_size))

    def import_csv(self, args: List[str]) -> None:
        if len(args) != 2:
            self.warn("usage: .import FILE.csv TABLE")
            return
        had_session = self.client.session is not None
        try:
            done = self.client.import_csv(args[1], Path(os.path.expanduser(args[0])))
        finally:
            self.announce(had_session)
        self.say("imported {} row{} into {} ({})".format(
            done.rows_affected, "" if done.rows_affected == 1 else "s", done.table, ", ".join(done.columns)))

    def session(self, args: List[str]) -> None:
        if self.client.session is None:
            self.say("no walk-in yet: the first statement creates one")
            return
        left = countdown(self.client.expires_at)
        if left is None:
            expiry = "expiry unknown (the session was given, not created here)"
        elif left == "expired":
            expiry = "expired"
        else:
            expiry = "expires in " + left
        self.say("session {}\n{}".format(self.client.session, expiry))

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def warn(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)


def run_shell(client: Client) -> int:
    interactive = sys.stdin.isatty()
    history = None
    if interactive:
        try:
            import readline
        except ImportError:  # e.g. Windows without pyreadline
            readline = None  # type: ignore[assignment]
        if readline is not None:
            history = os.path.expanduser(HISTORY_FILE)
            try:
                readline.read_history_file(history)
            except OSError:
                pass  # no history yet
            readline.set_history_length(HISTORY_LENGTH)
    try:
        return Shell(client, sys.stdin, sys.stdout, sys.stderr, interactive).run()
    finally:
        if history is not None:
            try:
                readline.write_history_file(history)
            except OSError:
                pass
        client.close()
