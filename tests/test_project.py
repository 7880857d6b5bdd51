"""Projects: handouts.yaml found upward or named with -C, init and new topic, a project's own templates over the
packaged ones file by file, check of the whole project, builds that match nothing, stale outputs removed, and the
renderers' versions in the cache key. Every test runs the real command in a fresh process.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pytest
import yaml
from conftest import ROOT, CliResult, run_cli

NO_PROJECT = "no handouts project here (no handouts.yaml in this folder or above); run `handouts init`"
TOPIC = "home-blood-pressure"  # the example topic `handouts init` writes
BRAND = "maple-street"  # and its example brand
EXAMPLE_FILES = {
    "handouts.yaml",
    ".gitignore",
    "README.md",
    ".github/workflows/handouts.yml",
    ".github/dependabot.yml",
    f"content/{TOPIC}.yaml",
    f"content/brands/{BRAND}.yaml",
    f"content/brands/{BRAND}-logo.png",
    "content/figures/arm-cuff.svg",
    "content/references/references.yaml",
}


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def set_matrix(project: Path, **matrix: list[str]) -> None:
    """Rewrite the `matrix:` of the project's handouts.yaml."""
    path = project / "handouts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["matrix"] = matrix
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def build(project: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `handouts build --json ARGS` in `project`; require success and return the document."""
    result = run_cli("build", "--json", *args, cwd=project, env=env)
    assert result.code == 0, result.err
    value: dict[str, Any] = json.loads(result.out)
    return value


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {a["path"]: a["status"] for a in report["artifacts"]}


def lines(result: CliResult) -> list[str]:
    return [line for line in result.err.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a project `handouts init` wrote (once for the module; tests work on copies)."""
    parent = tmp_path_factory.mktemp("init")
    result = run_cli("init", "clinic", cwd=parent)
    assert result.code == 0, result.err
    return parent / "clinic"


@pytest.fixture
def clinic(initialised: Path, tmp_path: Path) -> Path:
    """Return a copy of the initialised project that a test may change, its matrix cut to one small output."""
    project = tmp_path / "clinic"
    shutil.copytree(initialised, project)
    set_matrix(project, brands=[BRAND], variants=["patient-handout"], papers=["letter"])
    return project


# ----- init and new topic ---------------------------------------------------------------------------------------
# What init writes besides the example: the editor's schemas, and what installs this handouts in CI.
WRITTEN = {"schemas/topic.schema.json", "schemas/brand.schema.json", "requirements.txt"}


def test_init_writes_the_example_project(initialised: Path) -> None:
    written = files_under(initialised)
    assert set(written) == EXAMPLE_FILES | WRITTEN  # a checkout keeps no wheel: tests/test_install.py has one
    example = files_under(ROOT / "examples" / "clinic")
    assert {k: v for k, v in written.items() if k not in WRITTEN} == example, "init must copy the example as is"
    assert "output/" in (initialised / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_example_topic_s_schema_line_works_right_after_init(initialised: Path) -> None:
    import jsonschema

    topic = initialised / "content" / f"{TOPIC}.yaml"
    first = topic.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/topic.schema.json"
    schema = json.loads((topic.parent / first.split("$schema=")[1]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    # The editor reads the YAML as YAML 1.2 would: dates and versions as text, as `check` does.
    data = yaml.load(topic.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    jsonschema.Draft202012Validator(schema).validate(data)
    bad = {**data, "main_mesage": data["main_message"]}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad)), "the schema must catch a misspelt key"


def test_init_names_this_handouts_in_requirements(initialised: Path) -> None:
    from handouts import __version__

    lines = [line for line in (initialised / "requirements.txt").read_text().splitlines() if line[:1].isalnum()]
    # This checkout is an editable install: no wheel to keep, so its version (tests/test_install.py: a wheel's).
    assert lines == [f"handouts=={__version__}"]
    result = run_cli("check", cwd=initialised)
    assert result.code == 0, result.err
    assert f"ok content/{TOPIC}.yaml" in result.out.splitlines()


def test_init_refuses_to_write_over_any_file_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "handouts.yaml").write_text("name: mine\n", encoding="utf-8")
    (tmp_path / "content" / f"{TOPIC}.yaml").write_text("id: mine\n", encoding="utf-8")
    before = files_under(tmp_path)
    result = run_cli("init", cwd=tmp_path)
    assert result.code == 2, result.err
    assert lines(result)[:2] == [
        "content/home-blood-pressure.yaml: already exists; nothing was written; move it away, or start in an "
        "empty folder",
        "handouts.yaml: already exists; nothing was written; move it away, or start in an empty folder",
    ]
    assert files_under(tmp_path) == before


def test_new_topic_writes_a_starter_that_passes_check_and_builds(clinic: Path) -> None:
    result = run_cli("new", "topic", "asthma-inhalers", cwd=clinic / "content" / "brands")  # found from below
    assert result.code == 0, result.err
    path = clinic / "content" / "asthma-inhalers.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n#") >= 5, "the starter explains itself in comments"
    assert re.search(r"^id: asthma-inhalers$", text, re.MULTILINE)
    checked = run_cli("check", str(path), cwd=clinic)
    assert checked.code == 0, checked.err
    # Every variant (one paper each, to be quick): the starter must fit them all.
    set_matrix(clinic, brands=[BRAND], topics=["asthma-inhalers"], papers=["letter", "a5"])
    report = build(clinic)
    variants = {p.parent.name for p in (ROOT / "templates").glob("*/variant.yaml") if not p.parent.name.startswith("_")}
    assert {a["variant"] for a in report["artifacts"]} == variants
    assert report["built"] == len(report["artifacts"])

    again = run_cli("new", "topic", "asthma-inhalers", cwd=clinic)
    assert again.code == 2
    assert lines(again)[0].startswith("content/asthma-inhalers.yaml: already exists")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("bad", ["Asthma", "a b", "con", "../x", "x-"])
def test_new_topic_refuses_an_id_that_cannot_be_a_file_name(clinic: Path, bad: str) -> None:
    result = run_cli("new", "topic", bad, cwd=clinic)
    assert result.code == 2
    assert "cannot be a topic id" in result.err
    assert sorted(p.name for p in (clinic / "content").glob("*.yaml")) == [f"{TOPIC}.yaml"]


# ----- finding the project ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "command",
    [["build"], ["check"], ["list"], ["gallery"], ["watch"], ["new", "topic", "x"], ["merge", "."]],
)
def test_every_command_that_needs_a_project_says_so_outside_one(tmp_path: Path, command: list[str]) -> None:
    result = run_cli(*command, cwd=tmp_path)
    assert result.code == 2, result.err
    assert lines(result) == [NO_PROJECT]
    assert list(tmp_path.iterdir()) == []


def test_the_project_is_found_from_a_subfolder_and_named_with_dash_c(clinic: Path, tmp_path: Path) -> None:
    # A path outside the current folder is shown in full, one inside it relative to it.
    output = clinic / "output" / BRAND / TOPIC / "patient-handout-letter.pdf"
    row = f"{TOPIC}\tpatient-handout\t{BRAND}\tletter\t"
    at_root = run_cli("list", cwd=clinic)
    assert at_root.out.splitlines() == [f"{row}output/{BRAND}/{TOPIC}/patient-handout-letter.pdf"], at_root.err
    below = run_cli("list", cwd=clinic / "content" / "brands")
    assert below.code == 0, below.err
    assert below.out.splitlines() == [f"{row}{output}"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (["-C", str(clinic), "list"], ["list", "--project", str(clinic / "content")]):
        result = run_cli(*args, cwd=elsewhere)
        assert result.code == 0, result.err
        assert result.out.splitlines() == [f"{row}{output}"]
    missing = run_cli("-C", str(elsewhere), "build", cwd=ROOT)
    assert missing.code == 2
    assert lines(missing) == [
        f"no handouts project in {elsewhere} (no handouts.yaml there or above); run `handouts init {elsewhere}`"
    ]


def test_handouts_yaml_problems_are_located(clinic: Path) -> None:
    (clinic / "handouts.yaml").write_text(
        "name: Maple\nouput: out\noutput: ../elsewhere\nmatrix:\n  brands: [maple-stret]\n  papers: [letter]\n",
        encoding="utf-8",
    )
    result = run_cli("check", cwd=clinic)
    assert result.code == 2
    assert "handouts.yaml:2:1: unknown key 'ouput'; did you mean 'output'?" in lines(result)
    for value in ("../elsewhere", "/tmp/elsewhere", "content/output"):
        (clinic / "handouts.yaml").write_text(f"name: Maple\noutput: {value}\n", encoding="utf-8")
        result = run_cli("build", cwd=clinic)
        assert result.code == 2
        assert lines(result)[0].startswith("handouts.yaml:2:9: "), result.err
    assert lines(result) == [
        "handouts.yaml:2:9: the output folder must be apart from the content folder; for example 'output'"
    ]
    assert not (clinic / "content" / "output").exists() and not (clinic.parent / "elsewhere").exists()


def test_a_typo_in_the_matrix_and_a_broken_brand_outside_it_fail_check(clinic: Path) -> None:
    set_matrix(clinic, brands=["maple-stret"])
    brand = clinic / "content" / "brands" / "other.yaml"
    brand.write_text("id: other\nname: Other\nphone: (555) 010-0100\ncolors: {primary: '#12', secondary: '#fff'}\n")
    result = run_cli("check", cwd=clinic)
    assert result.code == 2
    found = lines(result)
    typo = next(n for n, line in enumerate((clinic / "handouts.yaml").read_text().splitlines(), 1) if "stret" in line)
    assert f"handouts.yaml:{typo}:5: there is no brand 'maple-stret'; did you mean 'maple-street'?" in found
    assert any(line.startswith("content/brands/other.yaml:4:19: 'colors.primary' must be") for line in found), found


def test_the_old_content_build_yaml_is_an_error_not_ignored(clinic: Path) -> None:
    (clinic / "content" / "build.yaml").write_text("brands: [none]\n", encoding="utf-8")
    result = run_cli("list", cwd=clinic)
    assert result.code == 2
    assert lines(result) == [
        "content/build.yaml: build.yaml is no longer read: the build matrix now lives in handouts.yaml; "
        "move its keys under 'matrix:' in handouts.yaml and delete it"
    ]


# ----- templates: the project's own, file by file -----------------------------------------------------------------
def _title_sizes(pdf: Path) -> set[int]:
    with pdfplumber.open(pdf) as document:
        words = document.pages[0].extract_words(extra_attrs=["size"])
    return {round(w["size"]) for w in words if w["text"] == "Checking"}  # the title's first word, and the lead's


def _title_size(pdf: Path) -> int:
    return max(_title_sizes(pdf))


def test_a_project_file_overrides_one_packaged_file_and_adds_a_variant(clinic: Path, tmp_path: Path) -> None:
    out = f"{BRAND}/{TOPIC}/patient-handout-letter.pdf"
    first = build(clinic)
    assert _title_size(clinic / "output" / out) == 21

    own = clinic / "templates" / "patient-handout"
    own.mkdir(parents=True)
    style = (ROOT / "templates" / "patient-handout" / "style.yaml").read_text(encoding="utf-8")
    style, count = re.subn(r"title: \{size: 21\}", "title: {size: 30}", style)
    assert count == 1, "the packaged patient-handout style has no title size 21; the test's edit needs updating"
    (own / "style.yaml").write_text(style, encoding="utf-8")
    flyer = clinic / "templates" / "clinic-flyer"
    flyer.mkdir()
    (flyer / "variant.yaml").write_text("description: Our own flyer.\nextends: patient-handout\npapers: [letter]\n")
    entry = (ROOT / "templates" / "patient-handout" / "content.xml.j2").read_text(encoding="utf-8")
    (flyer / "content.xml.j2").write_text(entry.replace("{{ t.main_message }}", "{{ t.main_message }} Our flyer."))
    set_matrix(clinic, brands=[BRAND], variants=["patient-handout", "clinic-flyer"], papers=["letter"])

    second = build(clinic)
    assert statuses(second) == {out: "built", f"{BRAND}/{TOPIC}/clinic-flyer-letter.pdf": "built"}
    assert second["artifacts"][0]["sha256"] != first["artifacts"][0]["sha256"]
    assert _title_size(clinic / "output" / out) == 30, "the project's style.yaml did not replace the packaged one"
    flyer_pdf = clinic / "output" / BRAND / TOPIC / "clinic-flyer-letter.pdf"
    assert "Our flyer." in pypdf.PdfReader(flyer_pdf).pages[0].extract_text()
    assert _title_size(flyer_pdf) == 30, "the flyer extends patient-handout: the project's style applies to it"
    assert "Our flyer." not in pypdf.PdfReader(clinic / "output" / out).pages[0].extract_text()
    (own / "style.yaml").unlink()  # back to the packaged file: the output is the first one again
    third = build(clinic, "--only", "patient-handout")
    assert third["artifacts"][0]["sha256"] == first["artifacts"][0]["sha256"]


def test_check_compiles_the_project_templates_and_follows_their_imports(clinic: Path) -> None:
    own = clinic / "templates" / "patient-handout"
    own.mkdir(parents=True)
    (own / "content.xml.j2").write_text('{% import "_macroz.xml.j2" as m %}\n<document>\n</document>\n')
    (clinic / "templates" / "broken.xml.j2").write_text("<p>\n{% if t.title %}\n</p>\n")
    result = run_cli("check", cwd=clinic)
    assert result.code == 2
    found = lines(result)
    assert any(line.startswith("templates/broken.xml.j2:3:1: template error: ") for line in found), found
    (clinic / "templates" / "broken.xml.j2").unlink()
    result = run_cli("check", cwd=clinic)
    assert result.code == 2
    assert lines(result)[0] == (
        "templates/patient-handout/content.xml.j2:1:1: the template '_macroz.xml.j2' is not in any template "
        "folder of the variant 'patient-handout'; check its name"
    )


# ----- nothing to build -----------------------------------------------------------------------------------------
def test_a_build_that_matches_nothing_exits_2_and_says_what(clinic: Path, tmp_path: Path) -> None:
    result = run_cli("build", "--only", "patient-leaflet", "--paper", "letter", cwd=clinic)
    assert result.code == 2
    assert lines(result) == [
        "nothing to build: no output matches --only patient-leaflet --paper letter; see `handouts list`"
    ]
    outside = tmp_path / f"{TOPIC}.yaml"
    shutil.copy(clinic / "content" / f"{TOPIC}.yaml", outside)
    result = run_cli("build", str(outside), cwd=clinic)
    assert result.code == 2
    assert lines(result) == [f"{outside} is outside the project in {clinic}; move it into the project's content folder"]
    (clinic / "content" / f"{TOPIC}.yaml").unlink()
    result = run_cli("build", cwd=clinic)
    assert result.code == 2
    assert lines(result) == ["nothing to build: there is no topic in content; write one with `handouts new topic ID`"]
    assert not (clinic / "output").exists()


def test_an_empty_shard_of_a_matrix_with_outputs_is_not_an_error(clinic: Path) -> None:
    report = build(clinic, "--shard", "2/2")
    assert (report["built"], report["artifacts"]) == (0, [])


# ----- outputs follow the source ---------------------------------------------------------------------------------
def test_outputs_that_leave_the_matrix_are_removed_with_their_thumbnails(clinic: Path) -> None:
    set_matrix(clinic, brands=[BRAND, "none"], variants=["patient-handout"], papers=["letter"])
    build(clinic)
    assert run_cli("gallery", cwd=clinic).code == 0
    output = clinic / "output"
    neutral = f"{TOPIC}/patient-handout-letter.pdf"
    branded = f"{BRAND}/{TOPIC}/patient-handout-letter.pdf"
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    sha = {a["path"]: a["sha256"][:20] for a in manifest["artifacts"]}
    assert list((output / ".gallery").glob(f"{sha[neutral]}-*.png"))
    (output / TOPIC / "notes.txt").write_text("mine", encoding="utf-8")  # not the tool's: it stays

    set_matrix(clinic, brands=[BRAND], variants=["patient-handout"], papers=["letter"])
    result = run_cli("build", cwd=clinic)
    assert result.code == 0, result.err
    assert f"removed {neutral}" in lines(result)
    assert lines(result)[-1] == "0 built, 1 up to date, 0 failed, 0 skipped, removed 1"
    assert not (output / neutral).exists()
    assert (output / TOPIC / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert [a["path"] for a in json.loads((output / "manifest.json").read_text())["artifacts"]] == [branded]
    assert not list((output / ".gallery").glob(f"{sha[neutral]}-*.png"))
    assert list((output / ".gallery").glob(f"{sha[branded]}-*.png"))
    page = (output / "index.html").read_text(encoding="utf-8")
    assert f'href="{branded}"' in page and f'href="{neutral}"' not in page

    (output / branded).write_bytes(b"%PDF- changed by hand")  # a file changed by hand is never deleted
    (clinic / "content" / f"{TOPIC}.yaml").rename(clinic / "content" / "renamed.yaml")
    text = (clinic / "content" / "renamed.yaml").read_text(encoding="utf-8").replace(f"id: {TOPIC}", "id: renamed")
    (clinic / "content" / "renamed.yaml").write_text(text, encoding="utf-8")
    report = build(clinic)
    assert report["removed_outputs"] == [] and report["built"] == 1
    assert (output / branded).read_bytes() == b"%PDF- changed by hand"
    assert [a["path"] for a in json.loads((output / "manifest.json").read_text())["artifacts"]] == [
        f"{BRAND}/renamed/patient-handout-letter.pdf"
    ]


def test_a_deleted_topic_s_outputs_are_removed(clinic: Path) -> None:
    assert run_cli("new", "topic", "second", cwd=clinic).code == 0
    first = build(clinic)
    assert first["built"] == 2
    (clinic / "content" / "second.yaml").unlink()
    report = build(clinic)
    assert report["removed_outputs"] == [f"{BRAND}/second/patient-handout-letter.pdf"]
    assert report["removed"] == 1
    assert not (clinic / "output" / BRAND / "second").exists(), "the emptied folder is removed too"


# ----- the cache key holds the renderers' versions ---------------------------------------------------------------
def test_a_library_release_changes_the_key_of_the_outputs_of_the_formats_it_makes_and_only_those(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One output of each format; each library's release bumped in turn: the outputs whose key changes are exactly
    # those of the formats that declare the library (all of them for a shared one).
    from handouts.build.cache import RunInputs
    from handouts.files import digests
    from handouts.formats.registry import FORMATS
    from handouts.matrix import Target
    from handouts.project import find_project

    project = find_project(clinic)
    runs = RunInputs(project)
    topic = next(iter(project.topic_files())).relative_to(project.root)
    targets = {
        name: Target.of(topic, next(v for _, v in sorted(runs.variants.items()) if v.builder == name), BRAND)
        for name in FORMATS
    }

    def keys() -> dict[str, str]:
        digests.library_version.cache_clear()
        digests.library_versions.cache_clear()
        fresh = RunInputs(project)
        return {name: fresh.of(target)["all"] for name, target in targets.items()}

    before = keys()
    libraries = sorted({*digests.SHARED_LIBRARIES, *(lib for f in FORMATS.values() for lib in f.libraries)})
    assert {"svglib", "pyphen", "pillow", "pypdfium2", "python-pptx", "reportlab"} <= set(libraries)
    real = digests.library_version.__wrapped__
    for library in libraries:
        monkeypatch.setattr(
            digests, "library_version", functools.cache(lambda n, b=library: "99.0" if n == b else real(n))
        )
        changed = {name for name, key in keys().items() if key != before[name]}
        shared = library in digests.SHARED_LIBRARIES
        expected = set(FORMATS) if shared else {n for n, f in FORMATS.items() if library in f.libraries}
        assert changed == expected, f"a new release of {library} must change the key of {sorted(expected)} only"
    monkeypatch.undo()
    assert keys() == before


def test_a_changed_library_release_rebuilds(clinic: Path, tmp_path: Path) -> None:
    # The key above, end to end: a PDF's outputs are rebuilt when reportlab (which draws and writes them) is upgraded.
    first = build(clinic)
    assert "reportlab " in first["artifacts"][0]["inputs"]["renderers"]
    # A release as an install leaves it: a `dist-info` folder of another version, found first on the path.
    release = tmp_path / "release" / "reportlab-99.0.dist-info"
    release.mkdir(parents=True)
    (release / "METADATA").write_text("Metadata-Version: 2.1\nName: reportlab\nVersion: 99.0\n", encoding="utf-8")
    path = os.pathsep.join([str(release.parent), *filter(None, [os.environ.get("PYTHONPATH")])])
    faked = build(clinic, env={"PYTHONPATH": path})
    assert (faked["built"], faked["reused"]) == (1, 0), "a new release of a library of its format must rebuild"
    assert "reportlab 99.0" in faked["artifacts"][0]["inputs"]["renderers"]
    again = build(clinic)
    assert (again["built"], again["reused"]) == (1, 0), "and going back rebuilds again"
    assert build(clinic)["reused"] == 1
