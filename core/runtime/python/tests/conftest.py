"""Puts the runtime modules into an `app` package beside a small config and models, as a service has them.

The runtime imports the service's own values from `app.config` and `app.models`, which the generator
writes per service; here they are stand-ins with the same names, for a service called `runtime-test`.
"""
import shutil
import sys
import tempfile
from pathlib import Path

RUNTIME = Path(__file__).resolve().parent.parent / "app"

CONFIG_PY = '''
import os
from typing import Mapping, NamedTuple, Optional, Tuple

SERVICE_NAME = "runtime-test"


class Settings(NamedTuple):
    port: int
    host: str
    version: str
    registry_url: Optional[str]
    service_url: str
    release_id: Optional[str] = None
    notes: Tuple[str, ...] = ()


def dependency_url(name: str, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    return (os.environ if environ is None else environ).get("DEPENDENCY_%s_URL" % name.upper()) or None
'''

MODELS_PY = '''
from typing import Any, Dict

from pydantic import BaseModel, StrictStr


class MessageEnvelope(BaseModel):
    trace_id: StrictStr
    source: StrictStr
    target: StrictStr
    message_type: StrictStr
    payload: Dict[str, Any]
    timestamp: StrictStr
'''

_root = Path(tempfile.mkdtemp(prefix="assembly-line-runtime-"))
(_root / "app").mkdir()
(_root / "app" / "__init__.py").write_text('"""The runtime under test."""\n')
(_root / "app" / "config.py").write_text(CONFIG_PY)
(_root / "app" / "models.py").write_text(MODELS_PY)
for module in RUNTIME.glob("*.py"):
    shutil.copy(module, _root / "app" / module.name)
sys.path.insert(0, str(_root))


def pytest_unconfigure(config):
    shutil.rmtree(_root, ignore_errors=True)
