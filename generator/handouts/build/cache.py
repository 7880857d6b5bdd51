"""The input fingerprint of every output: the digests of the files and libraries it was made from.

An output is fresh when its fingerprint equals the one the manifest recorded (`outputs.manifest.is_fresh`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from handouts.content.brand import brand_files
from handouts.content.references import reference_digest
from handouts.content.typefaces import font_files
from handouts.errors import InputError
from handouts.files.digests import digest, digest_tree, fonts_digest, library_versions, strings_digest, tool_digest
from handouts.files.epoch import source_date_epoch
from handouts.matrix import Target
from handouts.pipeline import brand_named, library_in, references_for
from handouts.project import Project
from handouts.templating.variants import discover_variants


class InputDigests:
    """Digest the inputs of a run's outputs, each shared folder and file once per run rather than once per output.

    One run's digests describe the files as they were when it planned; a file changed while it runs is seen by
    the next run (as before: an output's inputs were always taken before it was built).
    """

    def __init__(
        self, root: Path, references: Path, template_roots: tuple[Path, ...], font_files: tuple[Path, ...] = ()
    ) -> None:
        self.root = root
        self._trees: dict[tuple[Path, str], str] = {}
        self._groups: dict[tuple[Path, ...], str] = {}
        self._files: dict[tuple[Path, ...], str] = {}
        self._topics: dict[str, str] = {}  # one run digests each topic file once, as it was when planned
        epoch = source_date_epoch()
        self.shared = {
            "references": reference_ids_digest(references),
            "shared_templates": self.folders(template_roots),
            "fonts": fonts_digest(),
            # The typefaces handouts.yaml names by script (`fonts:`); a brand's are among the brand's files.
            "project_fonts": hashlib.sha256("".join(digest(p) for p in font_files).encode()).hexdigest(),
            "tool": tool_digest(),
            # The dates written into every file come from here when it is set (checked: InputError when invalid).
            "source_date_epoch": "" if epoch is None else str(epoch),
        }

    def tree(self, folder: Path, pattern: str = "*") -> str:
        """Return `digest_tree(folder, pattern)`, computed once."""
        key = (folder, pattern)
        if key not in self._trees:
            self._trees[key] = digest_tree(folder, pattern)
        return self._trees[key]

    def folders(self, folders: tuple[Path, ...]) -> str:
        """Return one digest of the files directly in each of `folders`."""
        if folders not in self._groups:
            self._groups[folders] = hashlib.sha256("".join(self.tree(f) for f in folders).encode()).hexdigest()
        return self._groups[folders]

    def files(self, paths: tuple[Path, ...]) -> str:
        """Return one digest of the files `paths`."""
        if paths not in self._files:
            self._files[paths] = hashlib.sha256("".join(digest(p) for p in paths).encode()).hexdigest()
        return self._files[paths]

    def of(
        self,
        job: Target,
        variant_folders: tuple[Path, ...],
        brand_files: tuple[Path, ...],
        libraries: tuple[str, ...] = (),
    ) -> dict[str, str]:
        """Return the digest of every input of `job`, by a name a person can read in the manifest.

        `job.topic_path` is relative to the project root, so a moved checkout keeps its digests. `variant_folders`
        are the folders of the variant's chain in every template root; the roots' own files (labels, shared
        macros) are `shared_templates`: a file a project adds to override a packaged one counts. `libraries` are
        those the output's format declares. The references count by their ids only: what an output cites is
        recorded when it is built (`ArtifactRecord.cites`).
        """
        topic = self._topics.get(job.topic_path)
        if topic is None:
            path = self.root / job.topic_path
            topic = digest(path)
            if job.language:  # a translation's words are its own, its structure and figures its source's
                topic = strings_digest((topic, digest(path.parent / f"{job.topic_id}.yaml")))
            self._topics[job.topic_path] = topic
        inputs = {
            "topic": topic,
            "templates": self.folders(variant_folders),
            "brand": self.files(brand_files),
            "renderers": library_versions(libraries),  # the releases of the libraries that make this format's bytes
            **self.shared,
            "job": strings_digest(f"{name}={value}" for name, value in vars(job).items()),
        }
        # Names and values joined by characters neither holds: cheaper than JSON, which a catalogue feels.
        inputs["all"] = strings_digest(f"{name}={inputs[name]}" for name in sorted(inputs))
        return inputs


def reference_ids_digest(folder: Path) -> str:
    """Return a digest of the ids the reference library defines ("unreadable" when it does not load).

    Adding or removing a reference can make a topic valid or invalid, so every output depends on the ids; a
    change to one reference's text rebuilds only the outputs that cite it.
    """
    try:
        library = library_in(folder)
    except InputError:
        return "unreadable"
    return hashlib.sha256("\n".join(sorted(library)).encode()).hexdigest()


def inputs_of(project: Project, target: Target) -> dict[str, str]:
    """Return the input digests of `target`."""
    return RunInputs(project).of(target)


class RunInputs:
    """The input digests of one run's targets: every shared folder, variant and brand digested once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.variants = discover_variants(project.templates)
        fonts = tuple(font_files(dict(project.settings.fonts)))
        self.digests = InputDigests(project.root, project.references_dir, project.templates, fonts)
        self._variant_folders: dict[str, tuple[Path, ...]] = {}
        self._brand_files: dict[str, tuple[Path, ...]] = {}
        self._cited: dict[str, str] | None = None

    def of(self, target: Target) -> dict[str, str]:
        """Return the input digests of `target`."""
        if target.variant not in self._variant_folders:
            roots = self.project.templates
            own = tuple(p for p in self.variants[target.variant].search_path if p not in roots)
            self._variant_folders[target.variant] = own
        if target.brand not in self._brand_files:
            self._brand_files[target.brand] = tuple(_brand_files(self.project, target.brand))
        variant = self.variants[target.variant]
        return self.digests.of(
            target, self._variant_folders[target.variant], self._brand_files[target.brand], variant.format.libraries
        )

    def cited(self, ref_id: str) -> str:
        """Return the digest reference `ref_id` has now ("missing" when the library lacks it or does not load)."""
        if self._cited is None:
            try:
                self._cited = {key: reference_digest(ref) for key, ref in references_for(self.project).items()}
            except InputError:
                self._cited = {}
        return self._cited.get(ref_id, "missing")


def _brand_files(project: Project, name: str) -> list[Path]:
    """Return the brand's file and the files it names; a brand that does not load is checked (and refused) later."""
    if not name:
        return []
    try:
        return brand_files(brand_named(project, name), project.brands / f"{name}.yaml")
    except InputError:
        return [project.brands / f"{name}.yaml"]
