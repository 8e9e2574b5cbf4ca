"A literate, reproducible companion to Multi-Agent Trust Region Learning (MATRL)."
__version__ = "0.1.0"
