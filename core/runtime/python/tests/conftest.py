"""Makes the runtime importable as it is in a service: a package beside the tests."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
