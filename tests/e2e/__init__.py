"""End-to-end: the whole stack started by scripts/run, driven by a real Chromium."""
