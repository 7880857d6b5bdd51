"""The verified reference library in content/references/, and how a reference prints."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from handouts.errors import InputError, ProblemList, display_name
from handouts.source.schema import INVALID, Field, ListType, PatternType, RecordType, TextType
from handouts.source.yamlsource import read_yaml

_text = TextType()
reference_type = RecordType(
    {
        "id": Field(
            PatternType(r"[a-z0-9][a-z0-9-]*", "an id of lower-case letters, digits and '-'", "for example 'smith2020'")
        ),
        "authors": Field(_text),
        "title": Field(_text),
        "journal": Field(_text),
        "year": Field(PatternType(r"(19|20)\d\d", "a year like 2020", "write the four-digit year"), required=False),
        "volume": Field(_text, required=False),
        "issue": Field(_text, required=False),
        "pages": Field(_text, required=False),
        "doi": Field(
            # No character that could not stay inside the link the outputs print (links.py): quotes, <, >, backslash.
            PatternType(
                r"10\.\d{4,9}/[^\s<>\"'\\]+", "a DOI like 10.1000/xyz", "write the DOI without 'https://doi.org/'"
            ),
            required=False,
        ),
        "pmid": Field(PatternType(r"\d{1,9}", "a PubMed id (digits)", "write only the digits"), required=False),
        "url": Field(
            PatternType(r"https?://[^\s<>\"'\\]+", "a web address", "start it with https://; no quotes, < or >"),
            required=False,
        ),
        "supports": Field(_text, required=False),
    }
)
library_type = RecordType({"references": Field(ListType(reference_type))})


@dataclass(frozen=True)
class Reference:
    """One verified literature reference."""

    id: str
    authors: str
    title: str
    journal: str
    year: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    supports: str = ""

    def citation_text(self) -> str:
        """Return the reference in a compact Vancouver style."""
        title = self.title if self.title.endswith(("?", ".", "!")) else self.title + "."
        authors = self.authors if self.authors.endswith(".") else self.authors + "."
        text = f"{authors} {title} {self._source(f'{self.journal}.', with_issue=True)}".rstrip(".") + "."
        return text + self._locator()

    def _source(self, journal: str, with_issue: bool) -> str:
        """Return journal, year, volume (issue) and pages as 'J. 2020;12(8):2221'."""
        where = journal + (f" {self.year}" if self.year else "")
        if self.volume:
            where += f";{self.volume}" + (f"({self.issue})" if self.issue and with_issue else "")
        elif self.issue:
            where += f";({self.issue})"
        return where + (f":{self.pages}" if self.pages else "")

    def _locator(self) -> str:
        """Return where to find the source: its DOI, else its PubMed id, else its web address."""
        if self.doi:
            return f" doi:{self.doi}"
        if self.pmid:
            return f" PMID: {self.pmid}"
        return f" {self.url}" if self.url else ""

    def link(self) -> str:
        """Return the best web address for the reference: its DOI, PubMed record or page."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.url.startswith("https://"):
            return self.url
        return ""


def load_references(folder: Path) -> dict[str, Reference]:
    """Return every reference in `folder`/*.yaml by id, or raise InputError listing every problem."""
    problems = ProblemList()
    library: dict[str, Reference] = {}
    for path in sorted(folder.glob("*.yaml")):
        root = read_yaml(path, display_name(path))
        data = library_type.check(root, problems, "")
        if data is INVALID:
            continue
        for entry in data["references"]:
            if entry["id"] in library:
                problems.add(
                    entry["id"].loc, f"the reference id '{entry['id']}' is used twice", "give each reference its own id"
                )
                continue
            library[entry["id"]] = Reference(**{key: str(value) for key, value in entry.items()})
    problems.raise_if_any(InputError)
    return library


def reference_digest(reference: Reference) -> str:
    """Return the digest of one reference as an output prints it (every field)."""
    return hashlib.sha256(json.dumps(asdict(reference), sort_keys=True).encode()).hexdigest()
