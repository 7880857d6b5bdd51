"""Write a translation file, or change one in place: every byte not changed stays as it was.

A translation file is hand-edited as well as imported into, so an import never rewrites it: it replaces the
values that changed (each at the span PyYAML's composer gives its node, in the style it had: an inline value
stays inline, a block stays a block, so the comment after it stays too) and inserts the strings the file lacks
after the string that comes before them in the source. Nothing changed, nothing written.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

WIDTH = 110  # a folded block's lines: the project's own YAML files keep to about this


@dataclass(frozen=True)
class RecordText:
    """One string as the file should hold it."""

    id: str
    english: str
    target: str | None
    state: str
    was: str | None = None  # the id the file has for it, when the source moved it (renamed on writing)


def _round_trips(fragment: str, text: str) -> bool:
    try:
        return bool(yaml.safe_load(f"k: {fragment}") == {"k": text})
    except yaml.YAMLError:
        return False


def inline(text: str) -> str:
    """Return `text` as a value on its own line: plain where YAML keeps it as written, else double-quoted."""
    plain = text and text == text.strip() and "\n" not in text and not text.startswith(("-", "?"))
    if plain and _round_trips(text, text) and not any(ch in text for ch in "#\"'"):
        return text
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: int) -> str:
    """Return `text` as a folded block scalar (`>-` and its lines, each ending in a line break) at `indent`."""
    pad = " " * indent
    if "\n" in text:
        body = "".join(f"{pad}{line}\n" if line else "\n" for line in text.split("\n"))
        candidate = f"|-\n{body}"
    else:
        lines = textwrap.wrap(text, WIDTH - indent, break_long_words=False, break_on_hyphens=False)
        candidate = ">-\n" + "".join(f"{pad}{line}\n" for line in lines)
    if _loads_block(candidate, text):
        return candidate
    return json.dumps(text, ensure_ascii=False) + "\n"


def _loads_block(candidate: str, text: str) -> bool:
    try:
        return bool(yaml.safe_load(f"k: {candidate}") == {"k": text})
    except yaml.YAMLError:
        return False


def value(text: str, indent: int) -> str:
    """Return `text` as what follows `key: `, ending in a line break: inline when it fits, else a folded block."""
    if "\n" in text or indent + len(text) + 8 > WIDTH:
        return block(text, indent)
    return inline(text) + "\n"


def record_lines(record: RecordText, language: str, indent: int) -> str:
    """Return the lines of one string record, its id at `indent`."""
    pad, inner = " " * indent, " " * (indent + 2)
    out = f"{pad}{record.id}:\n{inner}en: {value(record.english, indent + 4)}"
    if record.target is not None:
        out += f"{inner}{language}: {value(record.target, indent + 4)}"
    return out + f"{inner}state: {record.state}\n"


def flow_list(items: Sequence[str]) -> str:
    """Return `items` as a YAML flow list on one line."""
    return (
        "["
        + ", ".join(inline(item) if "," not in item else json.dumps(item, ensure_ascii=False) for item in items)
        + "]"
    )


def new_file(header: Sequence[tuple[str, str]], records: Sequence[RecordText], language: str, intro: str) -> str:
    """Return a whole new translation file: `intro` comment lines, the header keys, then every string."""
    lines = [f"# {line}".rstrip() for line in intro.splitlines()]
    lines += [f"{key}: {text}" for key, text in header]
    out = "\n".join(lines) + "\n\nstrings:\n"
    return out + "".join(record_lines(r, language, 2) for r in records)


# ----- changing a file in place ---------------------------------------------------------------------------------
class _Edits:
    """Replacements and insertions at offsets of the original text, applied together."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.replaced: list[tuple[int, int, str]] = []
        self.inserted: dict[int, list[str]] = {}

    def replace(self, start: int, end: int, new: str) -> None:
        if self.text[start:end] != new:
            self.replaced.append((start, end, new))

    def insert(self, at: int, new: str) -> None:
        self.inserted.setdefault(at, []).append(new)

    def result(self) -> str:
        changes = [(s, e, t) for s, e, t in self.replaced] + [(at, at, "".join(t)) for at, t in self.inserted.items()]
        out = self.text
        for start, end, new in sorted(changes, key=lambda c: (c[0], c[1]), reverse=True):
            out = out[:start] + new + out[end:]
        return out


def _line_end(text: str, index: int) -> int:
    """Return the offset just after the line that holds `index` (a block scalar's span already ends there)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _span_value(edits: _Edits, node: yaml.Node, text: str, indent: int) -> None:
    """Replace a scalar node's value by `text`, in the node's own style (a block stays a block)."""
    start, end = node.start_mark.index, node.end_mark.index
    was_block = getattr(node, "style", None) in ("|", ">")
    edits.replace(start, end, block(text, indent) if was_block else inline(text))


def update_file(
    original: str,
    records: Sequence[RecordText],
    language: str,
    header: dict[str, list[str]] | None = None,
    remove: Sequence[str] = (),
) -> str:
    """Return `original` with `records` written in (in their order, the source's), the `header` lists set, and the
    strings `remove` names (ones the source no longer has) taken out, each with its lines."""
    edits = _Edits(original)
    root = yaml.compose(original)
    assert isinstance(root, yaml.MappingNode)
    top = {key.value: (key, node) for key, node in root.value}
    for name, items in (header or {}).items():
        _set_header(edits, original, top, name, items)
    if "strings" not in top or not isinstance(top["strings"][1], yaml.MappingNode):
        where = _line_end(original, len(original))
        lead = "" if original.endswith("\n") else "\n"
        edits.insert(where, lead + "\nstrings:\n" + "".join(record_lines(r, language, 2) for r in records))
        return edits.result()
    strings_key, strings = top["strings"]
    existing = {key.value: (key, node) for key, node in strings.value}
    for sid in remove:
        if sid in existing:
            key, node = existing[sid]
            start = original.rfind("\n", 0, key.start_mark.index) + 1
            last = max((_line_end(original, v.end_mark.index) for _, v in node.value), default=key.end_mark.index)
            edits.replace(start, _line_end(original, last), "")
    indent = strings.value[0][0].start_mark.column if strings.value else 2
    after = _line_end(original, strings_key.end_mark.index)  # where a string before every other one goes
    # A record the source moved is renamed; the key it leaves is not another string's to update (it is new there).
    claimed = {r.was for r in records if r.was and r.was != r.id}
    for record in records:
        mine = record.id in existing and record.id not in claimed
        own = record.was if record.was in existing else record.id if mine else None
        if own is not None:
            key, node = existing[own]
            if own != record.id:
                edits.replace(key.start_mark.index, key.end_mark.index, record.id)
            after = _update_record(edits, original, record, node, language, indent + 4)
        else:
            edits.insert(after, record_lines(record, language, indent))
    return edits.result()


def _update_record(edits: _Edits, original: str, record: RecordText, node: yaml.Node, language: str, inner: int) -> int:
    """Bring one existing record up to `record`; return the offset after its last line."""
    fields = {key.value: (key, value) for key, value in node.value} if isinstance(node, yaml.MappingNode) else {}
    last_end = node.end_mark.index
    wanted = [("en", record.english), (language, record.target), ("state", record.state)]
    previous_end: int | None = None
    for name, text in wanted:
        if name in fields:
            node_of = fields[name][1]
            if text is not None and not _same(name, node_of.value, text):
                _span_value(edits, node_of, text, inner)
            previous_end = _line_end(original, node_of.end_mark.index)
        elif text is not None and previous_end is not None:
            edits.insert(previous_end, f"{' ' * (inner - 2)}{name}: {value(text, inner)}")
    values = [v for _, v in fields.values()]
    if values:
        last_end = max(_line_end(original, v.end_mark.index) for v in values)
    return last_end


def _same(name: str, old: str, new: str) -> bool:
    if name == "en":  # refolded English is the same English: no churn
        return " ".join(old.split()) == " ".join(new.split())
    return old == new


def _set_header(edits: _Edits, original: str, top: dict, name: str, items: list[str]) -> None:
    if name in top:
        _, node = top[name]
        current = [item.value for item in node.value] if isinstance(node, yaml.SequenceNode) else None
        if current == items:
            return
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            pad = " " * node.value[0].start_mark.column
            lines = "".join(f"{pad[:-2]}- {inline(item)}\n" for item in items)
            start = original.rfind("\n", 0, node.start_mark.index) + 1
            edits.replace(start, _line_end(original, node.end_mark.index), lines)
        else:
            edits.replace(node.start_mark.index, node.end_mark.index, flow_list(items))
        return
    strings = top.get("strings")
    where = original.rfind("\n", 0, strings[0].start_mark.index) + 1 if strings else len(original)
    edits.insert(where, f"{name}: {flow_list(items)}\n")
