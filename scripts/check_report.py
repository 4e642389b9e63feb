"""Checks what headless Chromium saw of the HTML report (see check-report-in-browser)."""
import html
import json
import pathlib
import re
import sys

out = pathlib.Path(sys.argv[1])
dom = (out / "dom.html").read_text()
console = (out / "console-dom.txt").read_text() + (out / "console-shot.txt").read_text()
net = json.loads((out / "net.json").read_text())
names = {v: k for k, v in net["constants"]["logEventTypes"].items()}
page_requests = [
    e["params"].get("url", "?")
    for e in net["events"]
    if names.get(e["type"]) == "URL_REQUEST_START_JOB"
    and "url" in e.get("params", {})
    # Requests the browser makes for itself carry no origin; the page's would carry its own.
    and e["params"].get("initiator") != "not an origin"
]


def probe(width):
    """What scripts/report_probe.js measured with the window `width` px wide."""
    text = (out / f"probe-{width}.html").read_text()
    # The last one: the probe's own source, also in the page, names the element too.
    found = re.findall(r'<pre id="flopcast-probe">(\{.*?)</pre>', text, re.S)
    return json.loads(html.unescape(found[-1])) if found else None


wide, narrow = probe(1100), probe(480)
problems = {}


def report(name, items):
    problems[name] = items
    return not items


def full_width(p):
    """Charts as wide as the column (within a pixel) and centred in it."""
    if not p or len(p["charts"]) < 6:
        return ["probe found fewer than 6 charts"]
    return [
        f'{c["title"]}: {c["width"]:.0f} px in a {c["column"]:.0f} px column, '
        f'gaps {c["left_gap"]:.1f}/{c["right_gap"]:.1f}'
        for c in p["charts"]
        if abs(c["width"] - c["column"]) > 1 or abs(c["left_gap"] - c["right_gap"]) > 1
    ]


text = wide["primary_text"] if wide else ""
# Code names: snake_case keys (total_cost_usd) and dotted input keys (cost.gpu_hour_usd).
code_names = sorted(set(re.findall(
    r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|(?<![\w./-])(?:model|cluster|cost|team|failures)\.[a-z_]+\b",
    text)))
# Numbers as the report writes them: an optional $, digits, decimals, a suffix or %. A digit
# or a point right before one (P95, 3.79e25, 0.1.0) makes it part of a name or an exponent.
numbers = re.findall(r"(?<![\w.])(\$?)(\d[\d,]*)(\.\d+)?([kMBT%]?)", text)
trailing_zero = sorted({
    f"{d}{i}{f}{s}" for d, i, f, s in numbers
    # Cents are the one place a zero after the point says something: $1.80.
    if f and f.endswith("0") and not (d and not s and len(f) == 3)
})
ungrouped = sorted({f"{d}{i}{f}{s}" for d, i, f, s in numbers if "," not in i and len(i) >= 5})
too_precise = sorted({
    f"{d}{i}{f}{s}" for d, i, f, s in numbers
    if (d or s) and len((i + f).replace(",", "").replace(".", "").lstrip("0")) > 3
    and "," not in i
    # Cents again: $12.60 is a price, not a false precision.
    and not (d and not s and len(f) == 3)
})

checks = {
    "title names the scenario": "<h1>Llama 3.1 405B pre-training</h1>" in dom,
    "charts present (at least 6 SVG)": dom.count("<svg") >= 6,
    "bands table present": 'class="bands"' in dom,
    "sensitivity table present": 'class="sensitivity"' in dom,
    "inputs table present": 'class="inputs"' in dom,
    "scenario file included, collapsed": '<details class="scenario">' in dom
    and "gpu_hour_usd" in dom.split('<details class="scenario">')[1],
    "budget chance shown": "Within budget of $110M" in dom,
    "no console messages": "CONSOLE" not in console and "Uncaught" not in console,
    "no request made by the page": not page_requests,
    "screenshot taken": (out / "report.png").stat().st_size > 10_000,
    "probe ran at 1100 px and 480 px": wide is not None and narrow is not None,
    "charts full width and centred at 1100 px": report("wide", full_width(wide)),
    "charts full width and centred at 480 px": report("narrow", full_width(narrow)),
    "no overlapping text in the charts": report("overlaps", wide["overlaps"] if wide else ["?"]),
    "no chart text outside its chart": report("outside", wide["outside"] if wide else ["?"]),
    "no code names as primary labels": report("code names", code_names),
    "no trailing zeros ($80.0M, 2.0%)": report("trailing zeros", trailing_zero),
    "no ungrouped number of 10,000 or more": report("ungrouped", ungrouped),
    "money and shares to 3 significant digits": report("too precise", too_precise),
}
failed = [name for name, ok in checks.items() if not ok]
for name, ok in checks.items():
    print(("ok     " if ok else "FAILED ") + name)
for name, items in problems.items():
    if items:
        print(f"  {name}: {items[:12]}")
if page_requests:
    print("page requests:", page_requests)
print(f"browser: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
