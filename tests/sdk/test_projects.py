"""create_project, get_project, list_projects, delete_project and the trailing-slash host."""

from __future__ import annotations

from imerit_ango.models.enums import ProjectRoles, ProjectType
from imerit_ango.sdk import SDK

from helpers import OBJECT_ID, TIMESTAMP, emails_and_roles, expect_error, unique

DEFAULT_STAGES = [
    {"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
    {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Complete"]},
    {"id": "Complete", "name": "Complete", "type": "Complete", "next": []},
]

# Section 3 of the contract: every field of the full project object.
PROJECT_FIELDS = {
    "_id", "name", "description", "type", "owner", "organization", "categorySchema", "stages",
    "assignedTo", "batches", "queueVersion", "assetCount", "benchmarkEnabled", "benchmarkRatio",
    "benchmarkCutoff", "instructions", "ocrLanguage", "idleTimeout", "projectPlugins",
    "pluginPresets", "errorCodesEnabled", "errorSchema", "exportStorageId",
    "exportStorageBucket", "exportStoragePath", "exportStorageEnabled", "taskSkipEnabled",
    "unassignSkippedTask", "gcSyncEnabled", "assetBuilderTemplates", "deleted", "createdAt",
    "updatedAt",
}
LIST_ITEM_FIELDS = {"_id", "name", "description", "organization", "createdAt"}


def all_listed(sdk: SDK) -> tuple[list[dict], int]:
    """Every project the caller can see, walking the pages at the largest allowed size."""
    items: list[dict] = []
    page = 1
    while True:
        body = sdk.list_projects(page=page, limit=100)
        assert body["status"] == "success"
        items += body["data"]["projects"]
        total = body["data"]["total"]
        if len(body["data"]["projects"]) < 100:
            return items, total
        page += 1


# ---- create_project ----------------------------------------------------------------------------

def test_create_project_applies_the_documented_defaults(hub, admin):
    name = unique("defaults")
    body = admin.create_project(name, "a description")
    assert body["status"] == "success"
    project = body["data"]["project"]

    assert set(project) == PROJECT_FIELDS
    assert OBJECT_ID.match(project["_id"])
    assert project["name"] == name
    assert project["description"] == "a description"
    assert project["type"] == "ango"
    assert project["owner"] == hub.emails["admin"]
    assert project["organization"] == hub.org_id
    assert project["categorySchema"] == {"tools": [], "classifications": [], "relations": []}
    assert project["stages"] == DEFAULT_STAGES
    assert project["assignedTo"] == [{"assignee": hub.emails["admin"], "role": "Manager"}]
    assert project["batches"] == []
    assert project["queueVersion"] == 2
    assert project["assetCount"] == 0
    assert project["benchmarkEnabled"] is False
    assert project["benchmarkRatio"] == 10
    assert project["benchmarkCutoff"] is False
    assert project["instructions"] is None
    assert project["ocrLanguage"] == "eng"
    assert project["idleTimeout"] == 300
    assert project["projectPlugins"] == {}
    assert project["pluginPresets"] == []
    assert project["errorCodesEnabled"] is False
    assert project["errorSchema"] == {}
    assert project["exportStorageId"] is None
    assert project["exportStorageBucket"] is None
    assert project["exportStoragePath"] is None
    assert project["exportStorageEnabled"] is False
    assert project["taskSkipEnabled"] is True
    assert project["unassignSkippedTask"] is False
    assert project["gcSyncEnabled"] is False
    assert project["assetBuilderTemplates"] == []
    assert project["deleted"] is False
    assert TIMESTAMP.match(project["createdAt"])
    assert project["updatedAt"] == project["createdAt"]


def test_create_project_without_description_gives_empty_string(admin):
    project = admin.create_project(unique("nodesc"))["data"]["project"]
    assert project["description"] == ""


def test_create_project_with_project_type(admin):
    pct = admin.create_project(unique("pct"), project_type=ProjectType.PCT)["data"]["project"]
    assert pct["type"] == "pct"
    assert admin.get_project(pct["_id"])["data"]["project"]["type"] == "pct"
    iframe = admin.create_project(unique("iframe"), project_type=ProjectType.IFrame)
    assert iframe["data"]["project"]["type"] == "iframe"


def test_create_project_trims_the_name_and_rejects_an_empty_one(admin):
    name = unique("trimmed")
    assert admin.create_project(f"  {name}  ")["data"]["project"]["name"] == name
    expect_error(lambda: admin.create_project("   "), 400, "VALIDATION_FAILED")


def test_org_member_may_create_a_project_and_becomes_its_manager(hub):
    sdk = hub.sdk("outsider")
    project = sdk.create_project(unique("by-member"))["data"]["project"]
    try:
        assert project["owner"] == hub.emails["outsider"]
        assert project["organization"] == hub.org_id
        assert project["assignedTo"] == [{"assignee": hub.emails["outsider"], "role": "Manager"}]
    finally:
        # `outsider` must stay unassigned everywhere for the visibility tests.
        sdk.delete_project(project["_id"])


# ---- get_project -------------------------------------------------------------------------------

def test_get_project_returns_the_full_object(admin, project):
    body = admin.get_project(project["_id"])
    assert body["status"] == "success"
    got = body["data"]["project"]
    assert set(got) == PROJECT_FIELDS
    assert got == project
    assert got["assetBuilderTemplates"] == []


def test_get_project_of_another_org_is_not_found(hub, project):
    other = hub.sdk("other")
    expect_error(lambda: other.get_project(project["_id"]), 404, "NOT_FOUND")


def test_get_project_for_unassigned_member_is_not_found(hub, project):
    expect_error(lambda: hub.sdk("outsider").get_project(project["_id"]), 404, "NOT_FOUND")


def test_get_project_with_an_invalid_or_unknown_id(admin):
    expect_error(lambda: admin.get_project("not-an-id"), 400, "INVALID_ID")
    expect_error(lambda: admin.get_project("0" * 24), 404, "NOT_FOUND")


def test_get_project_with_a_bad_key_is_unauthorized(hub, project):
    sdk = SDK("ak_" + "0" * 64, host=hub.url)
    expect_error(lambda: sdk.get_project(project["_id"]), 401, "UNAUTHORIZED")
    expect_error(lambda: sdk.list_projects(), 401, "UNAUTHORIZED")


# ---- delete_project ----------------------------------------------------------------------------

def test_delete_project_hides_it_everywhere(hub, admin):
    name = unique("to-delete")
    project = admin.create_project(name)["data"]["project"]
    admin.add_members_to_project(project["_id"], [hub.emails["labeler"]], ProjectRoles.Labeler)

    body = admin.delete_project(project["_id"])
    assert body["status"] == "success"
    assert body["data"]["message"] == f"Project {name} deleted"

    expect_error(lambda: admin.get_project(project["_id"]), 404, "NOT_FOUND")
    expect_error(lambda: hub.sdk("labeler").get_project(project["_id"]), 404, "NOT_FOUND")
    for user in ("admin", "labeler"):
        listed, _ = all_listed(hub.sdk(user))
        assert project["_id"] not in {p["_id"] for p in listed}
    expect_error(lambda: admin.delete_project(project["_id"]), 404, "NOT_FOUND")
    expect_error(lambda: admin.update_benchmark_settings(project["_id"], True), 404, "NOT_FOUND")


def test_delete_project_needs_manager(hub, admin, project):
    admin.add_members_to_project(project["_id"], [hub.emails["lead"]], ProjectRoles.Lead)
    expect_error(lambda: hub.sdk("lead").delete_project(project["_id"]), 403, "FORBIDDEN")
    expect_error(lambda: hub.sdk("other").delete_project(project["_id"]), 404, "NOT_FOUND")
    assert admin.get_project(project["_id"])["data"]["project"]["deleted"] is False


# ---- list_projects -----------------------------------------------------------------------------

def test_list_projects_paginates_newest_first(hub):
    org_id, sdk, _ = hub.new_org("paging")
    created = [sdk.create_project(f"p{i:02d}", f"d{i}")["data"]["project"] for i in range(12)]
    order = {p["_id"]: i for i, p in enumerate(created)}

    pages = [sdk.list_projects(page=n, limit=5)["data"] for n in (1, 2, 3, 4)]
    assert [d["total"] for d in pages] == [12, 12, 12, 12]
    assert [len(d["projects"]) for d in pages] == [5, 5, 2, 0]
    listed = [p for d in pages for p in d["projects"]]
    assert sorted(order[p["_id"]] for p in listed) == list(range(12))

    for item in listed:
        source = created[order[item["_id"]]]
        assert set(item) == LIST_ITEM_FIELDS
        assert item == {k: source[k] for k in LIST_ITEM_FIELDS}
        assert item["organization"] == org_id
    # Newest first: createdAt never increases, and projects created later come earlier
    # (projects created within the same millisecond may come in either order).
    stamps = [p["createdAt"] for p in listed]
    assert stamps == sorted(stamps, reverse=True)
    for a, b in zip(listed, listed[1:]):
        if a["createdAt"] != b["createdAt"]:
            assert order[a["_id"]] > order[b["_id"]]

    default = sdk.list_projects()["data"]
    assert default["total"] == 12
    assert [p["_id"] for p in default["projects"]] == [p["_id"] for p in listed[:10]]

    # Deleting one moves the total.
    sdk.delete_project(created[0]["_id"])
    assert sdk.list_projects(limit=100)["data"]["total"] == 11


def test_list_projects_rejects_out_of_range_paging(admin):
    for page, limit in ((0, 10), (1, 0), (1, 101), (-1, 10)):
        expect_error(lambda: admin.list_projects(page=page, limit=limit), 400,
                     "VALIDATION_FAILED")


def test_list_projects_member_sees_only_assigned_projects(hub, admin):
    assigned = admin.create_project(unique("assigned"))["data"]["project"]
    hidden = admin.create_project(unique("hidden"))["data"]["project"]
    admin.add_members_to_project(assigned["_id"], [hub.emails["reviewer"]],
                                 ProjectRoles.Reviewer)

    listed, total = all_listed(hub.sdk("reviewer"))
    ids = {p["_id"] for p in listed}
    assert total == len(listed)
    assert assigned["_id"] in ids
    assert hidden["_id"] not in ids
    # Everything the reviewer sees is a project it is assigned to.
    for item in listed:
        project = admin.get_project(item["_id"])["data"]["project"]
        assert hub.emails["reviewer"] in emails_and_roles(project)

    # The admin sees both.
    admin_ids = {p["_id"] for p in all_listed(admin)[0]}
    assert {assigned["_id"], hidden["_id"]} <= admin_ids


def test_list_projects_unassigned_member_and_other_org_see_none(hub, admin, project):
    for user in ("outsider", "other"):
        body = hub.sdk(user).list_projects(page=1, limit=100)
        assert body["data"] == {"projects": [], "total": 0}, user


# ---- host with a trailing slash ----------------------------------------------------------------

def test_host_with_trailing_slash(hub, tmp_path):
    sdk = hub.sdk("admin", host=hub.url + "/")
    project = sdk.create_project(unique("slash"))["data"]["project"]
    assert sdk.get_project(project["_id"])["data"]["project"]["_id"] == project["_id"]
    assert project["_id"] in {p["_id"] for p in sdk.list_projects(limit=100)["data"]["projects"]}
    sdk.update_benchmark_settings(project["_id"], True, 30)
    sdk.add_members_to_project(project["_id"], [hub.emails["labeler"]], ProjectRoles.Labeler)
    pdf = tmp_path / "slash.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    uploaded = sdk.upload_instructions(project["_id"], str(pdf))["data"]["project"]
    assert uploaded["instructions"]
    assert uploaded["benchmarkRatio"] == 30
    assert sdk.get_project_performance(project["_id"])["status"] == "success"
    assert sdk.delete_project(project["_id"])["status"] == "success"
