"""Every place the API reads Litestar structures that are not its documented public API.

Verified on the Litestar versions ``tests/unit/test_litestar_internals.py`` pins; when Litestar moves outside
that range, re-check each structure below (the test exercises every function here) and widen the range.

- ``route_handler.parsed_fn_signature`` (``litestar.utils.signature.ParsedSignature``): ``.parameters`` maps
  each handler argument to a ``FieldDefinition`` with ``.kwarg_definition`` (a ``ParameterKwarg`` carrying the
  public ``name``, ``header`` and ``query`` aliases) and ``.is_required``; read by ``public_name`` and
  ``missing_query_parameters``, together with ``route_handler.resolve_dependencies()``.
- ``ValidationException.extra`` as built by ``litestar._signature.model.SignatureModel``: a list of dicts with
  ``key`` (the handler's argument name), ``source`` (a ``ParamType`` or ``"body"``) and ``message``; read by
  ``validation_failures``.
- The detail of the ``ValidationException`` ``litestar._kwargs.extractors`` raises for an absent required
  parameter: ``Missing required <query|header|cookie> parameter '<name>' for path <path>``; parsed by
  ``missing_parameter``.
- ``scope["path_template"]`` (set by ``litestar._asgi.asgi_router``) matched against ``app.routes``'s
  ``path``/``path_format`` and ``methods``; read by ``allowed_methods``.
- ``litestar._openapi.plugin.OpenAPIPlugin`` (a private module) and its ``provide_openapi_schema()``, the
  cached dict served at ``/schema/openapi.json``; read by ``openapi_document``.
"""

import re
from typing import Any, NamedTuple

from litestar import Litestar, Request
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.exceptions import ValidationException
from litestar.types import Scope


class ValidationFailure(NamedTuple):
    """One entry of a ``ValidationException``: the handler's argument name, where it came from, what is wrong."""

    key: str
    location: str
    message: str


class MissingParameter(NamedTuple):
    """The parameter Litestar's "missing required parameter" message names, and where it was expected."""

    location: str
    name: str


_MISSING = re.compile(r"Missing required (\w+) parameter '([^']+)'")
_PARAMETER_KWARGS = {"QueryParameter", "ParameterKwarg"}


def public_name(request: Request[Any, Any, Any], key: str) -> str:
    """The parameter's public name (``from``) rather than the handler's argument name (``from_date``)."""
    try:
        definition = request.route_handler.parsed_fn_signature.parameters[key].kwarg_definition
    except (KeyError, AttributeError):
        return key
    name = getattr(definition, "name", None)
    return name if isinstance(name, str) and name else key


def missing_query_parameters(request: Request[Any, Any, Any]) -> list[str]:
    """Every required query parameter absent from the request, in the handler's order."""
    names: list[str] = []
    handler = request.route_handler
    skip = {"self", "request", "state", "scope", *handler.resolve_dependencies(), *request.path_params}
    for key, field in handler.parsed_fn_signature.parameters.items():
        definition = field.kwarg_definition
        if key in skip or not field.is_required or type(definition).__name__ not in _PARAMETER_KWARGS:
            continue
        public = getattr(definition, "name", None) or key
        if getattr(definition, "header", None) is None and public not in request.query_params:
            names.append(public)
    return names


def validation_failures(exc: ValidationException) -> list[ValidationFailure]:
    """The offending arguments a ``ValidationException`` lists in ``extra`` (empty when it lists none)."""
    failures: list[ValidationFailure] = []
    if isinstance(exc.extra, list):
        for item in exc.extra:
            if isinstance(item, dict):
                source = item.get("source")
                failures.append(
                    ValidationFailure(
                        key=str(item.get("key") or "body"),
                        location=str(getattr(source, "value", source) or "body"),
                        message=str(item.get("message") or "invalid value"),
                    )
                )
    return failures


def missing_parameter(exc: ValidationException) -> MissingParameter | None:
    """The parameter named by Litestar's "Missing required ... parameter" detail, if that is what ``exc`` is."""
    found = _MISSING.search(exc.detail or "")
    return MissingParameter(location=found[1], name=found[2]) if found else None


def allowed_methods(scope: Scope) -> str | None:
    """Every method of the matched path (Litestar's own OPTIONS answer can list one handler's methods only)."""
    template = scope.get("path_template")
    for route in scope["app"].routes:
        if template in {route.path, getattr(route, "path_format", None)} and hasattr(route, "methods"):
            return ", ".join(sorted(route.methods))
    return None


def openapi_document(app: Litestar) -> dict[str, Any]:
    """The OpenAPI document as served at ``/schema/openapi.json`` (generated once, then cached)."""
    document: dict[str, Any] = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    return document
