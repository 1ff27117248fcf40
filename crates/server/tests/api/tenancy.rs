//! Tenancy: nothing of one organization can be reached, changed or seen from another.

use axum::http::Method;
use serde_json::{Value, json};

use annohub_domain::Id;
use annohub_domain::role::OrgRole;

use crate::client::Resp;
use crate::snapshot::assert_unchanged;
use crate::support::{TestApp, User, id_of, multipart, pdf};

/// One organization with a user in every role and a project with batches, a template and
/// uploaded instructions.
struct Tenant {
    label: &'static str,
    org: Id,
    /// The org admin, then Manager, Lead, Reviewer, Labeler and a member assigned to nothing.
    users: Vec<(&'static str, User)>,
    project: String,
    batches: Vec<String>,
}

impl Tenant {
    async fn new(app: &TestApp, org: Id, admin: User, label: &'static str) -> Self {
        let mut users = vec![("admin", admin)];
        for role in ["Manager", "Lead", "Reviewer", "Labeler", "idle"] {
            let email = format!("{}@{label}.test", role.to_lowercase());
            users.push((role, app.user_in(&org, &email, OrgRole::Member).await));
        }
        let assigned: Vec<Value> = users[1..5]
            .iter()
            .map(|(role, user)| json!({"assignee": user.email, "role": role}))
            .collect();
        let admin_key = users[0].1.key.clone();
        let project = app
            .create_project(
                &admin_key,
                json!({"name": format!("{label} Shared Ontology"), "assignedTo": assigned,
                       "description": format!("{label} description"),
                       "batches": [{"name": format!("{label} batch one")}, {"name": format!("{label} batch two")}]}),
            )
            .await;
        let id = id_of(&project);
        let template = json!({"name": format!("{label} template"), "config": {"label": label}});
        app.post(
            &admin_key,
            &format!("/v2/project/{id}/assetBuilderTemplates"),
            template,
        )
        .await
        .expect_status(201);
        let (content_type, body) = multipart(&format!("{label}.pdf"), &pdf(label));
        app.req(Method::POST, &format!("/v2/project/{id}/instructions"))
            .key(&admin_key)
            .body(&content_type, body)
            .send()
            .await
            .expect_status(200);
        Tenant {
            label,
            org,
            batches: project["batches"]
                .as_array()
                .unwrap()
                .iter()
                .map(id_of)
                .collect(),
            users,
            project: id,
        }
    }

    fn email(&self, role: &str) -> &str {
        &self
            .users
            .iter()
            .find(|(r, _)| *r == role)
            .expect("a role")
            .1
            .email
    }

    /// Strings of this tenant that must never appear in another organization's answers.
    fn secrets(&self) -> Vec<String> {
        let mut secrets = vec![
            self.label.to_lowercase(),
            self.project.clone(),
            self.org.to_string(),
        ];
        secrets.extend(self.batches.iter().cloned());
        secrets.extend(self.users.iter().map(|(_, u)| u.email.clone()));
        secrets
    }
}

/// Two tenants on one server: Alpha (the app's own organization) and Bravo.
async fn tenants() -> (TestApp, Tenant, Tenant) {
    let app = TestApp::new().await;
    let alpha = Tenant::new(&app, app.org.clone(), app.admin.clone(), "Alpha").await;
    let (org, admin) = app.other_org("bravo").await;
    let bravo = Tenant::new(&app, org, admin, "Bravo").await;
    (app, alpha, bravo)
}

/// A request on every project path with every method, with a body that would succeed for a
/// Manager of the project.
fn matrix(project: &str, victim: &Tenant) -> Vec<(Method, String, Option<Value>, bool)> {
    let mut out = Vec::new();
    let bodies: [(&str, Value); 5] = [
        ("/v2/project/{id}", json!({"description": "hijacked"})),
        (
            "/v2/project/{id}/assigned",
            json!({"role": "Manager", "assignees": [victim.email("idle")]}),
        ),
        (
            "/v2/project/{id}/assetBuilderTemplates",
            json!({"name": "hijack", "config": {}}),
        ),
        ("/v2/project/{id}/instructions", Value::Null),
        (
            "/v2/performance/{id}",
            json!({"batches": victim.batches.clone()}),
        ),
    ];
    for (path, body) in bodies {
        for method in [Method::GET, Method::POST, Method::DELETE] {
            let routed = match path {
                "/v2/project/{id}" => true,
                "/v2/project/{id}/instructions" => method != Method::DELETE,
                _ => method == Method::POST,
            };
            let body = (method == Method::POST).then(|| body.clone());
            out.push((method, path.replace("{id}", project), body, routed));
        }
    }
    out
}

async fn send(app: &TestApp, key: &str, method: Method, path: &str, body: &Option<Value>) -> Resp {
    let req = app.req(method, path).key(key);
    match body {
        Some(Value::Null) => {
            let (content_type, bytes) = multipart("hijack.pdf", &pdf("hijack"));
            req.body(&content_type, bytes).send().await
        }
        Some(body) => req.json(body).send().await,
        None => req.send().await,
    }
}

/// The error body with its request id left out and `id` replaced, to compare two answers.
fn comparable(resp: &Resp, id: &str) -> (u16, String) {
    let mut body = resp.json();
    body["error"]["requestId"] = Value::Null;
    (resp.status.as_u16(), body.to_string().replace(id, "<id>"))
}

/// Every user of `intruders` on every route of `victim`'s project: 404 exactly as for an id
/// that never existed (405 where the route has no such method), and nothing changes.
async fn cannot_reach(app: &TestApp, intruders: &Tenant, victim: &Tenant) {
    let ghost = Id::generate().to_string();
    let before = app.full_snapshot().await;
    for (role, user) in &intruders.users {
        for ((method, path, body, routed), (_, ghost_path, _, _)) in matrix(&victim.project, victim)
            .into_iter()
            .zip(matrix(&ghost, victim))
        {
            let cell = format!("{} {role} {method} {path}", intruders.label);
            let resp = send(app, &user.key, method.clone(), &path, &body).await;
            if routed {
                resp.expect_error(404, "NOT_FOUND", "project");
            } else {
                resp.expect_error(405, "METHOD_NOT_ALLOWED", method.as_str());
            }
            let unknown = send(app, &user.key, method, &ghost_path, &body).await;
            assert_eq!(
                comparable(&resp, &victim.project),
                comparable(&unknown, &ghost),
                "{cell}: answered unlike a project that does not exist"
            );
            assert_unchanged(&before, &app.full_snapshot().await, &cell);
        }
    }
}

#[tokio::test]
async fn no_user_reaches_another_organizations_project_on_any_route() {
    let (app, alpha, bravo) = tenants().await;
    cannot_reach(&app, &alpha, &bravo).await;
    cannot_reach(&app, &bravo, &alpha).await;
    // Each tenant still reaches its own project.
    for tenant in [&alpha, &bravo] {
        let project = app
            .get(
                &tenant.users[0].1.key,
                &format!("/v2/project/{}", tenant.project),
            )
            .await
            .expect_status(200)
            .project();
        assert_eq!(
            project["description"],
            format!("{} description", tenant.label)
        );
        assert_eq!(
            project["assetBuilderTemplates"].as_array().unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn listings_and_reports_show_nothing_of_another_organization() {
    let (app, alpha, bravo) = tenants().await;
    for (us, them) in [(&alpha, &bravo), (&bravo, &alpha)] {
        let queries = [
            "limit=100".to_string(),
            "limit=100&sort=name".to_string(),
            format!("search={}", them.label),
            format!("search={}%20Shared%20Ontology", them.label.to_lowercase()),
            "search=Shared%20Ontology".to_string(),
            format!("search={}", them.project),
        ];
        for (role, user) in &us.users {
            for query in &queries {
                let resp = app
                    .get(&user.key, &format!("/v2/listProjects?{query}"))
                    .await
                    .expect_status(200);
                let text = resp.text().to_lowercase();
                for secret in them.secrets() {
                    assert!(
                        !text.contains(&secret.to_lowercase()),
                        "{} {role} ?{query} shows {secret}: {text}",
                        us.label
                    );
                }
                let data = resp.data();
                let about_them = query.to_lowercase().contains(&them.label.to_lowercase())
                    || query.contains(&them.project);
                let expected = if about_them || *role == "idle" { 0 } else { 1 };
                assert_eq!(
                    data["total"], expected,
                    "{} {role} ?{query}: {data}",
                    us.label
                );
            }
        }
        // The performance report of one's own project, asked about the other's users and
        // over all time, names none of them.
        let users: Vec<&str> = them.users.iter().map(|(_, u)| u.email.as_str()).collect();
        for body in [json!({}), json!({"users": users})] {
            let resp = app
                .post(
                    &us.users[0].1.key,
                    &format!("/v2/performance/{}", us.project),
                    body,
                )
                .await
                .expect_status(200);
            let text = resp.text().to_lowercase();
            for secret in them.secrets() {
                assert!(
                    !text.contains(&secret.to_lowercase()),
                    "performance shows {secret}: {text}"
                );
            }
        }
        // Another organization's batch is as unknown as a batch that never existed.
        let path = format!("/v2/performance/{}", us.project);
        let theirs = app
            .post(
                &us.users[0].1.key,
                &path,
                json!({"batches": [them.batches[0]]}),
            )
            .await;
        theirs.expect_error(400, "VALIDATION_FAILED", "batches[0]");
        let ghost = Id::generate().to_string();
        let unknown = app
            .post(&us.users[0].1.key, &path, json!({"batches": [ghost]}))
            .await;
        assert_eq!(
            comparable(&theirs, &them.batches[0]),
            comparable(&unknown, &ghost)
        );
    }
}

#[tokio::test]
async fn another_organizations_emails_cannot_be_assigned() {
    let (app, alpha, bravo) = tenants().await;
    let stranger = bravo.email("Labeler").to_string();
    let idle = alpha.email("idle").to_string();
    let key = |role: &str| {
        alpha
            .users
            .iter()
            .find(|(r, _)| *r == role)
            .unwrap()
            .1
            .key
            .clone()
    };
    let project = format!("/v2/project/{}", alpha.project);
    let assigned = format!("{project}/assigned");
    let attempts: Vec<(String, &str, Value)> = vec![
        (
            key("admin"),
            assigned.as_str(),
            json!({"role": "Labeler", "assignees": [stranger]}),
        ),
        (
            key("Manager"),
            assigned.as_str(),
            json!({"role": "Manager", "assignees": [idle, stranger]}),
        ),
        (
            key("Lead"),
            assigned.as_str(),
            json!({"role": "Labeler", "assignees": [stranger, idle]}),
        ),
        (
            key("admin"),
            assigned.as_str(),
            json!({"role": "Lead", "assignees": [bravo.email("admin")]}),
        ),
        (
            key("admin"),
            project.as_str(),
            json!({"assignedTo": [{"assignee": idle, "role": "Lead"}, {"assignee": stranger, "role": "Lead"}]}),
        ),
        (
            key("admin"),
            "/v2/project",
            json!({"name": "Poached", "assignedTo": [{"assignee": stranger, "role": "Labeler"}]}),
        ),
        (
            key("idle"),
            "/v2/project",
            json!({"name": "Poached", "assignedTo": [{"assignee": stranger, "role": "Labeler"}]}),
        ),
    ];
    let before = app.full_snapshot().await;
    for (key, path, body) in attempts {
        let resp = app.post(&key, path, body.clone()).await;
        let error = resp.expect_error(400, "VALIDATION_FAILED", "bravo.test");
        let message = error["message"].as_str().unwrap();
        assert!(
            !message.contains(&idle),
            "{message} lists a user of the organization"
        );
        assert_unchanged(
            &before,
            &app.full_snapshot().await,
            &format!("{path} {body}"),
        );
    }
    let members = app.get(&key("admin"), &project).await.project()["assignedTo"].clone();
    assert!(!members.to_string().contains("bravo"), "{members}");
}
