"""Small helpers shared by the SDK tests: unique names, id/timestamp shapes, expected errors."""

from __future__ import annotations

import json
import re
import uuid
from typing import Callable

import pytest
import requests

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def api_error(exc: BaseException) -> dict:
    """The error envelope behind an exception raised by the SDK.

    `make_request` raises `Exception(response.text)`; `upload_instructions` lets the
    `requests.HTTPError` of `raise_for_status()` through.
    """
    response = getattr(exc, "response", None)
    if isinstance(exc, requests.HTTPError) and response is not None:
        return response.json()
    return json.loads(str(exc))


def expect_error(call: Callable[[], object], status: int, code: str) -> dict:
    """Runs an SDK call that must fail with `status` and error `code`; returns the envelope."""
    with pytest.raises(Exception) as info:
        call()
    try:
        body = api_error(info.value)
    except ValueError:
        pytest.fail(f"expected an API error envelope, got {info.value!r}")
    assert body["status"] == ("error" if status >= 500 else "fail"), body
    assert body["error"]["statusCode"] == status, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


def emails_and_roles(project: dict) -> dict[str, str]:
    """`assignedTo` as {email: role}, asserting there are no duplicate assignees."""
    pairs = [(a["assignee"], a["role"]) for a in project["assignedTo"]]
    result = dict(pairs)
    assert len(result) == len(pairs), f"duplicate assignees in {pairs}"
    return result
