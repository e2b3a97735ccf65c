"""compare_evals.py: the folder table and the ship rule, on small reports shaped like `docedge eval --json`'s."""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from compare_evals import Report, ReportError, Rule, check_field, folder_table, main, moved_photos, rule_failures  # noqa: E402

QUAD = [[0, 0], [10, 0], [10, 10], [0, 10]]


def report(name: str, jis: dict[tuple[str, str], float | None], negatives_taken: set[tuple[str, str]] = frozenset()) -> Report:
    """jis: photo -> JI (None: a negative; 0.0: a miss). The summaries are computed as eval does."""
    images = []
    for (folder, file), ji in jis.items():
        if ji is None:
            found = (folder, file) in negatives_taken
            images.append({"folder": folder, "file": file, "truth": None, "docedge": {"found": found, "quad": QUAD if found else None}})
        else:
            found = ji > 0
            images.append({"folder": folder, "file": file, "truth": QUAD, "docedge": {"found": found, "ji": ji if found else None}})

    def summary(imgs: list[dict]) -> dict:
        pos = [i for i in imgs if i["truth"] is not None]
        neg = [i for i in imgs if i["truth"] is None]
        ji = [i["docedge"]["ji"] if i["docedge"]["found"] else 0.0 for i in pos]
        return {"positives": len(pos), "negatives": len(neg), "meanJI": sum(ji) / len(ji) if ji else 0.0,
                "shareJI90": sum(j >= 0.9 for j in ji) / len(ji) if ji else 0.0,
                "negativeAccuracy": sum(not i["docedge"]["found"] for i in neg) / len(neg) if neg else None}

    names = sorted({i["folder"] for i in images})
    folders = [{"name": n, "docedge": summary([i for i in images if i["folder"] == n])} for n in names]
    return Report(name, {"folders": folders, "overall": {"docedge": summary(images)}, "images": images})


BASE = {("a", "1.jpg"): 0.99, ("a", "2.jpg"): 0.97, ("b", "1.jpg"): 0.98, ("b", "neg.jpg"): None}


class CompareEvalsTest(unittest.TestCase):
    def test_passes_when_nothing_is_worse_beyond_the_tolerances(self):
        cand = report("cand", {**BASE, ("a", "2.jpg"): 0.9695})  # folder a down 0.00025
        self.assertEqual(rule_failures(cand, [report("ref", BASE)], Rule(min_mean=0.97, min_negatives=1)), [])

    def test_each_way_to_fail_is_named(self):
        ref = report("ref", BASE)
        worse = report("cand", {**BASE, ("a", "2.jpg"): 0.94, ("b", "1.jpg"): 0.9795}, negatives_taken={("b", "neg.jpg")})
        failures = rule_failures(worse, [ref], Rule(min_mean=0.97, min_negatives=1))
        self.assertTrue(any("mean JI" in f for f in failures), failures)
        self.assertTrue(any("negatives rejected 0/1" in f for f in failures), failures)
        self.assertTrue(any("folder a" in f for f in failures), failures)
        self.assertFalse(any("folder b" in f for f in failures), failures)  # 0.0005 down: within the tolerance
        self.assertTrue(any("photo a/2.jpg 0.9400 < 0.9700" in f for f in failures), failures)
        self.assertTrue(any("negative b/neg.jpg taken" in f for f in failures), failures)

    def test_folder_tolerance_is_applied_to_the_mean(self):
        ref = report("ref", BASE)
        just = report("cand", {**BASE, ("b", "1.jpg"): 0.9791})  # 0.0009 down
        over = report("cand", {**BASE, ("b", "1.jpg"): 0.9785})  # 0.0015 down
        rule = Rule(min_mean=0.9, min_negatives=1)
        self.assertEqual(rule_failures(just, [ref], rule), [])
        self.assertEqual(len(rule_failures(over, [ref], rule)), 1)

    def test_a_miss_counts_as_zero(self):
        cand = report("cand", {**BASE, ("a", "1.jpg"): 0.0})
        failures = rule_failures(cand, [report("ref", BASE)], Rule(min_mean=0.0, min_negatives=0))
        self.assertIn("ref: photo a/1.jpg 0.0000 < 0.9900 - 0.02", failures)

    def test_every_reference_is_checked(self):
        better_ref = report("prev", {**BASE, ("a", "1.jpg"): 0.999})
        cand = report("cand", {**BASE, ("a", "1.jpg"): 0.9885})  # within the tolerances of shipped, not of prev
        failures = rule_failures(cand, [report("shipped", BASE), better_ref], Rule(min_mean=0.0, min_negatives=0))
        self.assertEqual(failures, ["prev: folder a 0.9792 < 0.9845 - 0.001"])

    def test_table_and_moved_photos(self):
        a, b = report("shipped", BASE), report("new", {**BASE, ("a", "2.jpg"): 0.99}, negatives_taken={("b", "neg.jpg")})
        table = folder_table([a, b])
        self.assertIn("| `a` | 0.9800 | 0.9900 |", table)
        self.assertIn("| `b` | 0.9800 · neg 1/1 | 0.9800 · neg 0/1 |", table)
        moved = moved_photos([a, b], 0.01)
        self.assertEqual(moved, ["a/2.jpg: shipped 0.9700, new 0.9900", "b/neg.jpg: shipped rejected, new taken"])

    def test_command_line_exit_codes(self):
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for name, rep in (("ref", report("ref", BASE)), ("bad", report("bad", {**BASE, ("a", "1.jpg"): 0.5}))):
                paths[name] = os.path.join(tmp, f"{name}.json")
                with open(paths[name], "w") as f:
                    json.dump(rep.data, f)
            args = ["--min-mean", "0.9", "--min-negatives", "1"]
            self.assertEqual(main(["--judge", paths["ref"], "--against", paths["ref"], *args]), 0)
            self.assertEqual(main(["--judge", paths["bad"], "--against", paths["ref"], *args]), 1)


def jitter_report(name: str, looks: dict[tuple[str, str], list], n: int = 4) -> Report:
    """looks: photo -> per look (the original first) its JI, or for a negative True where rejected.
    The photo's `docedge` is its first look; the jitter records and summaries as eval writes them."""
    base = report(name, {k: (None if isinstance(v[0], bool) else v[0]) for k, v in looks.items()},
                  negatives_taken={k for k, v in looks.items() if v[0] is False})
    data = base.data
    for image in data["images"]:
        row = looks[(image["folder"], image["file"])]
        if image["truth"] is None:
            image["jitter"] = {"looks": [], "meanJI": None, "correct": sum(row), "of": len(row)}
        else:
            image["jitter"] = {"looks": [], "meanJI": sum(row) / len(row), "correct": sum(j >= 0.9 for j in row), "of": len(row)}

    def summary(imgs: list[dict]) -> dict:
        pos = [i["jitter"] for i in imgs if i["truth"] is not None]
        neg = [i["jitter"] for i in imgs if i["truth"] is None]
        return {"meanJI": sum(j["meanJI"] for j in pos) / len(pos) if pos else None, "positives": len(pos),
                "allLooksJI90": sum(j["correct"] == j["of"] for j in pos), "negatives": len(neg),
                "negativesAlwaysRejected": sum(j["correct"] == j["of"] for j in neg)}

    for f in data["folders"]:
        f["jitter"] = summary([i for i in data["images"] if i["folder"] == f["name"]])
    data["overall"]["jitter"] = summary(data["images"])
    data["jitter"] = {"looks": n}
    return Report(name, data, "jitter")


LOOKS = {("a", "1.jpg"): [0.99, 0.98, 0.99], ("a", "2.jpg"): [0.97, 0.95, 0.96], ("b", "1.jpg"): [0.98, 0.98, 0.97],
         ("b", "neg.jpg"): [True, True, True]}


class JitterFieldTest(unittest.TestCase):
    def test_table_and_photos_use_the_mean_over_the_looks(self):
        # The candidate's single run of a/2.jpg is better, its looks are worse; the table follows the looks.
        a = jitter_report("shipped", LOOKS)
        b = jitter_report("new", {**LOOKS, ("a", "2.jpg"): [0.99, 0.60, 0.90], ("b", "neg.jpg"): [True, False, True]})
        table = folder_table([a, b])
        self.assertIn("| `a` | 0.9733 | 0.9083 |", table)
        self.assertIn("| `b` | 0.9767 · neg 1/1 | 0.9767 · neg 0/1 |", table)  # rejected in 2 of 3 looks: not rejected
        self.assertIn("3/3 >= 0.9 in every look", table)
        self.assertEqual(moved_photos([a, b], 0.01), ["a/2.jpg: shipped 0.9600, new 0.8300",
                                                      "b/neg.jpg: shipped rejected, new rejected 2/3"])
        # Read by single runs, the same reports say the candidate improved a/2.jpg.
        single = [Report(r.name, r.data) for r in (a, b)]
        self.assertEqual(moved_photos(single, 0.01), ["a/2.jpg: shipped 0.9700, new 0.9900"])

    def test_judge_by_the_looks(self):
        ref = jitter_report("ref", LOOKS)
        cand = jitter_report("cand", {**LOOKS, ("a", "1.jpg"): [0.99, 0.90, 0.99], ("b", "neg.jpg"): [True, False, False]})
        failures = rule_failures(cand, [ref], Rule(min_mean=0.9, min_negatives=1))
        self.assertIn("ref: photo a/1.jpg 0.9600 < 0.9867 - 0.02", failures)
        self.assertIn("ref: negative b/neg.jpg rejected in 1/3 looks < 3/3 - 1", failures)
        self.assertIn("negatives rejected in most looks 0/1 < 1", failures)
        # One look of a negative lost is within the rule; it still counts, rejected in most looks.
        one_off = jitter_report("cand", {**LOOKS, ("b", "neg.jpg"): [True, False, True]})
        self.assertEqual(rule_failures(one_off, [ref], Rule(min_mean=0.9, min_negatives=1)), [])
        self.assertEqual(rule_failures(ref, [ref], Rule(min_mean=0.9, min_negatives=1)), [])

    def test_mean_not_below_the_references(self):
        # The amended rule: no fixed bar, but the candidate's mean over the looks at least each reference's.
        low = jitter_report("low", {**LOOKS, ("a", "1.jpg"): [0.99, 0.80, 0.99]})
        high = jitter_report("high", {**LOOKS, ("a", "1.jpg"): [0.99, 0.99, 0.99]})
        cand = jitter_report("cand", LOOKS)
        rule = Rule(min_mean=0.0, min_negatives=1, photo_tolerance=1.0, folder_tolerance=1.0, mean_of_references=True)
        self.assertEqual(rule_failures(cand, [low], rule), [])
        self.assertEqual(rule_failures(cand, [low, high], rule), ["high: mean JI 0.9744 < 0.9756"])
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for r in (low, high, cand):
                paths[r.name] = os.path.join(tmp, f"{r.name}.json")
                with open(paths[r.name], "w") as f:
                    json.dump(r.data, f)
            judge = ["--field", "jitter", "--judge", paths["cand"], "--min-mean", "references", "--min-negatives", "1", "--folder-tolerance", "1", "--photo-tolerance", "1"]
            with contextlib.redirect_stdout(io.StringIO()) as out:
                self.assertEqual(main([*judge, "--against", paths["low"]]), 0)
                self.assertEqual(main([*judge, "--against", paths["low"], paths["high"]]), 1)
            self.assertIn("mean JI 0.9744 < 0.9756", out.getvalue())
            with self.assertRaises(SystemExit) as exit_, contextlib.redirect_stderr(io.StringIO()) as err:
                main([*judge[:-6], "--min-mean", "refs", "--against", paths["low"]])
            self.assertEqual(exit_.exception.code, 2)
            self.assertIn("a number or 'references'", err.getvalue())

    def test_refuses_reports_made_without_jitter(self):
        plain = report("plain", BASE)
        with self.assertRaisesRegex(ReportError, "plain: made without --jitter"):
            check_field("plain", plain.data, "jitter")
        with tempfile.TemporaryDirectory() as tmp:
            paths = {}
            for name, data in (("plain", plain.data), ("j4", jitter_report("j4", LOOKS).data), ("j2", jitter_report("j2", LOOKS, n=2).data)):
                paths[name] = os.path.join(tmp, f"{name}.json")
                with open(paths[name], "w") as f:
                    json.dump(data, f)
            for argv in (["--field", "jitter", paths["plain"]], ["--field", "jitter", paths["j4"], paths["j2"]],
                         ["--field", "jitter", "--judge", paths["j4"], "--against", paths["plain"]]):
                with self.assertRaises(SystemExit) as exit_, contextlib.redirect_stderr(io.StringIO()) as err:
                    main(argv)
                self.assertEqual(exit_.exception.code, 2, argv)
                self.assertRegex(err.getvalue(), "made without --jitter|different --jitter")
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(main(["--field", "jitter", "--judge", paths["j4"], "--against", paths["j4"], "--min-mean", "0.9", "--min-negatives", "1"]), 0)


if __name__ == "__main__":
    unittest.main()
