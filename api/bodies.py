"""Request bodies: JSON only, decoded into msgspec Structs with every invalid field reported at once.

msgspec stops at the first error, so after a failed decode each field is checked on its own and the
422 problem lists them all. The write dependency (``api.writing``) calls ``parse_body`` with the Struct the
handler declares in ``endpoint(body=...)``, before any database connection is taken.
"""

import json
from collections.abc import Iterable
from typing import Any, TypeVar, get_args, get_origin

import msgspec
from litestar import Request
from litestar.exceptions import InternalServerException

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


MAX_JSON_DEPTH = 32
"""Write bodies nest three levels at most (a stance, its evidence list, an evidence object)."""


async def read_identity_body(request: Request[Any, Any, Any]) -> bytes:
    """The raw body, refused with 415 when it carries a content coding (gzip, ...): we store what we read.

    A body that cannot be read whole (a malformed chunked encoding, a client that hangs up) is a 400.
    """
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise UnsupportedMediaType(
            f"Content-Encoding {encoding!r} is not accepted: send the JSON body uncompressed.",
            headers={"Accept-Encoding": "identity"},
        )
    try:
        return await request.body()
    except InternalServerException:  # Litestar's "client disconnected prematurely"
        raise MalformedJson("The body could not be read whole (a malformed chunked encoding?).") from None


def decode_json(body: bytes) -> object:
    """Decode an untrusted JSON body: anything that is not plain, shallow, UTF-8 JSON with unique keys is a 400.

    Beyond ``msgspec.DecodeError``, decoding raises ``RecursionError`` on deep nesting and
    ``UnicodeDecodeError`` on invalid UTF-8. Duplicate keys decode silently (the last one wins), so a second
    pass with the standard library's parser looks for them; write bodies are small.
    """
    try:
        raw = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise MalformedJson(f"The body is not valid JSON: {exc}") from None
    except RecursionError:
        raise MalformedJson(f"The body is nested too deeply (more than {MAX_JSON_DEPTH} levels).") from None
    except UnicodeDecodeError as exc:
        raise MalformedJson(f"The body is not valid UTF-8 (byte {exc.start}).") from None
    if _depth_exceeds(raw, MAX_JSON_DEPTH):
        raise MalformedJson(f"The body is nested too deeply (more than {MAX_JSON_DEPTH} levels).")
    duplicate = _duplicate_key(body)
    if duplicate is not None:
        raise MalformedJson(
            f"The body repeats the key {duplicate!r} in one object.",
            errors=[InvalidField(name=duplicate, location="body", message="duplicate key")],
        )
    return raw


def _depth_exceeds(value: object, limit: int) -> bool:
    """Whether decoded JSON nests deeper than ``limit`` (iterative: no recursion on hostile input)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _duplicate_key(body: bytes) -> str | None:
    """The first key repeated within one JSON object of ``body`` (already known to be valid JSON), or None."""
    if body.count(b":") < 2:  # fewer than two keys cannot repeat one
        return None
    try:
        json.loads(body, object_pairs_hook=_unique_pairs)
    except _DuplicateKeyError as exc:
        return exc.key
    return None


async def parse_body(request: Request[Any, Any, Any], struct: type[T]) -> T:
    """Decode the JSON body into ``struct``: 415 unless JSON, 400 if malformed, 422 naming every bad field."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise UnsupportedMediaType("Send the body as `Content-Type: application/json`.")
    raw = decode_json(await read_identity_body(request))
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
