#!/usr/bin/env python3
"""Compare `docedge eval --json` reports of several models on the same photos, and judge a candidate
by the rule a training run fixed in models/MODEL.md before it ended.

    python3 training/compare_evals.py shipped=a.json candidate=b.json          # folder table (markdown)
    python3 training/compare_evals.py shipped=a.json candidate=b.json --photos # and the photos that moved
    python3 training/compare_evals.py --judge cand.json --against prev.json shipped.json
    python3 training/compare_evals.py --field jitter a.json b.json --photos  # reports of `eval --jitter N`

The rule (issue 13's "no folder worse than with the previous model", read by photo): mean JI >=
--min-mean, >= --min-negatives negatives rejected, and against each reference no folder's mean JI
lower by more than --folder-tolerance, no photo with a document lower by more than
--photo-tolerance, no negative the reference rejects taken for a page. Exit 0 on pass, 1 on fail.
The reports must come from one build (the same finder), or the comparison says nothing about the
networks.

--field jitter reads each photo's `jitter` record instead of `docedge` (reports made with `docedge
eval --jitter N`, the same N in each): a photo's JI is its mean over the original run and the looks
at crops, a folder's the mean of those, ">= 0.9" counts photos right in every look, and a negative
counts as rejected only when rejected in every look (one rejected in fewer is shown with its k/n).
--judge then applies models/MODEL.md's rule for knife-edge photos: the tolerances above on the
jittered means, --min-negatives counts the negatives rejected in most of their looks, and a negative
fails when rejected in fewer looks than the reference minus one.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass


FIELDS = ("docedge", "jitter")


class ReportError(ValueError):
    """A report that cannot be read the way asked (e.g. --field jitter on one made without --jitter)."""


@dataclass(frozen=True)
class Report:
    name: str
    data: dict
    field: str = "docedge"

    @property
    def images(self) -> dict[tuple[str, str], dict]:
        return {(i["folder"], i["file"]): i for i in self.data["images"]}

    @property
    def folders(self) -> dict[str, dict]:
        return {f["name"]: summary_of(f, self.field) for f in self.data["folders"]}

    @property
    def overall(self) -> dict:
        return summary_of(self.data["overall"], self.field)

    def ji(self, image: dict) -> float | None:
        return photo_ji(image, self.field)

    def rejected(self, image: dict) -> tuple[int, int]:
        return negative_looks_rejected(image, self.field)


def summary_of(folder: dict, field: str) -> dict:
    """A folder's summary in docedge's shape; for jitter: photos right in every look count as >= 0.9,
    negatives rejected in every look as rejected."""
    if field == "docedge":
        return folder["docedge"]
    j = folder["jitter"]
    return {"positives": j["positives"], "negatives": j["negatives"], "meanJI": j["meanJI"],
            "shareJI90": j["allLooksJI90"] / j["positives"] if j["positives"] else None,
            "negativeAccuracy": j["negativesAlwaysRejected"] / j["negatives"] if j["negatives"] else None}


def check_field(name: str, data: dict, field: str) -> None:
    if field not in FIELDS:
        raise ReportError(f"unknown field {field!r}: one of {', '.join(FIELDS)}")
    if field == "jitter" and ("jitter" not in data or any("jitter" not in i for i in data["images"])):
        raise ReportError(f"{name}: made without --jitter (no jitter records); run `docedge eval ROOT --jitter N --json FILE`")


def load(name: str, path: str, field: str = "docedge") -> Report:
    with open(path) as f:
        data = json.load(f)
    check_field(name, data, field)
    return Report(name, data, field)


def photo_ji(image: dict, field: str = "docedge") -> float | None:
    """A photo's JI (a miss scores 0), or None for a negative; for jitter its mean over the looks."""
    if image["truth"] is None:
        return None
    if field == "jitter":
        return float(image["jitter"]["meanJI"])
    d = image["docedge"]
    return float(d["ji"]) if d["found"] and d.get("ji") is not None else 0.0


def negative_looks_rejected(image: dict, field: str = "docedge") -> tuple[int, int]:
    """On a negative: in how many looks it was answered "no document", of how many (1 without jitter)."""
    if field == "jitter":
        return image["jitter"]["correct"], image["jitter"]["of"]
    return (0 if image["docedge"]["found"] else 1), 1


def negative_answer(k: int, n: int) -> str:
    return "rejected" if k == n else "taken" if n == 1 else f"rejected {k}/{n}"


def negatives_rejected(summary: dict) -> int:
    return round((summary["negativeAccuracy"] or 0) * summary["negatives"])


def folder_cell(summary: dict) -> str:
    cell = "-" if summary["positives"] == 0 else f"{summary['meanJI']:.4f}"
    if summary["negatives"]:
        cell += f" · neg {negatives_rejected(summary)}/{summary['negatives']}"
    return cell


def folder_table(reports: list[Report]) -> str:
    """Per-folder mean JI (and negatives rejected) side by side, as a markdown table."""
    names = [f["name"] for f in reports[0].data["folders"]]
    lines = ["| folder | " + " | ".join(r.name for r in reports) + " |", "|---|" + "---:|" * len(reports)]
    for name in names:
        lines.append(f"| `{name}` | " + " | ".join(folder_cell(r.folders[name]) for r in reports) + " |")
    cells = []
    for r in reports:
        o = r.overall
        at90 = round(o["shareJI90"] * o["positives"])
        every = " in every look" if r.field == "jitter" else ""
        cells.append(f"**{o['meanJI']:.4f}**, {at90}/{o['positives']} >= 0.9{every}, neg {negatives_rejected(o)}/{o['negatives']}")
    lines.append("| all | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def moved_photos(reports: list[Report], min_change: float) -> list[str]:
    """The photos whose JI differs by more than min_change between any two reports, or whose
    negative is rejected in one and taken in another."""
    keys = list(reports[0].images)
    out = []
    for key in keys:
        row = [r.images[key] for r in reports]
        jis = [r.ji(i) for r, i in zip(reports, row)]
        if jis[0] is None:
            answers = [negative_answer(*r.rejected(i)) for r, i in zip(reports, row)]
            if len(set(answers)) > 1:
                out.append(f"{key[0]}/{key[1]}: " + ", ".join(f"{r.name} {a}" for r, a in zip(reports, answers)))
        elif max(jis) - min(jis) > min_change:
            out.append(f"{key[0]}/{key[1]}: " + ", ".join(f"{r.name} {j:.4f}" for r, j in zip(reports, jis)))
    return out


@dataclass(frozen=True)
class Rule:
    min_mean: float = 0.975
    min_negatives: int = 14
    folder_tolerance: float = 0.001
    photo_tolerance: float = 0.02
    # MODEL.md's amended knife-edge rule: the candidate's mean may not fall below any reference's.
    mean_of_references: bool = False


def rule_failures(candidate: Report, references: list[Report], rule: Rule) -> list[str]:
    """Every way the candidate misses the rule; empty when it passes."""
    failures = []
    o = candidate.overall
    if o["meanJI"] < rule.min_mean:
        failures.append(f"mean JI {o['meanJI']:.4f} < {rule.min_mean}")
    if rule.mean_of_references:
        for ref in references:
            if o["meanJI"] < ref.overall["meanJI"]:
                failures.append(f"{ref.name}: mean JI {o['meanJI']:.4f} < {ref.overall['meanJI']:.4f}")
    mine = candidate.images
    if candidate.field == "jitter":
        # MODEL.md's rule for knife-edge photos: a negative counts when rejected in most of its looks.
        most = sum(1 for i in mine.values() if i["truth"] is None and 2 * candidate.rejected(i)[0] > candidate.rejected(i)[1])
        if most < rule.min_negatives:
            failures.append(f"negatives rejected in most looks {most}/{o['negatives']} < {rule.min_negatives}")
    elif negatives_rejected(o) < rule.min_negatives:
        failures.append(f"negatives rejected {negatives_rejected(o)}/{o['negatives']} < {rule.min_negatives}")
    for ref in references:
        theirs = ref.images
        if set(theirs) != set(mine):
            failures.append(f"{ref.name}: not the same photos")
            continue
        for name, summary in candidate.folders.items():
            base = ref.folders[name]
            if summary["positives"] and summary["meanJI"] < base["meanJI"] - rule.folder_tolerance:
                failures.append(f"{ref.name}: folder {name} {summary['meanJI']:.4f} < {base['meanJI']:.4f} - {rule.folder_tolerance}")
        for key, image in mine.items():
            ours, base = candidate.ji(image), ref.ji(theirs[key])
            if ours is None:
                (k, n), (rk, rn) = candidate.rejected(image), ref.rejected(theirs[key])
                if candidate.field == "jitter":
                    # One look's flip is the noise the looks are there to absorb; more is a regression.
                    if k < rk - 1:
                        failures.append(f"{ref.name}: negative {key[0]}/{key[1]} rejected in {k}/{n} looks < {rk}/{rn} - 1")
                elif rk == rn and k < n:
                    failures.append(f"{ref.name}: negative {key[0]}/{key[1]} taken for a page")
            elif base is not None and ours < base - rule.photo_tolerance:
                failures.append(f"{ref.name}: photo {key[0]}/{key[1]} {ours:.4f} < {base:.4f} - {rule.photo_tolerance}")
    return failures


def named(arg: str, field: str = "docedge") -> Report:
    name, _, path = arg.partition("=")
    return load(name, path, field) if path else load(arg, arg, field)


def same_looks(reports: list[Report]) -> None:
    """Jitter reports compare only at the same number of looks (more looks, other crops)."""
    looks = {r.data["jitter"]["looks"] for r in reports if r.field == "jitter"}
    if len(looks) > 1:
        raise ReportError(f"the reports were made with different --jitter ({', '.join(map(str, sorted(looks)))}): not comparable")


REFERENCES = "references"


def mean_bar(text: str) -> float | str:
    if text == REFERENCES:
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number or '{REFERENCES}', not {text!r}") from None


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", nargs="*", help="NAME=report.json (or a path) for the folder table")
    ap.add_argument("--photos", type=float, nargs="?", const=0.01, default=None,
                    help="also list the photos whose JI moves more than this between reports (default 0.01)")
    ap.add_argument("--judge", help="a candidate's report, judged by the rule against --against")
    ap.add_argument("--against", nargs="*", default=[], help="the reference reports (same build)")
    ap.add_argument("--min-mean", type=mean_bar, default=Rule.min_mean,
                    help=f"the candidate's least mean JI (default {Rule.min_mean}), or 'references': not below any --against report's")
    ap.add_argument("--min-negatives", type=int, default=Rule.min_negatives)
    ap.add_argument("--folder-tolerance", type=float, default=Rule.folder_tolerance)
    ap.add_argument("--photo-tolerance", type=float, default=Rule.photo_tolerance)
    ap.add_argument("--field", choices=FIELDS, default="docedge",
                    help="score photos by their single run (docedge, default) or over the looks of `eval --jitter N` (jitter)")
    args = ap.parse_args(argv)
    try:
        return run(ap, args)
    except ReportError as e:
        ap.error(str(e))


def run(ap: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.reports:
        reports = [named(a, args.field) for a in args.reports]
        same_looks(reports)
        print(folder_table(reports))
        if args.photos is not None:
            print()
            for line in moved_photos(reports, args.photos):
                print(f"- {line}")
    if args.judge:
        if not args.against:
            ap.error("--judge needs --against REPORT...")
        by_refs = args.min_mean == REFERENCES
        rule = Rule(0.0 if by_refs else args.min_mean, args.min_negatives, args.folder_tolerance, args.photo_tolerance, by_refs)
        candidate, references = named(args.judge, args.field), [named(a, args.field) for a in args.against]
        same_looks([candidate, *references])
        failures = rule_failures(candidate, references, rule)
        for f in failures:
            print(f"FAIL {f}")
        print("PASS" if not failures else f"FAIL ({len(failures)})")
        return 1 if failures else 0
    if not args.reports:
        ap.error("give reports to compare, or --judge")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
