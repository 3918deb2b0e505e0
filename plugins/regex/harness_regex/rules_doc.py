"""The rule tables as text: ``RULES.md`` (``python -m harness_regex.rules_doc > RULES.md``).

Kept apart from :mod:`harness_regex.rules` (the rule model, which every rule module imports) so
that importing the modules that fill the tables does not run back up into it.
"""

from __future__ import annotations

from typing import Any

from . import entities, quotes  # noqa: F401 - the modules that fill the tables
from .rules import ANY, TABLES, Ents, Example, Rule, RuleTable


def _expected(example: Example) -> str:
    if isinstance(example, Ents):
        found = sorted(example.found)
        return ", ".join(f"{t} {label}" for t, label in found) if found else "no entity"
    if not example.found:
        return "no quote"
    parts = []
    for q in example.found:
        who = [f"speaker {q.speaker}" if q.speaker != ANY else ""]
        who += [f"mention {q.mention}" if q.mention not in (ANY, None) else ""]
        who += [f"cue {q.cue!r}" if q.cue not in (ANY, None) else ""]
        detail = "; ".join(w for w in [q.type, *who] if w)
        parts.append(f"“{q.text}” ({detail})")
    return " + ".join(parts)


def _rule_markdown(table: RuleTable[Any], i: int, rule: Rule[Any]) -> list[str]:
    out = [f"### {table.name}.{i} `{rule.name}`", "", rule.doc, ""]
    if rule.step is not None:
        out.append(f"- code: `{rule.step.__module__}.{rule.step.__qualname__}`")
    if rule.template:
        out.append(f"- pattern: `{rule.template}`")
    for name, template in rule.patterns:
        out.append(f"- pattern {name}: `{template}`")
    if rule.wordlists:
        out.append("- word lists: " + ", ".join(f"`{w}`" for w in rule.wordlists))
    out.append("- examples:")
    for ex in rule.examples:
        text = ex.text.replace("\n", " ⏎ ")
        out.append(f"  - {text} → {_expected(ex)}")
    return [*out, ""]


#: The tables in the order the extractor uses them (entities, then quotes and speakers).
_READING_ORDER = (
    "numbers", "number_fixes", "runs", "tokens", "names", "left_over_names", "repeated_names",
    "models", "segments", "finders", "direct_attribution", "unattributed", "sentences", "cues",
    "cue_clause", "clause_start", "clause_trim", "subjects", "subject_kinds", "resolution",
    "inheritance",
)  # fmt: skip


def markdown() -> str:
    """Every rule table as Markdown, in the order the code applies them (``RULES.md``)."""
    out = [
        "# The rules of the regex extractor",
        "",
        "Generated from the rule tables by `python -m harness_regex.rules_doc > RULES.md`; "
        "`tests/test_regex_rules.py` fails when this file is not current. "
        "See README.md for how to read and extend the tables.",
        "",
    ]
    order = {name: i for i, name in enumerate(_READING_ORDER)}
    for table in sorted(TABLES, key=lambda t: order.get(t.name, len(order))):
        kind = "cascade: the first rule that decides wins" if table.cascade else "in order"
        if not table.live:
            kind = "patterns, compiled once"
        out += [f"## `{table.name}` ({kind})", "", table.doc, ""]
        for i, rule in enumerate(table.rules, 1):
            out += _rule_markdown(table, i, rule)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
