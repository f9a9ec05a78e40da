"""The FastAPI application of a service: the UDC endpoints, request metrics, JSON errors, start-up work."""
import inspect
import logging
import time
from contextlib import asynccontextmanager
from typing import Any, Dict, Iterator, List, Sequence

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from . import models
from .config import ServiceInfo, load_settings
from .logs import install_root_handler, log_event, set_service_name
from .registration import start_registration
from .udc import Metrics, check_dependencies, read_envelope, utc_now_iso, validation_problems

# The methods an endpoint list names; HEAD is implied by GET and never listed by a SPEC.
LISTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api_routes(routes: Sequence[Any]) -> Iterator[APIRoute]:
    """The API routes in order, including those of included routers: FastAPI 0.92 copies them into the
    app's routes, current FastAPI keeps each included router as one entry that holds the original."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        else:
            included = getattr(route, "original_router", None)
            if included is not None:
                yield from api_routes(included.routes)


def served_endpoints(app: FastAPI) -> List[Dict[str, str]]:
    """Every endpoint the app serves, in the order it was added: the UDC's first, then the features'."""
    endpoints = []
    for route in api_routes(app.routes):
        for method in LISTED_METHODS:
            if method in route.methods:
                endpoints.append({"method": method, "path": route.path})
    return endpoints


def udc_router(app: FastAPI, service: ServiceInfo) -> APIRouter:
    router = APIRouter()

    @router.get("/health", response_model=models.HealthResponse)
    def health():
        return {
            "status": "active",
            "service": service.name,
            "version": app.state.settings.version,
            "timestamp": utc_now_iso(),
        }

    @router.get("/capabilities", response_model=models.CapabilitiesResponse)
    def capabilities():
        return {
            "service": service.name,
            "version": app.state.settings.version,
            "features": list(service.features),
            "dependencies": list(service.dependencies),
            "endpoints": served_endpoints(app),
        }

    @router.get("/state", response_model=models.StateResponse)
    def state():
        return app.state.metrics.snapshot()

    @router.get("/dependencies", response_model=models.DependenciesResponse)
    def dependencies():
        return {"dependencies": check_dependencies(list(service.dependencies))}

    @router.post("/message", response_model=models.MessageReceipt, status_code=service.message_status)
    async def message(request: Request):
        envelope, status, problems = read_envelope(await request.body())
        if envelope is None:
            return JSONResponse(status_code=status, content={"detail": problems})
        log_event(
            logging.INFO, "message received", trace_id=envelope.trace_id,
            source=envelope.source, message_type=envelope.message_type,
        )
        return {"received": True, "trace_id": envelope.trace_id}

    return router


def create_app(service: ServiceInfo, *feature_routers: APIRouter) -> FastAPI:
    """The service's application: the UDC endpoints, then each feature router in the order given."""
    set_service_name(service.name)
    settings = load_settings(service)

    def start() -> None:
        log_event(logging.INFO, "service starting", port=settings.port, version=settings.version)
        for note in settings.notes:
            log_event(logging.WARNING, note)
        start_registration(service.name, settings)

    # FastAPI 0.93 added lifespan= and current Starlette dropped startup handlers; support both.
    if "lifespan" in inspect.signature(FastAPI.__init__).parameters:

        @asynccontextmanager
        async def lifespan(_app: Any):
            start()
            yield

        app = FastAPI(title=service.name, version=settings.version, lifespan=lifespan)
    else:  # pragma: no cover - FastAPI < 0.93 only
        app = FastAPI(title=service.name, version=settings.version)
        app.router.add_event_handler("startup", start)
    app.state.service = service
    app.state.settings = settings
    app.state.metrics = Metrics()

    @app.middleware("http")
    async def count_requests(request: Request, call_next):
        metrics = app.state.metrics
        metrics.count_request()
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:
            metrics.count_error()
            log_event(logging.ERROR, "unhandled error", exc_info=True, method=request.method, path=request.url.path)
            return JSONResponse(status_code=500, content={"detail": "internal error"})
        if response.status_code >= 400:
            metrics.count_error()
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        log_event(
            logging.INFO, "request", method=request.method, path=request.url.path,
            status=response.status_code, duration_ms=duration_ms,
        )
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return JSONResponse(status_code=422, content={"detail": validation_problems(exc.errors())})

    app.include_router(udc_router(app, service))
    for router in feature_routers:
        app.include_router(router)
    return app


def serve(app: FastAPI) -> None:
    """Runs the app under uvicorn on HOST:PORT, with the server's own logs as JSON lines too."""
    import uvicorn

    install_root_handler()
    settings = app.state.settings
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
