"""A project: a folder with handouts.yaml, found from the current folder upward (as mkdocs finds mkdocs.yml).

handouts.yaml names the project and its content, output and templates folders (all inside the project), and
holds the default build matrix. Templates are looked up in a list of roots: the project's own templates/ first,
then the ones that ship with the tool, file by file, so a project overrides one packaged file by writing its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from handouts.content.taglines import TaglineSettings, tagline_settings, taglines_type
from handouts.content.typefaces import fonts_type, script_faces
from handouts.errors import InputError, Location, Problem, ProblemList, display_name
from handouts.files.digests import digest
from handouts.files.resources import packaged_templates
from handouts.files.snapshot import pinned
from handouts.fonts.scripts import ScriptFace
from handouts.matrix import Matrix, matrix_from, matrix_type
from handouts.source.schema import INVALID, Field, PatternType, RecordType, TextType
from handouts.source.yamlsource import read_yaml

PROJECT_FILE = "handouts.yaml"
LEGACY_MATRIX = "build.yaml"  # handouts 0.1 kept the matrix in content/build.yaml

_folder = PatternType(
    r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*",
    "a folder inside the project, written relative to it",
    "for example 'content' or 'site/output'",
)
project_type = RecordType(
    {
        "name": Field(TextType()),
        "content": Field(_folder, required=False),
        "output": Field(_folder, required=False),
        "templates": Field(_folder, required=False),
        "matrix": Field(matrix_type, required=False),
        "fonts": Field(fonts_type, required=False),  # a typeface by script, for every output (content/typefaces.py)
        "taglines": Field(taglines_type, required=False),  # the clinic's taglines, unless a brand names its own
    }
)
DEFAULT_FOLDERS = {"content": "content", "output": "output", "templates": "templates"}


@dataclass(frozen=True)
class Settings:
    """What handouts.yaml says, with its folders resolved inside the project."""

    name: str
    content: Path
    output: Path
    templates: Path
    matrix: Matrix
    fonts: tuple[tuple[str, ScriptFace], ...] = ()  # the typefaces handouts.yaml names by script
    taglines: TaglineSettings | None = None  # the language-assistance taglines every output that asks prints


@dataclass(frozen=True)
class Project:
    """A project folder. Only the root travels to worker processes; each reads handouts.yaml itself."""

    root: Path

    @property
    def file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def settings(self) -> Settings:
        return load_settings(self.root)

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def content(self) -> Path:
        return self.settings.content

    @property
    def output(self) -> Path:
        return self.settings.output

    @property
    def own_templates(self) -> Path:
        return self.settings.templates

    @property
    def templates(self) -> tuple[Path, ...]:
        """Return the template roots in lookup order: the project's own folder (if any), then the packaged one.

        In this repository the project's templates/ is the packaged folder itself; it is searched once.
        """
        return pinned(("template roots", self.root), self._template_roots)

    def _template_roots(self) -> tuple[Path, ...]:
        roots: list[Path] = []
        for folder in (self.own_templates, packaged_templates()):
            if folder.is_dir() and all(folder.resolve() != root.resolve() for root in roots):
                roots.append(folder)
        return tuple(roots)

    @property
    def brands(self) -> Path:
        return self.content / "brands"

    @property
    def references_dir(self) -> Path:
        return self.content / "references"

    @property
    def matrix(self) -> Matrix:
        return self.settings.matrix

    def topic_files(self) -> list[Path]:
        """Return every topic in the content folder, sorted (brands and references live in its subfolders)."""
        return sorted(self.content.glob("*.yaml"))


def load_settings(root: Path) -> Settings:
    """Return the settings in root/handouts.yaml (read again when it changed), or raise InputError with every
    problem at its line."""
    return _settings(root, digest(root / PROJECT_FILE))


@lru_cache(maxsize=8)
def _settings(root: Path, _digest: str) -> Settings:
    path = root / PROJECT_FILE
    if not path.is_file():
        # A Project made in code for a folder without the file (a test's scratch folder): the defaults.
        folders = {key: root / value for key, value in DEFAULT_FOLDERS.items()}
        return Settings(root.name, folders["content"], folders["output"], folders["templates"], matrix_from(None))
    problems = ProblemList()
    data = project_type.check(read_yaml(path, display_name(path)), problems, "")
    if data is INVALID:
        problems.raise_if_any()
    folders = {}
    for key, default in DEFAULT_FOLDERS.items():
        value = data.get(key, default)
        folder = (root / value).resolve()
        where = getattr(value, "loc", None) or Location(display_name(path))
        if not folder.is_relative_to(root.resolve()) or folder == root.resolve():
            problems.add(where, f"'{key}' must be a folder inside the project, not '{value}'", "for example " + default)
        folders[key] = root / value
    _check_folders_apart(folders, data, path, problems)
    faces = script_faces(data.get("fonts"), root, problems)
    legacy = folders["content"] / LEGACY_MATRIX
    if legacy.is_file():
        problems.add(
            Location(display_name(legacy)),
            f"{LEGACY_MATRIX} is no longer read: the build matrix now lives in {PROJECT_FILE}",
            f"move its keys under 'matrix:' in {path.name} and delete it",
        )
    problems.raise_if_any()
    return Settings(
        str(data["name"]),
        folders["content"],
        folders["output"],
        folders["templates"],
        matrix_from(data.get("matrix")),
        tuple(sorted(faces.items())),
        tagline_settings(data.get("taglines")),
    )


def _check_folders_apart(folders: dict[str, Path], data: dict, path: Path, problems: ProblemList) -> None:
    """Report an output folder that is, holds or lies inside the content or templates folder.

    A build replaces and removes files in its output folder; it must never be one that holds the sources.
    """
    output = folders["output"].resolve()
    for key in ("content", "templates"):
        source = folders[key].resolve()
        if output == source or output.is_relative_to(source) or source.is_relative_to(output):
            where = getattr(data.get("output"), "loc", None) or Location(display_name(path))
            problems.add(where, f"the output folder must be apart from the {key} folder", "for example 'output'")


def refuse_source_folder(project: Project, folder: Path, option: str = "--out") -> None:
    """Raise InputError when `folder`, an output folder the command line names, is the project folder, or is, holds
    or lies inside the content or a templates folder: what handouts.yaml refuses for `output:`, and for the same
    reason (a build replaces and removes files in its output folder)."""
    out = folder.resolve()
    if out == project.root.resolve():
        raise InputError(
            Problem(
                None,
                f"{option} {folder}: the output folder cannot be the project folder itself",
                "choose a folder of its own, for example output",
            )
        )
    for what, source in (
        ("content", project.content),
        ("templates", project.own_templates),
        ("tool's templates", packaged_templates()),
    ):
        real = source.resolve()
        if out == real or out.is_relative_to(real) or real.is_relative_to(out):
            raise InputError(
                Problem(
                    None,
                    f"{option} {folder}: the output folder must be apart from the {what} folder",
                    "choose a folder of its own, for example output",
                )
            )


def find_project(start: Path | None = None) -> Project:
    """Return the project holding `start` (the current folder by default): the nearest folder, going up, with
    handouts.yaml. Its settings are read at once, so a broken handouts.yaml is reported before anything else."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            project = Project(folder)
            load_settings(folder)
            return project
    raise InputError(_no_project(here, named=start is not None))


def _no_project(here: Path, named: bool) -> Problem:
    """Return the problem of a folder with no project, with the way out that fits it."""
    where = (
        f"in {here} (no {PROJECT_FILE} there or above)"
        if named
        else f"here (no {PROJECT_FILE} in this folder or above)"
    )
    hint = f"run `handouts init {here}`" if named else "run `handouts init`"
    for folder in (here, *here.parents):
        if (folder / "content" / LEGACY_MATRIX).is_file():
            hint = (
                f"{folder} looks like a handouts 0.1 project: write {folder / PROJECT_FILE} with 'name:' and move "
                f"content/{LEGACY_MATRIX} under 'matrix:' in it"
            )
            break
    return Problem(None, f"no handouts project {where}", hint)
