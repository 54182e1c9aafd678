"""The application factory: tests and the production server both call ``create_app``."""

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide

from api.actors.routes import ActorController
from api.evidence.routes import EvidenceController
from api.policies.routes import PolicyController, TopicController
from api.sources.routes import SourceController
from api.stances.routes import StanceController
from api.database import engine_lifespan, provide_session
from api.errors import EXCEPTION_HANDLERS
from api.health import HealthController
from api.migrations import head_revision
from api.openapi import openapi_config
from api.settings import Settings


def create_app(settings: Settings) -> Litestar:
    return Litestar(
        route_handlers=[
            HealthController,
            ActorController,
            PolicyController,
            TopicController,
            StanceController,
            EvidenceController,
            SourceController,
        ],
        dependencies={"session": Provide(provide_session)},
        lifespan=[engine_lifespan(settings.database_url, settings.pool_size)],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config(),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins), allow_methods=["GET", "HEAD", "OPTIONS"]),
        request_max_body_size=settings.max_body_bytes,
        state=State({"head_revision": head_revision(), "settings": settings}),
        debug=settings.debug,
    )
