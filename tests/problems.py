"""The one assertion of the problem-details shape, shared by every test that expects an error.

Import it as ``from tests.problems import assert_problem`` (pytest runs with ``--import-mode=importlib`` and
``pythonpath = ["."]``, so ``tests`` is importable as a namespace package).
"""

from typing import Any

import httpx

from api.errors import PROBLEM_BASE, PROBLEM_MEDIA_TYPE, PROBLEM_TYPES

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "errors"}
ERROR_MEMBERS = {"name", "location", "message"}


def assert_problem(response: httpx.Response, status: int, type_suffix: str | None = None) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem of the API's one shape with ``status``; return its body.

    The shape: ``application/problem+json``; ``type`` a registered problem type (``type_suffix``, its last
    segment, when given) whose status and title the body repeats; a non-empty ``detail``; ``instance`` the
    request's path; ``errors``, when present, a list of ``{name, location, message}``; a 503 says when to retry.
    """
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE, response.headers
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys() <= PROBLEM_MEMBERS, body
    assert body["status"] == status
    assert body["type"].startswith(PROBLEM_BASE), body["type"]
    code = body["type"].removeprefix(PROBLEM_BASE)
    if type_suffix is not None:
        assert code == type_suffix, (code, body)
    registered = PROBLEM_TYPES.get(code)
    assert registered is not None, f"{code!r} is not a registered problem type"
    assert (body["status"], body["title"]) == (registered.status, registered.title), body
    assert isinstance(body["detail"], str), body
    assert body["detail"], body
    assert body["instance"] == response.request.url.path, body
    errors = body.get("errors", [])
    assert isinstance(errors, list), body
    for error in errors:
        assert error.keys() == ERROR_MEMBERS, error
        assert all(isinstance(error[member], str) and error[member] for member in ERROR_MEMBERS), error
    if status == 503:
        assert int(response.headers["retry-after"]) > 0, response.headers
    return body
