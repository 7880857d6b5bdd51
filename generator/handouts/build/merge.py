"""`handouts merge`: the output folders of sharded builds made into one output folder with one manifest.

CI builds the matrix in shards, each in its own job with its own output folder and manifest; the last job
downloads them all and merges them, so one artifact holds every output, one manifest and one gallery. Only files
a shard's manifest lists are copied, and only when they still have the hash it recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

from handouts.errors import Location, ProblemList
from handouts.files.digests import digest
from handouts.outputs.journal import ManifestJournal
from handouts.outputs.manifest import MANIFEST, ArtifactRecord, read_manifest, record_from
from handouts.outputs.write import write_temporary


def merge_outputs(shards: list[Path], out: Path) -> list[ArtifactRecord]:
    """Copy every output the shards' manifests list into `out` and record them in its manifest.

    Raise InputError, having written nothing, when a shard has no manifest, a listed file is missing or changed,
    or two shards list one output with different contents.
    """
    from handouts.errors import display_name

    problems = ProblemList()
    chosen: dict[str, tuple[Path, ArtifactRecord]] = {}
    for folder in shards:
        manifest = folder / MANIFEST
        try:
            artifacts = json.loads(manifest.read_text(encoding="utf-8"))["artifacts"]
        except (OSError, ValueError, KeyError, TypeError):
            problems.add(
                Location(display_name(manifest)),
                "there is no readable manifest here",
                "name the output folder of a `handouts build` (one per shard)",
            )
            continue
        for entry in artifacts:
            try:
                record = record_from(entry)
            except (TypeError, AttributeError):  # not a mapping, or one without a required key
                problems.add(Location(display_name(manifest)), f"an entry lacks what a manifest records: {entry}")
                continue
            path = record.path
            source = folder / path
            if not path or not source.resolve().is_relative_to(folder.resolve()):
                problems.add(Location(display_name(manifest)), f"the output path '{path}' leaves the folder")
            elif digest(source) != record.sha256:
                problems.add(
                    Location(display_name(source)),
                    "this output is missing or differs from what its manifest recorded",
                    "merge the folders a build wrote, unchanged",
                )
            elif path in chosen and chosen[path][1].sha256 != record.sha256:
                problems.add(
                    Location(display_name(source)),
                    f"two shards made different files for {path} (the other is in {display_name(chosen[path][0])})",
                    "build every shard from the same commit",
                )
            else:
                chosen[path] = (source, record)
    problems.raise_if_any()
    journal = ManifestJournal(out, read_manifest(out))
    records = []
    for path, (source, record) in sorted(chosen.items()):
        if digest(out / path) == record.sha256:
            journal.keep(record)
        else:
            journal.commit(record, write_temporary(out / path, source.read_bytes(), durable=False))
        records.append(record)
    journal.write()
    return records
