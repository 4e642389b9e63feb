"""Checks what headless Chromium saw of the HTML report (see check-report-in-browser)."""
import json
import pathlib
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
checks = {
    "title names the scenario": "<h1>Llama 3.1 405B pre-training</h1>" in dom,
    "charts present (at least 6 SVG)": dom.count("<svg") >= 6,
    "bands table present": 'class="bands"' in dom,
    "sensitivity table present": 'class="sensitivity"' in dom,
    "inputs table present": 'class="inputs"' in dom,
    "budget chance shown": "Within budget of $110.0M" in dom,
    "no console messages": "CONSOLE" not in console and "Uncaught" not in console,
    "no request made by the page": not page_requests,
    "screenshot taken": (out / "report.png").stat().st_size > 10_000,
}
failed = [name for name, ok in checks.items() if not ok]
for name, ok in checks.items():
    print(("ok     " if ok else "FAILED ") + name)
if page_requests:
    print("page requests:", page_requests)
print(f"browser: {len(checks) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
