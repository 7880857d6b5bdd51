"""The one Jinja environment: sandboxed, autoescaping, strict, and turning content text into safe markup."""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from handouts.content.audience import MissingText
from handouts.content.model import CITATION
from handouts.errors import BuildError, InputError, Location, Problem
from handouts.files.inputfiles import input_problem
from handouts.paths import shown
from handouts.templating.compiled import attach

MAX_OUTPUT_CHARS = 2_000_000
MAX_RENDER_SECONDS = 10.0


class ConfinedLoader(FileSystemLoader):
    """Load templates only from files that really lie inside the search folders, symlinks resolved."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for root in self.searchpath:  # look before reading: a pipe or device named like a template would hang it
            candidate = Path(root) / template
            if os.path.lexists(candidate):
                problem = input_problem(candidate, links_inside_project=False)
                if problem:
                    raise BuildError(Problem(Location(shown(candidate)), f"cannot read the template: {problem}"))
                break
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(root).resolve()) for root in self.searchpath):
            raise TemplateNotFound(template)
        return source, filename, uptodate


# While `printed_texts()` is open: where each content text a template printed was written.
_printed: ContextVar[set[Location] | None] = ContextVar("printed", default=None)


@contextmanager
def printed_texts() -> Iterator[set[Location]]:
    """Collect, while open, the places of the topic's texts that templates print (what reaches an output)."""
    seen: set[Location] = set()
    token = _printed.set(seen)
    try:
        yield seen
    finally:
        _printed.reset(token)


def markup_text(value: Any) -> Markup:
    """Escape content text for the markup; citations become <cite/> that say where they were written, line
    breaks <br/>."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise BuildError("a template printed a value that is missing; guard it with {% if ... %}")
    if isinstance(value, MissingText):  # the topic lacks text this output needs: the author's problem, at its key
        raise InputError(value.problem())
    loc = getattr(value, "loc", None)
    seen = _printed.get()
    if seen is not None and loc is not None:
        seen.add(loc)
    text = str(escape(str(value)))
    at = f' at="{escape(str(loc))}"' if loc is not None else ""
    text = CITATION.sub(lambda m: '<cite ids="' + " ".join(re.findall(r"@([a-z0-9-]+)", m.group(0))) + f'"{at}/>', text)
    return Markup(text.replace("\n", "<br/>"))


def origin(value: Any) -> str:
    """Return where a content text was written, "file:line:col", for a block's at="" in the markup."""
    loc = getattr(value, "loc", None)
    return str(loc) if loc is not None else ""


MAX_REPEAT = 100_000


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with `*` and `**` bounded so that a template cannot build a gigabyte string or number."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise SecurityError("exponents above 64 are not allowed in templates")
        if operator == "*":
            sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
            counts = [v for v in (left, right) if isinstance(v, int)]
            if sizes and counts and sizes[0] * max(counts[0], 0) > MAX_REPEAT:
                raise SecurityError(f"repeating text or lists past {MAX_REPEAT:,} items is not allowed in templates")
        return super().call_binop(context, operator, left, right)


def make_environment(search_path: Sequence[Path]) -> ImmutableSandboxedEnvironment:
    """Return a sandboxed environment that looks for templates in `search_path`, first match wins."""
    env = _BoundedSandbox(
        loader=ConfinedLoader([str(p) for p in search_path]),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=markup_text,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["text"] = markup_text
    env.filters["at"] = origin
    env.filters["citations"] = citations_in
    return attach(env)  # compiled templates kept on disk, keyed by their sources' digests


def citations_in(value: Any) -> str:
    """Return the references the texts inside `value` cite, each once in order, as one citation "[@a; @b]" (""
    when they cite none): a slide that shows points in place of cited text can still say where its claims are
    from."""
    from handouts.content.model import iter_texts

    found: dict[str, None] = {}
    for text in iter_texts(value):
        for match in CITATION.finditer(str(text)):
            found.update(dict.fromkeys(re.findall(r"@([a-z0-9-]+)", match.group(0))))
    return "[" + "; ".join(f"@{ref_id}" for ref_id in found) + "]" if found else ""


class _TooSlow(Exception):
    """The template ran past its time limit."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (only in a main thread, where signals arrive; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@lru_cache(maxsize=32)
def _environment(search_path: tuple[Path, ...]) -> ImmutableSandboxedEnvironment:
    # One environment per template search path, so each template is compiled once per process
    # (Jinja still reloads a template whose file changed).
    return make_environment(search_path)


def render_markup(search_path: Sequence[Path], entry: str, context: dict[str, Any]) -> str:
    """Render template `entry` with `context` and return the markup text, within time and size limits."""
    env = _environment(tuple(search_path))
    try:
        with _time_limit(MAX_RENDER_SECONDS):
            return _render(env, entry, context)
    except _TooSlow:
        raise BuildError(
            Problem(
                template_location(search_path, entry),
                f"template '{entry}' ran longer than {MAX_RENDER_SECONDS:g} s",
                "simplify its loops",
            )
        ) from None
    except BuildError as exc:
        # A problem without a place of its own is the template's, never the topic's.
        where = template_location(search_path, entry)
        raise BuildError([Problem(p.location or where, p.message, p.hint) for p in exc.problems]) from None


def template_location(search_path: Sequence[Path], entry: str) -> Location:
    """Return where template `entry` is, as messages show it: the first search folder that has it."""
    for folder in search_path:
        if (folder / entry).exists():
            return Location(shown(folder / entry))
    return Location(shown(search_path[0] / entry) if search_path else entry)


def _render(env: ImmutableSandboxedEnvironment, entry: str, context: dict[str, Any]) -> str:
    try:
        template = env.get_template(entry)
        chunks = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise BuildError(f"template '{entry}' produced more than {MAX_OUTPUT_CHARS:,} characters")
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateNotFound as exc:
        raise BuildError(f"template '{exc.name}' not found in the template folders") from None
    except SecurityError as exc:
        where = _template_frame(exc)
        raise BuildError(Problem(where, f"template '{entry}' tried something the sandbox forbids: {exc}")) from None
    except TemplateError as exc:
        filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        where = Location(shown(filename), lineno) if filename and lineno else _template_frame(exc)
        raise BuildError(Problem(where, f"template error in '{entry}': {exc.message}")) from None
    except BuildError as exc:  # raised by our filters while the template ran: the template's line is the place
        where = _template_frame(exc)
        raise BuildError([Problem(p.location or where, p.message, p.hint) for p in exc.problems]) from None
    except RUNAWAY as exc:  # what a template's own code raises: too big a range, endless recursion, 1 / 0
        raise BuildError(
            Problem(
                _template_frame(exc) or template_location_of(env, entry),
                f"template '{entry}' failed: {_what_failed(exc)}",
                "fix the template at this line",
            )
        ) from None


# What a template's own expressions can raise inside the sandbox. Anything else is a bug of the tool's.
RUNAWAY = (ArithmeticError, LookupError, TypeError, ValueError, AttributeError, RecursionError, MemoryError)


def _what_failed(exc: BaseException) -> str:
    """Return what went wrong, in the words of the exception (its first line) and its kind."""
    if isinstance(exc, RecursionError):
        return "endless recursion (a macro that calls itself without end?)"
    if isinstance(exc, MemoryError):
        return "it made something too large to hold in memory"
    text = str(exc).splitlines()[0].rstrip(".") if str(exc) else ""
    kinds: dict[type[BaseException], str] = {
        ZeroDivisionError: "division by zero",
        OverflowError: "a number or range too large",
    }
    kind = kinds.get(type(exc), "")
    return ", ".join(part for part in (kind, text[:200]) if part) or type(exc).__name__


def template_location_of(env: ImmutableSandboxedEnvironment, entry: str) -> Location:
    """Return where template `entry` is, from the environment's search path."""
    loader = env.loader
    folders = [Path(p) for p in getattr(loader, "searchpath", [])]
    return template_location(folders, entry)


def _template_frame(exc: BaseException) -> Location | None:
    """Return the template line an error was raised at while rendering (Jinja writes the template's own lines
    into the traceback), or None."""
    found = None
    frame = exc.__traceback__
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and Path(filename).is_file():
            found = Location(shown(filename), frame.tb_lineno)
        frame = frame.tb_next
    return found
