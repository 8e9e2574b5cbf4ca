import os, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# notebooks write smoke output to a temporary folder; keep pytest's in one too
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_terminal_summary(terminalreporter):
    "Fuzz modules count the inputs they tried (`FUZZ_REPORT()`): say how many, also under -q and without -s."
    for name, mod in sorted(sys.modules.items()):
        if not name.split(".")[-1].startswith("test_"): continue
        report = getattr(mod, "__dict__", {}).get("FUZZ_REPORT")  # no getattr: some packages' __getattr__ raise
        if callable(report): terminalreporter.write_line(report())
