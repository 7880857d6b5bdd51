"""Where a project's content, templates and outputs live, and how to find the project from a folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where a project's content, templates and outputs live."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def brands(self) -> Path:
        return self.content / "brands"

    @property
    def references_dir(self) -> Path:
        return self.content / "references"

    def topic_files(self) -> list[Path]:
        """Return every topic in content/, sorted (other YAML files live in subfolders or build.yaml)."""
        return sorted(p for p in self.content.glob("*.yaml") if p.name != "build.yaml")


def find_project(start: Path | None = None) -> Project:
    """Return the project holding the current folder, else the one this package was installed from."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "templates").is_dir() and (folder / "content").is_dir():
            return Project(folder)
    return Project(Path(__file__).resolve().parent.parent)
