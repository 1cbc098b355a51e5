"""Markdown worst cases: does a hostile post render in time proportional to its size?

``blog.core.markdown.render_markdown`` runs inside the request that saves a page (and in
the import task, once per post), on posts of up to ``MAX_MARKDOWN_LENGTH`` (500,000)
characters. A render that grows faster than its input lets one post hold a web worker
for minutes, and gunicorn kills a worker after 30 s. Tests check what these inputs
render to; this measures how long they take.

For each family of hostile input (``FAMILIES``: unclosed markers, line breaks, fences,
nested lists, emphasis, footnotes, headings under a table of contents, HTML, a table),
built by a function of n, it picks n so that the input is about ``--smallest`` KB, then
renders n, 2n and 4n and reports the median CPU time of a few runs at each (CPU time,
not wall time: the machine is shared, and a render uses one core). The ratio t(4n)/t(n)
is about 4 when the render is linear and about 16 when it is quadratic; "grows as"
gives the exponent k of t ~ size^k, and flags a family faster than linear above 1.25.

Prints the table and writes ``bench/results/markdown.json`` and ``markdown.md``. A report,
not a test: nothing fails because something is slow.

    .venv/bin/python bench/markdown_worst_cases.py             # 50, 100 and 200 KB, ~2 min
    .venv/bin/python bench/markdown_worst_cases.py --smallest 10 --only fences --no-write
"""

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
# An exponent above this (t(4n)/t(n) above 5.7) is flagged: the linear families measure
# 3.5 to 4.7 here, and a quadratic cost under a large linear one gives between 1 and 2.
FASTER_THAN_LINEAR = 1.25
ENOUGH_SECONDS = 2  # stop repeating a size once its runs took this long together

# name: (how the input is built, for the table's Markdown; the function of n that builds it)
FAMILIES = {
    "display math": ('`"a$$\\n" * n`', lambda n: "a$$\n" * n),
    "backslash breaks": ('`"x\\\\\\n" * n`', lambda n: "x\\\n" * n),
    "two-space breaks": ('`"x  \\n" * n`', lambda n: "x  \n" * n),
    "fences": ('``"```\\ncode\\n```\\n\\n" * n``', lambda n: "```\ncode\n```\n\n" * n),
    "nested lists": (
        "n lists, each 10 levels deep",
        lambda n: "".join("  " * depth + "- item\n" for depth in range(10)) * n,
    ),
    # Deeper than Python-Markdown can recurse: rendered as typed, in a <pre>.
    "deep list": ('`"- " * n + "x"`', lambda n: "- " * n + "x\n"),
    "emphasis openers": ('`"*a " * n`', lambda n: "*a " * n),
    # Alone on its line a run of underscores is a rule: after a letter it is text.
    "underscores": ('`"x" + "_" * n`', lambda n: "x" + "_" * n),
    "emphasised words": ('`"*a* " * n`', lambda n: "*a* " * n),
    "footnotes": (
        '`"text[^k]\\n\\n[^k]: note\\n"` for k < n',
        lambda n: "".join(f"text[^{k}]\n\n[^{k}]: note\n" for k in range(n)),
    ),
    "headings + toc": (
        '`"[TOC]\\n\\n"` then `"## Heading k\\n\\n"` for k < n',
        lambda n: "[TOC]\n\n" + "".join(f"## Heading {k}\n\n" for k in range(n)),
    ),
    "inline HTML": ('`"<span>x</span> " * n`', lambda n: "<span>x</span> " * n),
    "unclosed divs": ('`"<div>\\n" * n`', lambda n: "<div>\n" * n),
    "table": (
        "a header and n rows of 3 cells",
        lambda n: "| a | b | c |\n| --- | --- | --- |\n" + "| 1 | 2 | 3 |\n" * n,
    ),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smallest", type=int, default=50, help="KB of the input at n")
    parser.add_argument("--runs", type=int, default=3, help="at most, per size")
    parser.add_argument("--only", nargs="+", choices=FAMILIES, metavar="FAMILY")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args()


def setup_django():
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bearcms.settings"
    import django

    django.setup()


def n_for(build, kilobytes):
    """The n whose input is about ``kilobytes`` KB (from the length of a small one)."""
    sample = 1_000
    return max(1, round(kilobytes * 1_000 * sample / len(build(sample))))


def time_render(render, text, runs):
    """Median CPU and wall seconds of up to ``runs`` renders; fewer when they are slow."""
    cpu, wall = [], []
    while len(cpu) < runs and sum(wall) < ENOUGH_SECONDS:
        gc.collect()
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        render(text)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return {"cpu_s": round(statistics.median(cpu), 3), "wall_s": round(statistics.median(wall), 3)}


def measure(render, build, smallest_kb, runs):
    n = n_for(build, smallest_kb)
    sizes = []
    for count in (n, 2 * n, 4 * n):
        text = build(count)
        sizes.append({"n": count, "chars": len(text), **time_render(render, text, runs)})
    first, last = sizes[0], sizes[-1]
    ratio = last["cpu_s"] / first["cpu_s"]
    exponent = math.log(ratio) / math.log(last["chars"] / first["chars"])
    return {"sizes": sizes, "ratio": round(ratio, 1), "exponent": round(exponent, 2)}


def growth(result):
    exponent = result["exponent"]
    if exponent > FASTER_THAN_LINEAR:
        return f"**size^{exponent:.2f}: faster than linear**"
    return f"linear (size^{exponent:.2f})"


def report(results, meta):
    lines = [
        "# Markdown worst cases",
        "",
        f"`render_markdown` on hostile input at n, 2n and 4n; median CPU seconds of up to "
        f"{meta['runs']} runs. {meta['machine']}, load average {meta['load_average_before']} "
        f"before the run; run {meta['date']}; `.venv/bin/python bench/markdown_worst_cases.py`.",
        "",
        "| input | built as | KB at n / 2n / 4n | s at n | s at 2n | s at 4n "
        "| t(4n)/t(n) | grows as |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        sizes = result["sizes"]
        kilobytes = " / ".join(f"{size['chars'] / 1000:.0f}" for size in sizes)
        seconds = " | ".join(f"{size['cpu_s']:.3f}" for size in sizes)
        lines.append(
            f"| {name} | {FAMILIES[name][0]} | {kilobytes} | {seconds} "
            f"| {result['ratio']} | {growth(result)} |"
        )
    return "\n".join(lines)


def main():
    options = parse_args()
    setup_django()
    from blog.core.markdown import render_markdown

    load_before = os.getloadavg()[0]  # others' work on the machine skews every figure
    results = {}
    for name in options.only or FAMILIES:
        results[name] = measure(render_markdown, FAMILIES[name][1], options.smallest, options.runs)
        print(f"{name}: {results[name]}", flush=True)
    meta = {
        "smallest_kb": options.smallest,
        "runs": options.runs,
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_before": round(load_before, 2),
        "date": time.strftime("%Y-%m-%d"),
    }
    table = report(results, meta)
    print(table)
    if not options.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / "markdown.json").write_text(
            json.dumps({"meta": meta, "results": results}, indent=2) + "\n"
        )
        (RESULTS_DIR / "markdown.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
