"""create_asset_builder_template and get_asset_builder_templates."""

from __future__ import annotations

from imerit_ango.models.asset_builder_template import AssetBuilderTemplate, DataConfigItem
from imerit_ango.models.enums import ProjectRoles

from helpers import OBJECT_ID, expect_error


def make_template(name: str) -> AssetBuilderTemplate:
    return AssetBuilderTemplate(
        name=name,
        template="<div><img src='{{photo}}'/><p>{{caption}}</p></div>",
        external_id_column="id",
        data_config={
            "id": DataConfigItem(type="text"),
            "photo": DataConfigItem(type="image", storage="Public", include_in_export=True),
            "caption": DataConfigItem(type="text"),
            "group": DataConfigItem(type="text"),
        },
        description="photos with captions",
        batch_column="group",
        pre_label_config={
            "caption-cls": {"cla": {"schemaId": "caption-cls", "tool": "text", "title": "Caption"},
                            "value": "caption"},
        },
    )


def test_create_and_list_asset_builder_templates(admin, project):
    template = make_template("captions")
    body = admin.create_asset_builder_template(project["_id"], template)
    assert body["status"] == "success"
    created = body["data"]["template"]
    assert OBJECT_ID.match(created["_id"])
    sent = template.to_dict()
    for key, value in sent.items():
        assert created[key] == value, key

    second = admin.create_asset_builder_template(project["_id"], make_template("other"))
    second_id = second["data"]["template"]["_id"]
    assert second_id != created["_id"]

    listed = admin.get_asset_builder_templates(project["_id"])
    assert [t["_id"] for t in listed] == [created["_id"], second_id]
    first = listed[0]
    for key, value in sent.items():
        assert first[key] == value, key
    assert first["dataConfig"]["photo"] == {"type": "image", "storage": "Public",
                                            "includeInExport": True}

    project_after = admin.get_project(project["_id"])["data"]["project"]
    assert project_after["assetBuilderTemplates"] == listed


def test_duplicate_template_name_is_a_conflict(admin, project):
    admin.create_asset_builder_template(project["_id"], make_template("same"))
    expect_error(lambda: admin.create_asset_builder_template(project["_id"],
                                                             make_template("same")),
                 409, "CONFLICT")
    assert [t["name"] for t in admin.get_asset_builder_templates(project["_id"])] == ["same"]


def test_same_template_name_in_two_projects_is_fine(admin, project):
    other = admin.create_project("second project")["data"]["project"]
    admin.create_asset_builder_template(project["_id"], make_template("shared"))
    admin.create_asset_builder_template(other["_id"], make_template("shared"))
    assert len(admin.get_asset_builder_templates(other["_id"])) == 1


def test_template_rules_are_checked_by_the_server(admin, project):
    # The SDK validates client-side only part of what the server checks: bypass it.
    base = make_template("raw").to_dict()
    bad_type = {**base, "dataConfig": {**base["dataConfig"], "x": {"type": "spreadsheet"}}}
    no_storage = {**base, "dataConfig": {**base["dataConfig"], "clip": {"type": "video"}}}
    bad_external = {**base, "selectedExternalId": "missing"}
    for payload in (bad_type, no_storage, bad_external):
        expect_error(lambda: admin.make_request(
            "POST", f"/v2/project/{project['_id']}/assetBuilderTemplates", payload),
            400, "VALIDATION_FAILED")
    assert admin.get_asset_builder_templates(project["_id"]) == []


def test_templates_need_manager(hub, admin, project):
    admin.add_members_to_project(project["_id"], [hub.emails["lead"]], ProjectRoles.Lead)
    expect_error(lambda: hub.sdk("lead").create_asset_builder_template(
        project["_id"], make_template("by-lead")), 403, "FORBIDDEN")
    expect_error(lambda: hub.sdk("other").create_asset_builder_template(
        project["_id"], make_template("by-other")), 404, "NOT_FOUND")
    assert admin.get_asset_builder_templates(project["_id"]) == []
