"""The runtime every Assembly Line service shares, vendored beside its `app/` package.

It serves the five UDC endpoints, counts requests, writes JSON logs, reads the configuration from the
environment, registers with the registry and probes dependencies; the service's own code adds only its
feature routes (an `APIRouter`) and their models:

    from assembly_line_runtime import ServiceInfo, create_app, serve
    app = create_app(ServiceInfo(name="hello-world", port=8999, features=[...], dependencies=[]), router)

Written for FastAPI 0.92 / pydantic 1.10 (Debian) and current FastAPI / pydantic 2 alike.
"""
from .config import ConfigError, ServiceInfo, Settings, load_settings
from .service import create_app, serve, served_endpoints
from .shaping import respond

# Recorded in each service's stamp (.assembly-line.json); a change regenerates the services built on it.
__version__ = "1.1.0"

__all__ = [
    "ConfigError",
    "ServiceInfo",
    "Settings",
    "create_app",
    "load_settings",
    "respond",
    "serve",
    "served_endpoints",
    "__version__",
]
