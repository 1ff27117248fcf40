"""get_project_performance (POST /v2/performance/{id})."""

from __future__ import annotations

from datetime import datetime

from imerit_ango.models.enums import ProjectRoles

from helpers import expect_error

USER_COUNTERS = ("labelsSubmitted", "annotations", "labelingTimeSeconds",
                 "avgLabelingTimeSeconds", "reviews", "reviewsAccepted", "reviewsRejected",
                 "reviewTimeSeconds", "skips")
TOTAL_COUNTERS = ("labelsSubmitted", "annotations", "labelingTimeSeconds", "reviews",
                  "reviewsAccepted", "reviewsRejected", "reviewTimeSeconds", "skips")


def staffed_project(hub, admin) -> tuple[dict, dict[str, str]]:
    """A project with one member per role; returns it and {email: role}."""
    project = admin.create_project("performance")["data"]["project"]
    roles = {hub.emails["admin"]: "Manager"}
    for user, role in (("labeler", ProjectRoles.Labeler), ("reviewer", ProjectRoles.Reviewer),
                       ("lead", ProjectRoles.Lead), ("manager", ProjectRoles.Manager)):
        admin.add_members_to_project(project["_id"], [hub.emails[user]], role)
        roles[hub.emails[user]] = role.value
    return project, roles


def assert_idle(performance: dict, roles: dict[str, str]) -> None:
    rows = performance["users"]
    assert {r["user"]: r["role"] for r in rows} == roles
    assert len(rows) == len(roles)
    for row in rows:
        for counter in USER_COUNTERS:
            assert row[counter] == 0, (row["user"], counter)
    for counter in TOTAL_COUNTERS:
        assert performance["totals"][counter] == 0, counter


def test_performance_without_interval(hub, admin):
    project, roles = staffed_project(hub, admin)
    body = admin.get_project_performance(project["_id"])
    assert body["status"] == "success"
    performance = body["data"]["performance"]
    assert performance["projectId"] == project["_id"]
    assert performance["from"] is None and performance["to"] is None
    assert_idle(performance, roles)


def test_performance_with_interval(hub, admin):
    project, roles = staffed_project(hub, admin)
    start = datetime(2026, 1, 1, 8, 30, 0, 123456)
    end = datetime(2026, 2, 1, 17, 0, 0, 500000)
    performance = admin.get_project_performance(project["_id"], interval=[start, end])[
        "data"]["performance"]
    assert performance["projectId"] == project["_id"]
    assert performance["from"] == "2026-01-01T08:30:00.123Z"
    assert performance["to"] == "2026-02-01T17:00:00.500Z"
    assert_idle(performance, roles)


def test_performance_rejects_a_reversed_interval(admin, project):
    start, end = datetime(2026, 3, 1), datetime(2026, 2, 1)
    expect_error(lambda: admin.get_project_performance(project["_id"], interval=[start, end]),
                 400, "VALIDATION_FAILED")


def test_performance_visibility_by_role(hub, admin):
    project, roles = staffed_project(hub, admin)
    # Lead and Manager see everyone; Labelers and Reviewers only their own row.
    for user in ("lead", "manager"):
        rows = hub.sdk(user).get_project_performance(project["_id"])["data"]["performance"]
        assert {r["user"] for r in rows["users"]} == set(roles), user
    for user in ("labeler", "reviewer"):
        rows = hub.sdk(user).get_project_performance(project["_id"])["data"]["performance"]
        assert [r["user"] for r in rows["users"]] == [hub.emails[user]], user
    for user in ("outsider", "other"):
        expect_error(lambda: hub.sdk(user).get_project_performance(project["_id"]),
                     404, "NOT_FOUND")


def test_performance_filtered_by_batch(hub, admin):
    project, roles = staffed_project(hub, admin)
    batches = admin.make_request("POST", f"/v2/project/{project['_id']}", {"batches": [
        {"name": "first", "description": "", "color": "#112233"},
        {"name": "second", "description": "", "color": "#445566"},
    ]})["data"]["project"]["batches"]
    assert [b["name"] for b in batches] == ["first", "second"]
    # The SDK resolves batch names to ids through get_project.
    performance = admin.get_project_performance(project["_id"], batches=["first"])[
        "data"]["performance"]
    assert_idle(performance, roles)
    body = expect_error(lambda: admin.make_request(
        "POST", f"/v2/performance/{project['_id']}", {"batches": ["0" * 24]}),
        400, "VALIDATION_FAILED")
    assert "0" * 24 in body["message"] or "0" * 24 in str(body["error"].get("details"))


def test_performance_accepts_1_to_9_fractional_digits(admin, project):
    performance = admin.make_request("POST", f"/v2/performance/{project['_id']}", {
        "interval": ["2026-01-01T00:00:00.1Z", "2026-01-01T00:00:00.123456789Z"]})[
        "data"]["performance"]
    assert performance["from"] == "2026-01-01T00:00:00.100Z"
    assert performance["to"] == "2026-01-01T00:00:00.123Z"
