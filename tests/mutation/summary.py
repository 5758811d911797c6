#!/usr/bin/env python3
"""Per-file figures and the surviving mutants of a Stryker JSON report.

    tests/mutation/summary.py artifacts/mutation/core/reports/mutation-report.json [--survivors]

Score = killed (timeouts count as killed) / (killed + survived + no coverage), as Stryker computes it.
"""
import json
import sys


def main():
    report = json.load(open(sys.argv[1], encoding="utf-8"))
    show = "--survivors" in sys.argv
    totals = [0, 0, 0]
    rows = []
    for path, file in sorted(report["files"].items()):
        counts = {"Killed": 0, "Timeout": 0, "Survived": 0, "NoCoverage": 0}
        for m in file["mutants"]:
            if m["status"] in counts:
                counts[m["status"]] += 1
        killed = counts["Killed"] + counts["Timeout"]
        survived, nocov = counts["Survived"], counts["NoCoverage"]
        valid = killed + survived + nocov
        if valid == 0:
            continue
        totals = [totals[0] + killed, totals[1] + survived, totals[2] + nocov]
        short = path.split("/src/", 1)[-1]
        rows.append((short, killed, survived, nocov, 100.0 * killed / valid))
        if show:
            lines = file["source"].split("\n")
            for m in sorted(file["mutants"], key=lambda m: m["location"]["start"]["line"]):
                if m["status"] in ("Survived", "NoCoverage"):
                    line = m["location"]["start"]["line"]
                    code = lines[line - 1].strip()[:110]
                    print(f"  {short}:{line} {m['status']} {m['mutatorName']}: {m.get('replacement', '')[:80]!r}\n      {code}")
    print("| file | killed | survived | no coverage | score |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for short, killed, survived, nocov, score in rows:
        print(f"| `{short}` | {killed} | {survived} | {nocov} | {score:.1f} % |")
    valid = sum(totals)
    print(f"| **all** | {totals[0]} | {totals[1]} | {totals[2]} | {100.0 * totals[0] / valid:.1f} % |")


if __name__ == "__main__":
    main()
