"""The rule tables as text: ``RULES.md`` (``python -m harness_spacy.rules_doc > RULES.md``).

Kept apart from :mod:`harness_spacy.rules` (the rule model, which every rule module imports) so
that importing the modules that fill the tables does not run back up into it.
"""

from __future__ import annotations

from . import entities, parse, quotes  # noqa: F401 - the modules that fill the tables
from .rules import TABLES, Example, Trimmed


def _expected(example: Example) -> str:
    if isinstance(example, Trimmed):
        return f"{example.label} span “{example.expected}”"
    if not example.found:
        return "no quote"
    return " + ".join(f"“{q.text}” ({q.type}; speaker {q.speaker})" for q in example.found)


def markdown() -> str:
    """Every rule table as Markdown (``RULES.md``)."""
    out = [
        "# The rules of the spaCy extractor",
        "",
        "Generated from the rule tables by `python -m harness_spacy.rules_doc > RULES.md`; "
        "`tests/test_spacy_rules.py` fails when this file is not current. "
        "See README.md for how to read and extend the tables.",
        "",
    ]
    for table in TABLES:
        kind = "cascade: the first rule that decides wins" if table.cascade else "in order"
        out += [f"## `{table.name}` ({kind})", "", table.doc, ""]
        for i, rule in enumerate(table.rules, 1):
            out += [f"### {table.name}.{i} `{rule.name}`", "", rule.doc, ""]
            out.append(f"- code: `{rule.step.__module__}.{rule.step.__qualname__}`")
            out.append("- examples:")
            for ex in rule.examples:
                text = ex.text.replace("\n", " ⏎ ")
                out.append(f"  - {text} → {_expected(ex)}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
