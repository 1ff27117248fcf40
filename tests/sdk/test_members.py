"""add_members_to_project (POST /v2/project/{id}/assigned) and what each role may then do."""

from __future__ import annotations

import json

from imerit_ango.models.enums import ProjectRoles

from helpers import emails_and_roles, expect_error


def test_add_members_with_every_role(hub, admin, project):
    for user, role in (("labeler", ProjectRoles.Labeler), ("reviewer", ProjectRoles.Reviewer),
                       ("lead", ProjectRoles.Lead), ("manager", ProjectRoles.Manager)):
        body = admin.add_members_to_project(project["_id"], [hub.emails[user]], role)
        assert body["status"] == "success"
        assert emails_and_roles(body["data"]["project"])[hub.emails[user]] == role.value

    expected = {
        hub.emails["admin"]: "Manager",
        hub.emails["labeler"]: "Labeler",
        hub.emails["reviewer"]: "Reviewer",
        hub.emails["lead"]: "Lead",
        hub.emails["manager"]: "Manager",
    }
    got = admin.get_project(project["_id"])["data"]["project"]
    assert emails_and_roles(got) == expected

    # Each member now sees the project.
    for user in ("labeler", "reviewer", "lead", "manager"):
        sdk = hub.sdk(user)
        assert sdk.get_project(project["_id"])["data"]["project"]["_id"] == project["_id"]
        listed = sdk.list_projects(limit=100)["data"]["projects"]
        assert project["_id"] in {p["_id"] for p in listed}, user


def test_add_members_changes_an_existing_role_and_lowercases_emails(hub, admin, project):
    admin.add_members_to_project(project["_id"], [hub.emails["labeler"]], ProjectRoles.Labeler)
    body = admin.add_members_to_project(project["_id"], [hub.emails["labeler"].upper()],
                                        ProjectRoles.Reviewer)
    roles = emails_and_roles(body["data"]["project"])
    assert roles[hub.emails["labeler"]] == "Reviewer"
    assert len(roles) == 2


def test_add_members_several_at_once(hub, admin, project):
    emails = [hub.emails["labeler"], hub.emails["reviewer"]]
    roles = emails_and_roles(admin.add_members_to_project(
        project["_id"], emails, ProjectRoles.Labeler)["data"]["project"])
    assert roles == {hub.emails["admin"]: "Manager", emails[0]: "Labeler", emails[1]: "Labeler"}


def test_add_unknown_email_fails_and_changes_nothing(hub, admin, project):
    before = admin.get_project(project["_id"])["data"]["project"]
    for unknown in ("nobody@example.com", hub.emails["other"]):  # the latter: another org
        body = expect_error(lambda: admin.add_members_to_project(
            project["_id"], [hub.emails["labeler"], unknown], ProjectRoles.Labeler),
            400, "VALIDATION_FAILED")
        assert unknown in json.dumps(body)
        assert hub.emails["labeler"] not in json.dumps(body["error"].get("details", []))
    after = admin.get_project(project["_id"])["data"]["project"]
    assert after["assignedTo"] == before["assignedTo"]
    assert after["updatedAt"] == before["updatedAt"]
    expect_error(lambda: hub.sdk("labeler").get_project(project["_id"]), 404, "NOT_FOUND")


def test_lead_may_add_labelers_but_not_managers(hub, admin, project):
    admin.add_members_to_project(project["_id"], [hub.emails["lead"]], ProjectRoles.Lead)
    lead = hub.sdk("lead")

    roles = emails_and_roles(lead.add_members_to_project(
        project["_id"], [hub.emails["labeler"]], ProjectRoles.Labeler)["data"]["project"])
    assert roles[hub.emails["labeler"]] == "Labeler"

    before = admin.get_project(project["_id"])["data"]["project"]["assignedTo"]
    expect_error(lambda: lead.add_members_to_project(
        project["_id"], [hub.emails["manager"]], ProjectRoles.Manager), 403, "FORBIDDEN")
    assert admin.get_project(project["_id"])["data"]["project"]["assignedTo"] == before


def test_labeler_and_reviewer_may_not_add_members(hub, admin, project):
    admin.add_members_to_project(project["_id"], [hub.emails["labeler"]], ProjectRoles.Labeler)
    admin.add_members_to_project(project["_id"], [hub.emails["reviewer"]], ProjectRoles.Reviewer)
    for user in ("labeler", "reviewer"):
        expect_error(lambda: hub.sdk(user).add_members_to_project(
            project["_id"], [hub.emails["lead"]], ProjectRoles.Labeler), 403, "FORBIDDEN")


def test_outsiders_may_not_add_members(hub, project):
    for user in ("outsider", "other"):
        expect_error(lambda: hub.sdk(user).add_members_to_project(
            project["_id"], [hub.emails["labeler"]], ProjectRoles.Labeler), 404, "NOT_FOUND")


def test_manager_member_may_update_settings(hub, admin, project):
    admin.add_members_to_project(project["_id"], [hub.emails["manager"]], ProjectRoles.Manager)
    updated = hub.sdk("manager").update_benchmark_settings(project["_id"], True, 55)
    assert updated["data"]["project"]["benchmarkRatio"] == 55
