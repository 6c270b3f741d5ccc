"""Exception hierarchy. Every message names the origin, what was found, what was expected
and what to do. Subclasses also inherit the matching builtin."""

from __future__ import annotations


class GsnlpError(Exception):
    """Base class of every gsnlp error. ``code`` is stable and documented."""

    code = "E000"

    def __init__(self, message: str, *, origin: str | None = None) -> None:
        self.origin = origin
        self.message = message
        super().__init__(f"[{self.code}] {origin + ': ' if origin else ''}{message}")


class InputError(GsnlpError, ValueError):
    """The input cannot be read as a report."""

    code = "E100"


class EmptyInputError(InputError):
    code = "E101"


class BinaryInputError(InputError):
    code = "E102"


class EncodingError(InputError, UnicodeError):
    code = "E103"


class NotAReportError(InputError):
    """A readable file that is not an annual report: no template section heading and no template
    table (a README, a TSV, a catalogue page listing reports, gsnlp's own audit page)."""

    code = "not_a_report"


class UnsupportedFormatError(InputError):
    code = "E105"


class HostileInputError(InputError):
    """A file that would exhaust time or memory (zip bomb, external entities, …)."""

    code = "E106"


class InputTooComplexError(HostileInputError):
    """An input past a size or complexity cap (a table grid of millions of positions, a
    digit run too long to split): refused before the work, naming the place and the limit."""

    code = "input_too_complex"


class DamagedInputError(InputError):
    """A reader's library failed on the file (a damaged deflate stream, a broken package part):
    the file is damaged or not what its format says."""

    code = "E109"


class NoSuchFileError(InputError, FileNotFoundError):
    """The input path does not exist (E100 was shared with other causes before)."""

    code = "E107"


class NoTextLayerError(InputError):
    """A PDF whose pages carry no text (scanned images): it needs OCR first."""

    code = "E108"


class UnknownNameError(GsnlpError, KeyError):
    """An unknown backend, table, rule or other registered name."""

    code = "E200"

    def __init__(self, kind: str, name: str, known: list[str] | tuple[str, ...]) -> None:
        super().__init__(f"unknown {kind} {name!r}; known: {', '.join(sorted(known))}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message if not self.origin else f"{self.origin}: {self.message}"


class MissingExtraError(GsnlpError, ImportError):
    """A backend needs an optional dependency that is not installed."""

    code = "E300"

    def __init__(self, what: str, extra: str, module: str) -> None:
        super().__init__(f"{what} needs the Python package {module!r}; install it with: pip install 'gsnlp[{extra}]'")


class NotFittedError(GsnlpError, ValueError, AttributeError):
    code = "E400"


class SchemaError(GsnlpError, ValueError):
    """A JSON document does not follow the expected gsnlp schema."""

    code = "E500"


class BatchError(GsnlpError, RuntimeError):
    """A batch run could not write its outputs (the inputs themselves are accounted for)."""

    code = "E600"


class ConfigError(GsnlpError, ValueError):
    """A setting (environment variable, config value) has a value gsnlp cannot use."""

    code = "E700"


def threads_from_env(var: str, most: int = 256) -> int:
    """A count of threads set by environment variable ``var``: unset or empty is 1; anything but a
    whole number from 1 to ``most`` is a :class:`ConfigError` naming the variable."""
    import os

    raw = os.environ.get(var, "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ConfigError(f"{var}={raw!r}: expected a whole number of threads from 1 to {most} "
                          "(unset it for the default, 1)", origin=var)
    return int(raw)
