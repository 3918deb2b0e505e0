"""How well generated strings are put back at their place in real news, by aligner.

Real data nobody here wrote: the PolNeAR dev split (84 US political news articles; attribution
spans annotated by its authors; read from ``$POLNEAR_DIR``, default
``/work/shared/data/polnear``; never committed). Each annotated Source, Cue and Content span is
given to an aligner as a model might write it (one list per role, in document order), and the
result compared with the annotated offsets:

- ``copy``: the string exactly as in the text;
- ``retyped``: curly quotes made straight, quotation marks at the ends dropped, line breaks and
  runs of spaces made one space (what models do to a copied string);
- ``one word dropped``: Contents of 8+ words with one word in the middle removed (a model's
  slip; the annotated span is the right answer, found when >= 90% of it is covered);
- ``invented``: a Content of *another* article that does not occur in this one: must stay
  unaligned (any alignment is a false one).

Correct = the aligned span equals the annotated one (after trimming whitespace and quote marks;
>= 90% overlap both ways for ``one word dropped``); wrong place = aligned elsewhere; unaligned.

    python plugins/llm/benchmarks/bench_alignment.py                 # harness_llm.align
    /path/to/venv-with-langextract/bin/python bench_alignment.py --aligner langextract

The second form needs ``pip install langextract`` in another environment (it is not a
dependency of the project; see the plugin README for why).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from harness_llm.align import QUOTE_MARKS, Aligner, trim

VARIANTS = ("copy", "retyped", "one word dropped", "invented")


def read_attributions(text: str, ann: str) -> list[dict[str, tuple[int, int]]]:
    """``{role: (start, end)}`` of each attribution (event line) of one ``.ann`` file."""
    spans: dict[str, tuple[int, int]] = {}
    events = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].startswith("T"):
            frags = re.split(r"[ ;]", parts[1])[1:]
            spans[parts[0]] = trim(text, int(frags[0]), int(frags[1]))
        elif len(parts) >= 2 and parts[0].startswith("E"):
            roles = dict(a.split(":") for a in parts[1].split() if ":" in a)
            events.append({re.sub(r"\d+$", "", k): spans.get(v) for k, v in roles.items()})
    return [{k: v for k, v in e.items() if v and v[1] > v[0]} for e in events if e.get("Content")]


def read_split(root: Path) -> list[tuple[str, str, list[tuple[str, int, int]]]]:
    """``(doc name, text, [(role, start, end)])`` for each article (first annotator's file)."""
    docs = []
    for txt in sorted((root / "text").glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        anns = sorted((root / "attributions").glob(txt.stem + "_*.ann"))
        if not anns:
            continue
        spans = []
        for line in anns[0].read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].startswith("T"):
                continue
            role, *frags = re.split(r"[ ;]", parts[1])
            role = re.sub(r"\d+$", "", role)
            if role not in ("Source", "Cue", "Content"):
                continue
            s, e = int(frags[0]), int(frags[1])  # the first fragment of a discontinuous span
            s, e = trim(text, s, e)
            if e > s:
                spans.append((role, s, e))
        docs.append((txt.stem, text, sorted(set(spans), key=lambda t: (t[1], t[2]))))
    return docs


def retype(s: str) -> str:
    s = re.sub(r"[“”„]", '"', s)
    s = re.sub(r"[‘’]", "'", s)
    s = " ".join(s.split())
    return s.strip("".join(QUOTE_MARKS) + " ")


def drop_word(s: str, rng: random.Random) -> str | None:
    words = s.split()
    if len(words) < 8:
        return None
    i = rng.randrange(2, len(words) - 2)
    return " ".join(words[:i] + words[i + 1 :])


def make_items(docs, rng):
    """Per document, ``[(role, variant, needle, gold start, gold end)]`` in document order."""
    contents = [(d, retype(t[s:e])) for d, t, sp in docs for r, s, e in sp if r == "Content"]
    out = {}
    for name, text, spans in docs:
        items = []
        for role, s, e in spans:
            gold = text[s:e]
            items.append((role, "copy", gold, s, e))
            items.append((role, "retyped", retype(gold), s, e))
            if role == "Content" and (dropped := drop_word(gold, rng)):
                items.append((role, "one word dropped", dropped, s, e))
        for _ in range(3):
            other, needle = rng.choice(contents)
            if other != name and len(needle) > 20 and needle not in retype(text):
                items.append(("Content", "invented", needle, -1, -1))
        out[name] = items
    return out


def align_harness(text: str, needles: list[str]) -> list[tuple[int, int] | None]:
    a = Aligner(text)
    out, cursor = [], 0
    for n in needles:
        m = a.find(n, after=cursor)
        if m is None:
            out.append(None)
            continue
        cursor = m.end
        out.append(trim(text, m.start, m.end))
    return out


def align_langextract(text: str, needles: list[str]) -> list[tuple[int, int] | None]:
    from langextract import resolver
    from langextract.core import data

    exts = [data.Extraction(extraction_class="x", extraction_text=n) for n in needles]
    res = resolver.Resolver(format_type=data.FormatType.JSON)
    out = []
    for e in res.align(exts, text, token_offset=0, char_offset=0):
        ci = e.char_interval
        if ci is None or ci.start_pos is None:
            out.append(None)
        else:
            out.append(trim(text, ci.start_pos, ci.end_pos))
    return out


def anchored(docs, root: Path) -> Counter[str]:
    """Cues and sources aligned as the plugin aligns a quote's parts: the Content in order
    (cursor), its Cue nearest to it, its Source nearest to the Cue (strings retyped)."""
    counts: Counter[str] = Counter()
    for name, text, _ in docs:
        ann = sorted((root / "attributions").glob(name + "_*.ann"))[0].read_text(encoding="utf-8")
        a, cursor = Aligner(text), 0
        for att in sorted(read_attributions(text, ann), key=lambda x: x["Content"]):
            m = a.find(retype(text[slice(*att["Content"])]), after=cursor)
            if m is None:
                continue
            cursor = m.end
            anchor = trim(text, m.start, m.end)
            for role in ("Cue", "Source"):
                if role not in att:
                    continue
                found = a.find(retype(text[slice(*att[role])]), near=anchor)
                got = None if found is None else trim(text, found.start, found.end)
                counts[f"{role}: " + judge(role, got, *att[role])] += 1
                if found is not None and role == "Cue":
                    anchor = (found.start, found.end)
    return counts


def judge(variant: str, got: tuple[int, int] | None, s: int, e: int) -> str:
    if got is None:
        return "unaligned"
    if variant == "invented":
        return "wrong place"
    if got == (s, e):
        return "correct"
    if variant == "one word dropped":
        inter = min(got[1], e) - max(got[0], s)
        if inter >= 0.9 * (e - s) and inter >= 0.9 * (got[1] - got[0]):
            return "correct"
    return "wrong place"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aligner", choices=("harness", "langextract"), default="harness")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    root = Path(os.environ.get("POLNEAR_DIR", "/work/shared/data/polnear")) / args.split
    if not root.is_dir():
        print(f"PolNeAR not found at {root} (set POLNEAR_DIR); nothing measured")
        return
    docs = read_split(root)
    items = make_items(docs, random.Random(args.seed))
    align = align_harness if args.aligner == "harness" else align_langextract
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    t0 = time.perf_counter()
    for name, text, _ in docs:
        # one list per role and variant, in document order, as a model lists quotes or sources
        for role in ("Source", "Cue", "Content"):
            for variant in VARIANTS:
                batch = [it for it in items[name] if it[:2] == (role, variant)]
                if not batch:
                    continue
                found = align(text, [b[2] for b in batch])
                for (_, v, _, s, e), got in zip(batch, found, strict=True):
                    counts[v][judge(v, got, s, e)] += 1
    seconds = time.perf_counter() - t0
    print(
        f"aligner {args.aligner}; PolNeAR {args.split}: {len(docs)} articles, "
        f"{sum(sum(c.values()) for c in counts.values())} strings, {seconds:.1f} s "
        "(2 shared cores, busy machine)"
    )
    print(f"| {'variant':18} | strings | correct | wrong place | unaligned |")
    print("|---|---:|---:|---:|---:|")
    for v in VARIANTS:
        c = counts[v]
        n = sum(c.values()) or 1
        print(
            f"| {v:18} | {n} | {c['correct'] / n:.1%} | {c['wrong place'] / n:.1%} | "
            f"{c['unaligned'] / n:.1%} |"
        )
    if args.aligner == "harness":
        c = anchored(docs, root)
        print("\nretyped cues and sources aligned near their quote, as the plugin does:")
        for role in ("Cue", "Source"):
            n = sum(v for k, v in c.items() if k.startswith(role)) or 1
            print(
                f"  {role}: {c[role + ': correct'] / n:.1%} correct, "
                f"{c[role + ': wrong place'] / n:.1%} wrong place, "
                f"{c[role + ': unaligned'] / n:.1%} unaligned ({n} strings)"
            )


if __name__ == "__main__":
    main()
