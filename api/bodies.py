"""Request bodies: JSON only, decoded into msgspec Structs with every invalid field reported at once.

msgspec stops at the first error, so after a failed decode each field is checked on its own and the
422 problem lists them all. The write dependency (``api.writing``) calls ``parse_body`` with the Struct the
handler declares in ``endpoint(body=...)``, before any database connection is taken.
"""

from typing import Any, TypeVar, get_args, get_origin

import msgspec
from litestar import Request

from api.errors import ApiError, InvalidField, Unprocessable, UnsupportedMediaType

T = TypeVar("T", bound=msgspec.Struct)


class MalformedJson(ApiError):
    status = 400
    code = "malformed-json"
    title = "Malformed JSON"


def given_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a partial-update body actually carries (those left `UNSET` are not changes)."""
    return {name: value for name, value in msgspec.structs.asdict(data).items() if value is not msgspec.UNSET}


def _field_errors(struct: type[msgspec.Struct], raw: object, path: str) -> list[InvalidField]:
    if not isinstance(raw, dict):
        return [InvalidField(name=path or "body", location="body", message="expected a JSON object")]
    errors: list[InvalidField] = []
    fields = {field.encode_name: field for field in msgspec.structs.fields(struct)}
    for name in raw:
        if name not in fields:
            errors.append(InvalidField(name=f"{path}{name}", location="body", message="unknown field"))
    for name, field in fields.items():
        where = f"{path}{name}"
        if name not in raw:
            if field.required:
                errors.append(InvalidField(name=where, location="body", message="required field is missing"))
            continue
        value = raw[name]
        nested = _nested_struct(field.type)
        if nested is not None and isinstance(value, list):
            for index, item in enumerate(value):
                errors.extend(_field_errors(nested, item, f"{where}[{index}]."))
        try:
            msgspec.convert(value, type=field.type, strict=True)
        except msgspec.ValidationError as exc:
            reported = any(error.name.startswith(where) for error in errors)
            if nested is None or not isinstance(value, list) or not reported:
                errors.append(InvalidField(name=where, location="body", message=_clean(str(exc))))
    return errors


def field_errors(struct: type[msgspec.Struct], raw: object) -> list[InvalidField]:
    """Every invalid field of ``raw`` as a ``struct`` body (also used for the records of a bulk import)."""
    return _field_errors(struct, raw, "")


def nul_field(raw: object) -> str | None:
    """Where decoded JSON holds a NUL character (which PostgreSQL text cannot store), or None."""
    return _nul_path(raw, "")


def _nested_struct(annotation: object) -> type[msgspec.Struct] | None:
    """The Struct inside ``list[Struct]`` (possibly wrapped in ``Annotated``), if any."""
    args = get_args(annotation)
    if get_origin(annotation) is not list and args:
        annotation = args[0]
        args = get_args(annotation)
    if get_origin(annotation) is list and args and isinstance(args[0], type) and issubclass(args[0], msgspec.Struct):
        return args[0]
    return None


def _nul_path(value: object, path: str) -> str | None:
    """Where a NUL character sits in decoded JSON (PostgreSQL text cannot hold one), or None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = _nul_path(key, where) or _nul_path(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _clean(message: str) -> str:
    return message.split(" - at `", 1)[0]


async def parse_body(request: Request[Any, Any, Any], struct: type[T]) -> T:
    """Decode the JSON body into ``struct``: 415 unless JSON, 400 if malformed, 422 naming every bad field."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise UnsupportedMediaType("Send the body as `Content-Type: application/json`.")
    body = await request.body()
    try:
        raw = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedJson(f"The body is not valid JSON: {exc}") from None
    nul = _nul_path(raw, "")
    if nul is not None:
        raise Unprocessable(
            f"Invalid field(s): '{nul}'.",
            errors=[InvalidField(name=nul, location="body", message="contains a NUL character")],
        )
    try:
        return msgspec.convert(raw, type=struct, strict=True)
    except msgspec.ValidationError as exc:
        errors = _field_errors(struct, raw, "") or [
            InvalidField(name="body", location="body", message=_clean(str(exc)))
        ]
        names = ", ".join(f"'{error.name}'" for error in errors)
        raise Unprocessable(f"Invalid field(s): {names}.", errors=errors) from None
