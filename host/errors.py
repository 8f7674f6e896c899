"""The one exception type a user should ever see from the CLI, with its exit code."""

from __future__ import annotations

#: Exit codes that mean something to scripts driving the CLI.
EXIT_OK = 0
EXIT_USAGE = 2        # bad arguments or configuration
EXIT_DATA = 3         # input file missing, truncated or corrupt
EXIT_NOT_FOUND = 4    # a named thing (symbol, register, component) does not exist


class UserError(Exception):
    """An error caused by the user's input: printed as one line, never as a traceback.

    Parameters
    ----------
    message : str
        What was wrong and, where it helps, what to do about it.
    exit_code : int
        One of the ``EXIT_*`` codes above.
    """

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.exit_code = exit_code


class DataError(UserError):
    """Input data is missing, truncated or corrupt; the message names the byte offset."""

    def __init__(self, message: str):
        super().__init__(message, EXIT_DATA)


class ConfigError(UserError):
    """A configuration file is wrong: one line per problem, ``FILE: TOML.PATH: what``.

    Parameters
    ----------
    source : str
        The file (or ``<string>``) the configuration came from.
    problems : sequence of (str, str)
        ``(toml_path, what)``; an empty path is about the whole file.
    exit_code : int
        ``EXIT_USAGE`` by default; ``EXIT_NOT_FOUND`` when the day does not list a stock.
    """

    def __init__(self, source: str, problems, exit_code: int = EXIT_USAGE):
        self.source = source
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {path}: {what}" if path else f"{source}: {what}"
                                   for path, what in self.problems), exit_code)
