"""The application factory: tests and the production server both call ``create_app``."""

from pathlib import Path

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router

from api.actors.routes import ActorController
from api.comparisons.position_matrix import PositionMatrices
from api.comparisons.routes import ActorAlignmentController, ComparisonController, PolicyComparisonController
from api.database import engine_lifespan, provide_pg, provide_session
from api.endpoints import Endpoint, endpoint_of
from api.errors import EXCEPTION_HANDLERS
from api.evidence.routes import EvidenceController
from api.health import HealthController
from api.history.routes import ChangeFeedController
from api.imports.popolo_routes import PopoloExportController
from api.imports.routes import ExportController, ImportController, document_import_body, imports_lifespan
from api.intake.routes import IntakeController
from api.litestar_internals import openapi_document
from api.metrics import MetricsController, prometheus_config
from api.middleware import add_response_headers, check_request, request_context_middleware
from api.migrations import head_revision
from api.openapi import enrich, openapi_config
from api.policies.routes import PolicyController, TopicController
from api.replicas import replica_headers
from api.response_cache import ResponseCache
from api.settings import Settings
from api.sources.routes import SourceController
from api.stances.page import StancePageController
from api.stances.routes import StanceController
from api.tracing import tracing_plugins
from api.writing import provide_write

DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboard" / "static"


def create_app(settings: Settings) -> Litestar:
    app = Litestar(
        route_handlers=[
            HealthController,
            ActorController,
            PolicyController,
            TopicController,
            StanceController,
            EvidenceController,
            SourceController,
            ComparisonController,
            PolicyComparisonController,
            ActorAlignmentController,
            ChangeFeedController,
            ImportController,
            ExportController,
            PopoloExportController,
            IntakeController,
            MetricsController,
            StancePageController,
            create_static_files_router(
                path="/dashboard", directories=[DASHBOARD_DIR], html_mode=True, include_in_schema=False
            ),
        ],
        dependencies={
            "session": Provide(provide_session),
            "pg": Provide(provide_pg),
            "write": Provide(provide_write),
        },
        lifespan=[engine_lifespan(settings.database_url, settings.pool_size), imports_lifespan()],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[request_context_middleware, prometheus_config().middleware],
        plugins=tracing_plugins(),
        before_send=[add_response_headers, replica_headers],
        before_request=check_request,
        openapi_config=openapi_config(),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins), allow_methods=["GET", "HEAD", "OPTIONS"]),
        request_max_body_size=settings.max_body_bytes,
        state=State(
            {
                "head_revision": head_revision(),
                "settings": settings,
                "position_matrices": PositionMatrices(),
                "response_cache": ResponseCache(settings.response_cache_bytes)
                if settings.response_cache_bytes
                else None,
            }
        ),
        debug=settings.debug,
    )
    enrich(openapi_document(app), declared_endpoints(app))
    document_import_body(openapi_document(app))
    return app


def declared_endpoints(app: Litestar) -> dict[str, Endpoint]:
    """What each operation declares about itself (``api.endpoints``), by operationId."""
    return {
        handler.operation_id: endpoint_of(handler)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if isinstance(handler.operation_id, str)
    }
