"""The UDC's request and response models, the same for every service."""
from typing import Any, Dict, List

from pydantic import BaseModel, StrictStr


class HealthResponse(BaseModel):
    status: str
    service: str
    version: str
    timestamp: str


class EndpointInfo(BaseModel):
    method: str
    path: str


class CapabilitiesResponse(BaseModel):
    service: str
    version: str
    features: List[str]
    dependencies: List[str]
    endpoints: List[EndpointInfo]


class StateResponse(BaseModel):
    uptime_seconds: float
    requests_total: int
    errors_total: int
    started_at: str


class DependencyStatus(BaseModel):
    name: str
    status: str


class DependenciesResponse(BaseModel):
    dependencies: List[DependencyStatus]


class MessageEnvelope(BaseModel):
    """The UDC message envelope; StrictStr refuses numbers where text is due, under pydantic 1 and 2."""

    trace_id: StrictStr
    source: StrictStr
    target: StrictStr
    message_type: StrictStr
    payload: Dict[str, Any]
    timestamp: StrictStr


class MessageReceipt(BaseModel):
    received: bool
    trace_id: str
