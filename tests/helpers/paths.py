"""Where the checkout and the screenshots live, whatever the test file's depth."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
