"""create_label_set, update_workflow_stages and update_benchmark_settings (POST /v2/project/{id})."""

from __future__ import annotations

import copy
import json

from imerit_ango.models.enums import ProjectRoles
from imerit_ango.models.label_category import (
    Classification,
    ClassificationCategory,
    LabelOption,
    Relation,
    RelationCategory,
    Tool,
    ToolCategory,
    TreeOption,
)

from helpers import expect_error


def sent(category) -> dict:
    """What the SDK put on the wire for a category: `toDict()` rewrites the object's own
    `__dict__` into the payload (calling it again would fail on the nested dicts)."""
    return json.loads(json.dumps(copy.deepcopy(vars(category))))


def schema_ids(items: list[dict]) -> list[str]:
    """Every item-level schemaId, nested classifications included (options excluded)."""
    found = []
    for item in items:
        found.append(item["schemaId"])
        found += schema_ids(item.get("classifications") or [])
    return found


# ---- create_label_set --------------------------------------------------------------------------

def test_create_label_set_round_trips_the_sdk_models(admin, project):
    color = ClassificationCategory(
        Classification.Radio, title="Color", required=True,
        options=[LabelOption("red"), LabelOption("blue")])
    occluded = ClassificationCategory(Classification.Boolean, title="Occluded", defaultValue=False)
    car = ToolCategory(Tool.BoundingBox, title="Car", shortcutKey="1",
                       classifications=[color, occluded])
    road = ToolCategory(Tool.Polygon, title="Road", color="#00FF00")
    notes = ClassificationCategory(Classification.Text, title="Notes", regex="^[a-z ]*$",
                                   exportName="notes")
    weather = ClassificationCategory(
        Classification.Single_dropdown, title="Weather", frameSpecific=True,
        options=[LabelOption("sunny"), LabelOption("rain")], classifications=[notes])
    tree = ClassificationCategory(
        Classification.Tree_dropdown, title="Taxonomy",
        treeOptions=[TreeOption("Animal", children=[TreeOption("Dog"), TreeOption("Cat")]),
                     TreeOption("Plant")])
    tags = ClassificationCategory(Classification.Multi_dropdown, title="Tags",
                                  options=[LabelOption("a"), LabelOption("b")])
    link = RelationCategory(Relation.Single, title="Drives on")
    group = RelationCategory(Relation.Group, title="Convoy")

    body = admin.create_label_set(project["_id"], tools=[car, road],
                                  classifications=[weather, tree, tags],
                                  relations=[link, group])
    assert body["status"] == "success"
    expected = {
        "tools": [sent(car), sent(road)],
        "classifications": [sent(weather), sent(tree), sent(tags)],
        "relations": [sent(link), sent(group)],
    }
    # The SDK sends nulls (regex, parentOptionId, ...) and random colours: all must come back.
    assert expected["classifications"][0]["parentOptionId"] is None
    assert body["data"]["project"]["categorySchema"] == expected
    assert admin.get_project(project["_id"])["data"]["project"]["categorySchema"] == expected

    ids = schema_ids(expected["tools"] + expected["classifications"] + expected["relations"])
    assert len(ids) == 10 and all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == len(ids)
    for option in expected["tools"][0]["classifications"][0]["options"]:
        assert option["schemaId"]


def test_create_label_set_generates_missing_schema_ids(admin, project):
    raw = {
        "tools": [{"tool": "point", "title": "Eye",
                   "classifications": [{"tool": "checkbox", "title": "Open",
                                        "options": [{"value": "yes"}, {"value": "no"}]}]}],
        "classifications": [{"tool": "text", "title": "Comment"}],
        "relations": [],
    }
    schema = admin.create_label_set(project["_id"], raw_category_schema=raw)[
        "data"]["project"]["categorySchema"]
    ids = schema_ids(schema["tools"] + schema["classifications"])
    assert len(ids) == 3 and all(ids) and len(set(ids)) == 3
    options = schema["tools"][0]["classifications"][0]["options"]
    assert [o["value"] for o in options] == ["yes", "no"]
    assert all(o["schemaId"] for o in options)
    assert len({o["schemaId"] for o in options}) == 2
    # Apart from the generated ids, the schema is what was sent.
    assert schema["tools"][0]["title"] == "Eye"
    assert schema["classifications"][0] == {**raw["classifications"][0],
                                            "schemaId": schema["classifications"][0]["schemaId"]}
    assert admin.get_project(project["_id"])["data"]["project"]["categorySchema"] == schema


def test_create_label_set_rejects_bad_schemas_and_changes_nothing(admin, project):
    good = ToolCategory(Tool.Point, title="Keep me", schemaId="keep")
    admin.create_label_set(project["_id"], tools=[good])
    before = admin.get_project(project["_id"])["data"]["project"]

    body = expect_error(lambda: admin.create_label_set(
        project["_id"], raw_category_schema={"tools": [{"tool": "laser", "schemaId": "x"}]}),
        400, "VALIDATION_FAILED")
    assert "laser" in json.dumps(body)
    expect_error(lambda: admin.create_label_set(
        project["_id"],
        tools=[ToolCategory(Tool.Point, schemaId="dup"), ToolCategory(Tool.Ner, schemaId="dup")]),
        400, "VALIDATION_FAILED")
    expect_error(lambda: admin.create_label_set(
        project["_id"], raw_category_schema={"tools": [], "shapes": []}),
        400, "VALIDATION_FAILED")

    after = admin.get_project(project["_id"])["data"]["project"]
    assert after["categorySchema"] == before["categorySchema"]
    assert after["updatedAt"] == before["updatedAt"]


def test_create_label_set_needs_manager(hub, admin, project):
    admin.add_members_to_project(project["_id"], [hub.emails["lead"]], ProjectRoles.Lead)
    expect_error(lambda: hub.sdk("lead").create_label_set(
        project["_id"], tools=[ToolCategory(Tool.Point)]), 403, "FORBIDDEN")
    expect_error(lambda: hub.sdk("other").create_label_set(
        project["_id"], tools=[ToolCategory(Tool.Point)]), 404, "NOT_FOUND")


# ---- update_workflow_stages --------------------------------------------------------------------

REVIEW_WORKFLOW = [
    {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"],
     "position": {"x": 0, "y": 0}},
    {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Review"],
     "assignedTo": [], "autoForward": False, "position": {"x": 200, "y": 0}},
    {"id": "Review", "name": "QA", "type": "Review", "next": ["Complete", "Label"],
     "readOnly": False, "position": {"x": 400, "y": 0}},
    {"id": "Hold", "name": "On hold", "type": "Hold", "next": ["Label"]},
    {"id": "Complete", "name": "Complete", "type": "Complete", "next": [],
     "position": {"x": 600, "y": 0}},
    {"id": "Archive", "name": "Archive", "type": "Archive", "next": []},
]


def test_update_workflow_stages_round_trips(admin, project):
    body = admin.update_workflow_stages(project["_id"], REVIEW_WORKFLOW)
    assert body["status"] == "success"
    assert body["data"]["project"]["stages"] == REVIEW_WORKFLOW
    got = admin.get_project(project["_id"])["data"]["project"]
    assert got["stages"] == REVIEW_WORKFLOW
    assert got["updatedAt"] > project["updatedAt"]


def test_update_workflow_stages_rejects_broken_graphs(admin, project):
    before = admin.get_project(project["_id"])["data"]["project"]["stages"]

    dangling = copy.deepcopy(REVIEW_WORKFLOW)
    dangling[1]["next"] = ["Nowhere"]
    body = expect_error(lambda: admin.update_workflow_stages(project["_id"], dangling),
                        400, "VALIDATION_FAILED")
    assert "Nowhere" in json.dumps(body)

    no_complete = [s for s in copy.deepcopy(REVIEW_WORKFLOW) if s["type"] != "Complete"]
    for stage in no_complete:
        stage["next"] = [n for n in stage["next"] if n != "Complete"]
    expect_error(lambda: admin.update_workflow_stages(project["_id"], no_complete),
                 400, "VALIDATION_FAILED")

    two_starts = copy.deepcopy(REVIEW_WORKFLOW) + [
        {"id": "Start2", "name": "Start", "type": "Start", "next": ["Label"]}]
    expect_error(lambda: admin.update_workflow_stages(project["_id"], two_starts),
                 400, "VALIDATION_FAILED")

    duplicate_id = copy.deepcopy(REVIEW_WORKFLOW)
    duplicate_id[3]["id"] = "Review"
    expect_error(lambda: admin.update_workflow_stages(project["_id"], duplicate_id),
                 400, "VALIDATION_FAILED")

    assert admin.get_project(project["_id"])["data"]["project"]["stages"] == before


# ---- update_benchmark_settings -----------------------------------------------------------------

def test_update_benchmark_settings_persists(admin, project):
    body = admin.update_benchmark_settings(project["_id"], True, benchmark_ratio=25,
                                           benchmark_cutoff=True)
    updated = body["data"]["project"]
    assert (updated["benchmarkEnabled"], updated["benchmarkRatio"],
            updated["benchmarkCutoff"]) == (True, 25, True)

    # Only the fields sent change.
    updated = admin.update_benchmark_settings(project["_id"], False)["data"]["project"]
    assert (updated["benchmarkEnabled"], updated["benchmarkRatio"],
            updated["benchmarkCutoff"]) == (False, 25, True)

    got = admin.get_project(project["_id"])["data"]["project"]
    assert (got["benchmarkEnabled"], got["benchmarkRatio"], got["benchmarkCutoff"]) == (
        False, 25, True)
    assert got["stages"] == project["stages"]
    assert got["name"] == project["name"]


def test_update_benchmark_settings_rejects_out_of_range_ratio(hub, admin, project):
    admin.update_benchmark_settings(project["_id"], True, benchmark_ratio=40)
    for ratio in (101, -1):
        body = expect_error(lambda: admin.update_benchmark_settings(
            project["_id"], False, benchmark_ratio=ratio), 400, "VALIDATION_FAILED")
        assert "benchmarkRatio" in json.dumps(body)
    got = admin.get_project(project["_id"])["data"]["project"]
    assert (got["benchmarkEnabled"], got["benchmarkRatio"]) == (True, 40)

    admin.add_members_to_project(project["_id"], [hub.emails["reviewer"]],
                                 ProjectRoles.Reviewer)
    expect_error(lambda: hub.sdk("reviewer").update_benchmark_settings(project["_id"], False),
                 403, "FORBIDDEN")


def test_update_workflow_stages_enforces_stage_shapes(admin, project):
    before = admin.get_project(project["_id"])["data"]["project"]["stages"]

    def variant(stage_id: str, next_ids: list[str]) -> list[dict]:
        stages = copy.deepcopy(REVIEW_WORKFLOW)
        next(s for s in stages if s["id"] == stage_id)["next"] = next_ids
        return stages

    for stages in (variant("Start", ["Label", "Review"]),        # Start has exactly one next
                   variant("Start", []),
                   variant("Review", ["Complete", "Label", "Hold"]),  # Review at most two
                   variant("Complete", ["Label"]),               # Complete has no next
                   variant("Archive", ["Label"])):
        expect_error(lambda: admin.update_workflow_stages(project["_id"], stages),
                     400, "VALIDATION_FAILED")
    bad_type = copy.deepcopy(REVIEW_WORKFLOW)
    bad_type[3]["type"] = "Waiting"
    expect_error(lambda: admin.update_workflow_stages(project["_id"], bad_type),
                 400, "VALIDATION_FAILED")
    assert admin.get_project(project["_id"])["data"]["project"]["stages"] == before


# ---- the update route as a whole (what the SDK helpers build on) -------------------------------

def test_whole_project_can_be_posted_back_with_one_change(admin, project):
    current = admin.get_project(project["_id"])["data"]["project"]
    body = admin.make_request("POST", f"/v2/project/{project['_id']}",
                              {**current, "description": "changed", "idleTimeout": 600})
    updated = body["data"]["project"]
    assert (updated["description"], updated["idleTimeout"]) == ("changed", 600)
    assert {k: v for k, v in updated.items() if k not in ("description", "idleTimeout",
                                                          "updatedAt")} == \
        {k: v for k, v in current.items() if k not in ("description", "idleTimeout",
                                                       "updatedAt")}


def test_update_rejects_unknown_and_read_only_fields(admin, project):
    path = f"/v2/project/{project['_id']}"
    body = expect_error(lambda: admin.make_request("POST", path, {"benchmarkRation": 5}),
                        400, "VALIDATION_FAILED")
    assert "benchmarkRation" in body["message"]
    for field, value in (("_id", "0" * 24), ("owner", "x@example.com"), ("type", "pct"),
                         ("assetCount", 3), ("deleted", True)):
        body = expect_error(lambda: admin.make_request("POST", path, {field: value}),
                            400, "VALIDATION_FAILED")
        assert field in body["message"], body
    assert admin.get_project(project["_id"])["data"]["project"] == project
