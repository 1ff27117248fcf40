"""Schemathesis hooks for annohub's contract test.

The OpenAPI document says, as JSON Schema, everything about a request that JSON Schema can say.
A few documented rules are beyond it: they relate values across items or fields, or depend on
what exists on the server:

- `categorySchema`: every `schemaId` is unique in the schema (options: within their item);
- `stages`: ids are unique, `next` refers to existing ids, exactly one `Start` stage with exactly
  one `next`, at least one `Complete` stage, no `next` on `Complete`/`Archive`, at most two on
  `Review`;
- `batches`: names and ids are unique in the project;
- `assignedTo` and `/assigned`: every assignee is a user of the organization (this run has one,
  the bootstrap admin) and appears once;
- templates: a non-null `selectedExternalId` and a non-empty `batchColumn` name a `dataConfig`
  column;
- performance: the time window is not empty, and `batches` are the project's batches.

For a request whose body was generated as valid ("positive"), this hook adjusts the generated
body so that these rules hold too, changing as little as it can and never breaking what the
schema says. Without it, the positive-data-acceptance check would report the server's (correct,
documented) 400 answers to such bodies. Bodies generated as invalid are left alone: the server
must reject them, and does.

It also registers a deserializer for the instructions download, so that PDF answers are checked
against their schema too.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

ORG_USER = "admin@localhost"
MAX_SCHEMA_DEPTH = 8


def _prewarm_lambda_sources() -> None:
    """Parse, once and up front, the sources of the lambdas Hypothesis may describe.

    Hypothesis describes a strategy's lambdas by parsing their module's source, the first time a
    thread needs to (its cache is per thread). Deep inside the recursive strategies of this API's
    bodies, that parse runs out of the stack budget CPython 3.11 gives the AST builder, which
    CPython 3.11 reports as "SystemError: AST constructor recursion depth mismatch"
    (python/cpython#106905) instead of a RecursionError, ending the run. Here the sources are
    parsed at a shallow stack and kept in one cache that every thread shares, so Hypothesis never
    parses them deep down.
    """
    import ast
    import linecache
    from pathlib import Path

    try:
        import hypothesis
        from hypothesis.internal import lambda_sources
    except ImportError:
        return
    shared: dict[tuple[str, ...], list] = {}
    for root in (Path(schemathesis.__file__).parent, Path(hypothesis.__file__).parent):
        for path in sorted(root.rglob("*.py")):
            lines = linecache.getlines(str(path))
            if not any("lambda" in line for line in lines):
                continue
            try:
                shared[tuple(lines)] = lambda_sources.extract_all_lambdas(ast.parse("".join(lines)))
            except (SyntaxError, AttributeError, TypeError):
                continue
    # Hypothesis only reads and writes the cache by key; a plain dict is shared by all threads.
    lambda_sources.AST_LAMBDAS_CACHE = shared


_prewarm_lambda_sources()


def _body_is_positive(case: Any) -> bool:
    meta = case.meta
    return meta is None or not meta.is_negative_at(ParameterLocation.BODY)


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    return _fix_case(context, case)


@schemathesis.hook
def before_add_examples(context: Any, examples: list) -> None:
    # The examples phase builds its cases from the document's examples, without `map_case`.
    for case in examples:
        _fix_case(context, case)


def _fix_case(context: Any, case: Any) -> Any:
    operation = context.operation
    if operation is None or not isinstance(case.body, dict) or not _body_is_positive(case):
        return case
    method, path = operation.method.upper(), operation.path
    body = copy.deepcopy(case.body)
    if method == "POST" and path in ("/v2/project", "/v2/project/{projectId}"):
        _fix_project_body(body)
    elif method == "POST" and path == "/v2/project/{projectId}/assigned":
        _fix_assignees(body)
    elif method == "POST" and path == "/v2/project/{projectId}/assetBuilderTemplates":
        _fix_template(body)
    elif method == "POST" and path == "/v2/performance/{projectId}":
        _fix_performance(body)
    else:
        return case
    case.body = body
    return case


def _fix_project_body(body: dict) -> None:
    if isinstance(body.get("categorySchema"), dict):
        _fix_category_schema(body["categorySchema"])
    if isinstance(body.get("stages"), list):
        body["stages"] = _fix_stages(body["stages"])
    if isinstance(body.get("batches"), list):
        _fix_batches(body["batches"])
    if isinstance(body.get("assignedTo"), list):
        members = body["assignedTo"]
        # One member at most: the only user of the organization.
        del members[1:]
        for member in members:
            if isinstance(member, dict):
                member["assignee"] = ORG_USER


def _fix_category_schema(schema: dict) -> None:
    seen: set[str] = set()

    def unique(value: str) -> str:
        candidate, n = value, 1
        while candidate in seen:
            candidate, n = f"{value}~{n}", n + 1
        seen.add(candidate)
        return candidate

    def walk(items: Any, depth: int) -> None:
        if not isinstance(items, list):
            return
        for item in items:
            if not isinstance(item, dict):
                continue
            schema_id = item.get("schemaId")
            if isinstance(schema_id, str) and schema_id:
                item["schemaId"] = unique(schema_id)
            options = item.get("options")
            if isinstance(options, list):
                option_ids: set[str] = set()
                for option in options:
                    if not isinstance(option, dict):
                        continue
                    option_id = option.get("schemaId")
                    if isinstance(option_id, str) and option_id:
                        candidate, n = option_id, 1
                        while candidate in option_ids:
                            candidate, n = f"{option_id}~{n}", n + 1
                        option_ids.add(candidate)
                        option["schemaId"] = candidate
            if "classifications" in item:
                if depth >= MAX_SCHEMA_DEPTH:
                    item["classifications"] = None
                else:
                    walk(item["classifications"], depth + 1)

    # Missing ids are generated by the server (24 random hex characters) and cannot collide.
    for key in ("tools", "classifications", "relations"):
        walk(schema.get(key), 1)


def _fix_stages(stages: list) -> list:
    stages = [s for s in stages if isinstance(s, dict)]
    ids: list[str] = []
    for stage in stages:
        stage_id = stage.get("id") if isinstance(stage.get("id"), str) and stage.get("id") else "stage"
        candidate, n = stage_id, 1
        while candidate in ids:
            candidate, n = f"{stage_id}~{n}", n + 1
        stage["id"] = candidate
        ids.append(candidate)
    if not stages:
        stages.append({"id": "Start", "type": "Start"})
        ids.append("Start")
    # Exactly one Start: the first stage.
    stages[0]["type"] = "Start"
    for stage in stages[1:]:
        if stage.get("type") == "Start":
            stage["type"] = "Label"
    # At least one Complete: the last stage, or a new one.
    if not any(s.get("type") == "Complete" for s in stages[1:]):
        if len(stages) > 1:
            stages[-1]["type"] = "Complete"
        else:
            complete = "Complete"
            while complete in ids:
                complete += "~"
            stages.append({"id": complete, "type": "Complete", "next": []})
            ids.append(complete)
    complete_id = next(s["id"] for s in stages if s.get("type") == "Complete")
    for stage in stages:
        next_ids = stage.get("next")
        if isinstance(next_ids, list):
            next_ids = [n for n in next_ids if n in ids]
        kind = stage.get("type")
        if kind == "Start":
            stage["next"] = next_ids[:1] if next_ids else [complete_id]
        elif kind in ("Complete", "Archive"):
            stage["next"] = [] if isinstance(next_ids, list) else next_ids
        elif kind == "Review" and isinstance(next_ids, list):
            stage["next"] = next_ids[:2]
        else:
            stage["next"] = next_ids
    return stages


def _fix_batches(batches: list) -> None:
    names: set[str] = set()
    ids: set[str] = set()
    for batch in batches:
        if not isinstance(batch, dict):
            continue
        name = batch.get("name")
        if isinstance(name, str) and name:
            candidate, n = name, 1
            while candidate in names:
                suffix = f"~{n}"
                candidate, n = name[: 256 - len(suffix)] + suffix, n + 1
            names.add(candidate)
            batch["name"] = candidate
        batch_id = batch.get("_id")
        if isinstance(batch_id, str):
            if batch_id in ids:
                batch["_id"] = None
            else:
                ids.add(batch_id)


def _fix_assignees(body: dict) -> None:
    assignees = body.get("assignees")
    if isinstance(assignees, list):
        body["assignees"] = [ORG_USER for _ in assignees]


def _fix_template(body: dict) -> None:
    data_config = body.get("dataConfig")
    columns = list(data_config) if isinstance(data_config, dict) else []
    selected = body.get("selectedExternalId")
    if isinstance(selected, str) and selected not in columns:
        if columns:
            body["selectedExternalId"] = columns[0]
        else:
            body["selectedExternalId"] = None
    batch_column = body.get("batchColumn")
    if isinstance(batch_column, str) and batch_column and batch_column not in columns:
        body["batchColumn"] = columns[-1] if columns else ""


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        instant = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    # RFC 3339 instants always carry an offset; anything else is not compared.
    return instant if instant.tzinfo is not None else None


def _fix_performance(body: dict) -> None:
    # Batch ids must be the project's; this run knows none, so positive bodies filter by none.
    if isinstance(body.get("batches"), list):
        body["batches"] = []
    interval = body.get("interval")
    if isinstance(interval, list) and len(interval) == 2:
        a, b = _instant(interval[0]), _instant(interval[1])
        if a is not None and b is not None and a > b:
            body["interval"] = [interval[1], interval[0]]
    start, end = _instant(body.get("startDate")), _instant(body.get("endDate"))
    if start is not None and end is not None and start > end:
        body["startDate"], body["endDate"] = body["endDate"], body["startDate"]
        start, end = end, start
    interval = body.get("interval")
    if isinstance(interval, list) and len(interval) == 2:
        a, b = _instant(interval[0]), _instant(interval[1])
        lower = max(x for x in (start, a) if x is not None) if (start or a) else None
        upper = min(x for x in (end, b) if x is not None) if (end or b) else None
        if lower is not None and upper is not None and lower > upper:
            # The two windows do not overlap: keep the SDK's.
            body.pop("startDate", None)
            body.pop("endDate", None)


@schemathesis.deserializer("application/pdf")
def pdf(ctx: Any, response: Any) -> str:
    # The download's bytes as a string (one character per byte), so that the response schema
    # (a string starting with `%PDF-`) is checked too.
    return response.content.decode("latin-1")
