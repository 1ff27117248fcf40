//! Contract section 2's permission table, from one table; denied writes change nothing. Tenancy.

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::{Resp, Team, TestApp, User, multipart, pdf};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Actor {
    Admin,
    Manager,
    Lead,
    Reviewer,
    Labeler,
    /// A member of the organization assigned to nothing.
    Outsider,
    /// The admin of another organization.
    Stranger,
}

const ACTORS: [Actor; 7] = [
    Actor::Admin,
    Actor::Manager,
    Actor::Lead,
    Actor::Reviewer,
    Actor::Labeler,
    Actor::Outsider,
    Actor::Stranger,
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Action {
    List,
    Create,
    Get,
    Update,
    Delete,
    AssignLabeler,
    AssignManager,
    Template,
    Instructions,
    /// GET of the instructions PDF (uploaded by the admin beforehand).
    Download,
    Performance,
}

/// Contract section 2: the status each actor (in `ACTORS` order) gets for each action.
const TABLE: [(Action, [u16; 7]); 11] = [
    (Action::List, [200, 200, 200, 200, 200, 200, 200]),
    (Action::Create, [201, 201, 201, 201, 201, 201, 201]),
    (Action::Get, [200, 200, 200, 200, 200, 404, 404]),
    (Action::Update, [200, 200, 403, 403, 403, 404, 404]),
    (Action::Delete, [200, 200, 403, 403, 403, 404, 404]),
    (Action::AssignLabeler, [200, 200, 200, 403, 403, 404, 404]),
    (Action::AssignManager, [200, 200, 403, 403, 403, 404, 404]),
    (Action::Template, [201, 201, 403, 403, 403, 404, 404]),
    (Action::Instructions, [200, 200, 403, 403, 403, 404, 404]),
    (Action::Download, [200, 200, 200, 200, 200, 404, 404]),
    (Action::Performance, [200, 200, 200, 200, 200, 404, 404]),
];

const SPARE: &str = "spare@team.test";

fn user<'a>(app: &'a TestApp, team: &'a Team, actor: Actor) -> &'a User {
    match actor {
        Actor::Admin => &app.admin,
        Actor::Manager => &team.manager,
        Actor::Lead => &team.lead,
        Actor::Reviewer => &team.reviewer,
        Actor::Labeler => &team.labeler,
        Actor::Outsider => &team.outsider,
        Actor::Stranger => &team.stranger,
    }
}

async fn perform(app: &TestApp, key: &str, action: Action, id: &str) -> Resp {
    let project = format!("/v2/project/{id}");
    match action {
        Action::List => app.get(key, "/v2/listProjects?limit=100").await,
        Action::Create => {
            app.post(key, "/v2/project", json!({"name": "created"}))
                .await
        }
        Action::Get => app.get(key, &project).await,
        Action::Update => {
            app.post(key, &project, json!({"description": "changed"}))
                .await
        }
        Action::Delete => app.delete(key, &project).await,
        Action::AssignLabeler | Action::AssignManager => {
            let role = if action == Action::AssignLabeler {
                "Labeler"
            } else {
                "Manager"
            };
            let body = json!({"role": role, "assignees": [SPARE]});
            app.post(key, &format!("{project}/assigned"), body).await
        }
        Action::Template => {
            let body = json!({"name": "tpl", "config": {}});
            app.post(key, &format!("{project}/assetBuilderTemplates"), body)
                .await
        }
        Action::Instructions => {
            let (content_type, body) = multipart("i.pdf", &pdf("perm"));
            app.req(Method::POST, &format!("{project}/instructions"))
                .key(key)
                .body(&content_type, body)
                .send()
                .await
        }
        Action::Download => app.get(key, &format!("{project}/instructions")).await,
        Action::Performance => {
            app.post(key, &format!("/v2/performance/{id}"), json!({}))
                .await
        }
    }
}

/// What a successful action must have done.
async fn check_effect(app: &TestApp, actor: Actor, action: Action, id: &str, resp: &Resp) {
    let visible = !matches!(actor, Actor::Outsider | Actor::Stranger);
    let admin_view = || async move { app.get(&app.admin.key, &format!("/v2/project/{id}")).await };
    match action {
        Action::List => {
            let listed = resp.data()["projects"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["_id"] == id);
            assert_eq!(listed, visible, "{actor:?} lists the project");
        }
        Action::Create => assert_eq!(resp.project()["assignedTo"][0]["role"], "Manager"),
        Action::Get => assert_eq!(resp.project()["_id"], id),
        Action::Update => assert_eq!(admin_view().await.project()["description"], "changed"),
        Action::Delete => {
            admin_view().await.expect_error(404, "NOT_FOUND", "project");
        }
        Action::AssignLabeler | Action::AssignManager => {
            let role = if action == Action::AssignLabeler {
                "Labeler"
            } else {
                "Manager"
            };
            let members = admin_view().await.project()["assignedTo"].clone();
            assert!(
                members
                    .as_array()
                    .unwrap()
                    .contains(&json!({"assignee": SPARE, "role": role}))
            );
        }
        Action::Template => {
            assert_eq!(
                admin_view().await.project()["assetBuilderTemplates"][0]["name"],
                "tpl"
            );
        }
        Action::Instructions => assert!(admin_view().await.project()["instructions"].is_string()),
        Action::Download => assert_eq!(resp.bytes.as_ref(), pdf("download").as_slice()),
        Action::Performance => {
            let rows = resp.data()["performance"]["users"]
                .as_array()
                .unwrap()
                .len();
            let own_only = matches!(actor, Actor::Reviewer | Actor::Labeler);
            assert_eq!(
                rows,
                if own_only { 1 } else { 5 },
                "{actor:?} performance rows"
            );
        }
    }
}

#[tokio::test]
async fn the_contract_permission_table_holds() {
    let app = TestApp::new().await;
    let team = app.team().await;
    app.member(SPARE).await;
    for (action, statuses) in TABLE {
        for (actor, status) in ACTORS.into_iter().zip(statuses) {
            let id = app
                .team_project(&team, &format!("{action:?} by {actor:?}"))
                .await;
            if action == Action::Download {
                let (content_type, body) = multipart("d.pdf", &pdf("download"));
                app.req(Method::POST, &format!("/v2/project/{id}/instructions"))
                    .key(&app.admin.key)
                    .body(&content_type, body)
                    .send()
                    .await
                    .expect_status(200);
            }
            let before = app.snapshot(&id).await;
            let files = app.stored_files();
            let key = &user(&app, &team, actor).key;
            let resp = perform(&app, key, action, &id).await;
            let cell = format!("{action:?} by {actor:?}");
            assert_eq!(resp.status.as_u16(), status, "{cell}: {}", resp.text());
            match status {
                403 => drop(resp.expect_error(403, "FORBIDDEN", "role")),
                404 => drop(resp.expect_error(404, "NOT_FOUND", "project")),
                _ => check_effect(&app, actor, action, &id, &resp).await,
            }
            if status >= 400 {
                assert_eq!(
                    app.snapshot(&id).await,
                    before,
                    "{cell} changed the project"
                );
                assert_eq!(app.stored_files(), files, "{cell} stored a file");
            }
        }
    }
}

#[tokio::test]
async fn another_organizations_project_is_not_found_on_every_route() {
    let app = TestApp::new().await;
    let (_, stranger) = app.other_org("other").await;
    app.member("ann@example.com").await;
    let theirs = crate::support::id_of(
        &app.create_project(&stranger.key, json!({"name": "theirs"}))
            .await,
    );
    let path = format!("/v2/project/{theirs}");
    let before = app.get(&stranger.key, &path).await.json();
    let (content_type, upload) = multipart("i.pdf", &pdf("x"));
    let requests: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, path.clone(), None),
        (
            Method::POST,
            path.clone(),
            Some(json!({"description": "mine now"})),
        ),
        (Method::DELETE, path.clone(), None),
        (
            Method::POST,
            format!("{path}/assigned"),
            Some(json!({"role": "Labeler", "assignees": ["ann@example.com"]})),
        ),
        (
            Method::POST,
            format!("{path}/assetBuilderTemplates"),
            Some(json!({"name": "t", "config": {}})),
        ),
        (Method::GET, format!("{path}/instructions"), None),
        (
            Method::POST,
            format!("/v2/performance/{theirs}"),
            Some(json!({})),
        ),
    ];
    for (method, route, body) in requests {
        let mut req = app.req(method.clone(), &route).key(&app.admin.key);
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect_error(404, "NOT_FOUND", "project");
    }
    app.req(Method::POST, &format!("{path}/instructions"))
        .key(&app.admin.key)
        .body(&content_type, upload)
        .send()
        .await
        .expect_error(404, "NOT_FOUND", "project");
    assert_eq!(app.get(&stranger.key, &path).await.json(), before);
    assert!(app.stored_files().is_empty());
    assert_eq!(app.list(&app.admin.key, "").await["total"], 0);
    assert_eq!(app.list(&app.admin.key, "search=theirs").await["total"], 0);
}
