"""The build matrix: which outputs to make from which inputs, made in order and written atomically."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from generator.brand import Brand
from generator.builders import BuildContext, get_builder
from generator.content.audience import audience_view
from generator.content.model import Topic
from generator.errors import BuildError, Location, Problem
from generator.outputs import atomic_write, remove_stale_temporaries
from generator.pipeline import Project, check_font_coverage, labels_for, render_ir, source_epoch
from generator.variants import Variant


@dataclass(frozen=True)
class Job:
    """One output file: a topic in one variant, for one brand, on one paper."""

    topic: Topic
    variant: Variant
    brand: Brand
    paper: str
    path: Path


@dataclass(frozen=True)
class Artifact:
    """What a finished job wrote."""

    path: Path
    sha256: str
    size: int
    pages: int


def plan(project: Project, topics: list[Topic], variants: list[Variant], brands: list[Brand], out: Path) -> list[Job]:
    """Return every job of topics x variants x brands x papers, in a stable order."""
    jobs = []
    for brand in brands:
        for topic in topics:
            folder = project.output_dir(out, topic.id, brand)
            for variant in variants:
                for paper, name in variant.output_names():
                    jobs.append(Job(topic, variant, brand, paper, folder / name))
    return jobs


def precheck(jobs: list[Job]) -> None:
    """Check every job's input that only a build would otherwise find bad, before anything is written."""
    seen = set()
    for job in jobs:
        key = (job.topic.id, job.variant.audience, job.brand.id)
        if key not in seen:
            seen.add(key)
            check_font_coverage(audience_view(job.topic, job.variant.audience), job.brand)


def build_job(project: Project, job: Job) -> tuple[bytes, int]:
    """Return the bytes and page (or slide) count of one job's output; failures name the output."""
    try:
        return _build(project, job)
    except BuildError as exc:
        where = Location(str(job.topic.path))
        raise type(exc)(
            [Problem(p.location or where, f"{job.path.name}: {p.message}", p.hint) for p in exc.problems]
        ) from None


def _build(project: Project, job: Job) -> tuple[bytes, int]:
    document, view = render_ir(project, job.topic, job.variant, job.brand, job.paper)
    meta = {
        "title": str(view["title"]),
        "continued": labels_for(project, str(job.topic.data["language"])).get("continued", "continued"),
        "reviewed": job.topic.data["reviewed"],
        "version": job.topic.data["version"],
        "authors": [str(a) for a in job.topic.data["authors"]],
        "language": str(job.topic.data["language"]),
        "subject": job.variant.name.replace("-", " "),
        "keywords": [job.topic.id, job.variant.audience, job.variant.name],
        "topic": job.topic.id,
    }
    context = BuildContext(job.variant, job.paper, job.brand, meta, project.root, source_epoch(job.topic))
    result = get_builder(job.variant.builder).build(document, context)
    return result.data, result.pages


def run(project: Project, jobs: list[Job], out: Path) -> list[Artifact]:
    """Build every job, then write each output atomically; nothing is written if any build fails."""
    precheck(jobs)
    remove_stale_temporaries(out)
    built = [(job, *build_job(project, job)) for job in jobs]
    artifacts = []
    for job, data, pages in built:
        atomic_write(job.path, data)
        artifacts.append(Artifact(job.path, hashlib.sha256(data).hexdigest(), len(data), pages))
    return artifacts
