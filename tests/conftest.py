import os, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# notebooks write smoke output to a temporary folder; keep pytest's in one too
os.environ.setdefault("MPLBACKEND", "Agg")
