//! GET /v2/listProjects: paging, sorting with id tie-breaks, search, exact totals, bad queries.

use std::cmp::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{TestApp, id_of};

/// What a list item may and must contain.
const SUMMARY_KEYS: [&str; 5] = ["_id", "name", "description", "organization", "createdAt"];

/// The order `sort` asks for, ties broken by `_id` in the direction of the last key.
fn expected_order(projects: &[Value], sort: &str) -> Vec<String> {
    let keys: Vec<(&str, bool)> = sort
        .split(',')
        .map(|k| match k.strip_prefix('-') {
            Some(field) => (field, true),
            None => (k, false),
        })
        .collect();
    let last_desc = keys.last().is_some_and(|k| k.1);
    let mut sorted = projects.to_vec();
    sorted.sort_by(|a, b| {
        for (field, desc) in &keys {
            let ord = a[*field].as_str().cmp(&b[*field].as_str());
            let ord = if *desc { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        let ord = a["_id"].as_str().cmp(&b["_id"].as_str());
        if last_desc { ord.reverse() } else { ord }
    });
    sorted.iter().map(id_of).collect()
}

/// Every page of `query` (limit 3) concatenated, checking each page's total and size.
async fn all_pages(app: &TestApp, query: &str, total: usize) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1..=total.div_ceil(3) + 1 {
        let data = app
            .list(&app.admin.key, &format!("{query}&limit=3&page={page}"))
            .await;
        assert_eq!(data["total"], total, "{query} page {page}");
        let projects = data["projects"].as_array().unwrap().clone();
        assert_eq!(projects.len(), total.saturating_sub((page - 1) * 3).min(3));
        items.extend(projects);
    }
    items
}

#[tokio::test]
async fn pages_and_sorts_are_stable_with_id_tie_breaks() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for name in [
        "delta", "alpha", "charlie", "delta", "bravo", "echo", "delta",
    ] {
        ids.push(app.project_id(name).await);
        // Distinct creation instants (timestamps have milliseconds), so createdAt orders.
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    for id in [&ids[1], &ids[5], &ids[0]] {
        let path = format!("/v2/project/{id}");
        app.post(&app.admin.key, &path, json!({"description": "touched"}))
            .await
            .expect_status(200);
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let mut full = Vec::new();
    for id in &ids {
        let resp = app.get(&app.admin.key, &format!("/v2/project/{id}")).await;
        full.push(resp.project());
    }
    for sort in [
        "-createdAt",
        "createdAt",
        "updatedAt",
        "-updatedAt",
        "name",
        "-name",
        "name,-createdAt",
        "-name,updatedAt",
        "name,createdAt",
        "-updatedAt,name",
    ] {
        let expected = expected_order(&full, sort);
        let paged = all_pages(&app, &format!("sort={sort}"), ids.len()).await;
        let got: Vec<String> = paged.iter().map(id_of).collect();
        assert_eq!(got, expected, "sort={sort}");
        let one_page = app
            .list(&app.admin.key, &format!("sort={sort}&limit=100"))
            .await;
        let got: Vec<String> = one_page["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(id_of)
            .collect();
        assert_eq!(got, expected, "sort={sort} in one page");
    }
    // The SDK never sends sort: newest first, ten to a page.
    let default = app.list(&app.admin.key, "").await;
    let got: Vec<String> = default["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(got, expected_order(&full, "-createdAt"));
    // Items carry exactly five fields, with the project's values.
    for item in default["projects"].as_array().unwrap() {
        let keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        let mut want = SUMMARY_KEYS.to_vec();
        want.sort_unstable();
        assert_eq!(sorted_keys, want, "{item}");
        let project = full.iter().find(|p| p["_id"] == item["_id"]).unwrap();
        for key in SUMMARY_KEYS {
            assert_eq!(item[key], project[key], "{key}");
        }
    }
    // A page past the end is empty but still counts everything.
    let past = app.list(&app.admin.key, "page=5&limit=3").await;
    assert_eq!(past, json!({"projects": [], "total": 7}));
}

#[tokio::test]
async fn search_is_case_insensitive_and_treats_wildcards_literally() {
    let app = TestApp::new().await;
    for name in [
        "Cats 100%",
        "cats_dogs",
        "CATSxdogs",
        "100 percent",
        "Dogs",
        "back\\slash",
        "Ärger",
    ] {
        app.project_id(name).await;
    }
    let names = |data: &Value| {
        let mut names: Vec<String> = data["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    for (search, want) in [
        ("cats", vec!["CATSxdogs", "Cats 100%", "cats_dogs"]),
        ("CaTs", vec!["CATSxdogs", "Cats 100%", "cats_dogs"]),
        ("%25", vec!["Cats 100%"]),
        ("100%25", vec!["Cats 100%"]),
        ("_", vec!["cats_dogs"]),
        ("S_D", vec!["cats_dogs"]),
        ("%5C", vec!["back\\slash"]),
        ("cats%20100", vec!["Cats 100%"]),
        ("%C3%A4rger", vec!["Ärger"]),
        ("zzz", vec![]),
    ] {
        let data = app
            .list(&app.admin.key, &format!("search={search}&limit=100"))
            .await;
        assert_eq!(names(&data), want, "search={search}");
        assert_eq!(data["total"], want.len(), "search={search}");
    }
    let page = app
        .list(&app.admin.key, "search=dogs&limit=1&sort=name")
        .await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["projects"].as_array().unwrap().len(), 1);
    assert_eq!(app.list(&app.admin.key, "search=").await["total"], 7);
}

#[tokio::test]
async fn totals_stay_exact_through_creates_deletes_and_assignments() {
    let app = TestApp::new().await;
    let ann = app.member("ann@example.com").await;
    let (_, stranger) = app.other_org("other").await;
    let total = |key: String| {
        let app = &app;
        async move { app.list(&key, "").await["total"].as_i64().unwrap() }
    };
    let a = app.project_id("a").await;
    let b = app.project_id("b").await;
    app.project_id("c").await;
    assert_eq!(total(app.admin.key.clone()).await, 3);
    assert_eq!(total(ann.key.clone()).await, 0);
    app.assign(&a, "Labeler", &[&ann.email]).await;
    app.assign(&b, "Reviewer", &[&ann.email]).await;
    assert_eq!(total(ann.key.clone()).await, 2);
    // A new role is not a second membership.
    app.assign(&a, "Lead", &[&ann.email]).await;
    assert_eq!(total(ann.key.clone()).await, 2);
    let listed = app.list(&ann.key, "sort=name").await;
    let got: Vec<String> = listed["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(got, vec![a.clone(), b.clone()]);
    app.delete(&app.admin.key, &format!("/v2/project/{b}"))
        .await
        .expect_status(200);
    assert_eq!(total(ann.key.clone()).await, 1);
    assert_eq!(total(app.admin.key.clone()).await, 2);
    app.create_project(&ann.key, json!({"name": "ann's"})).await;
    assert_eq!(total(ann.key.clone()).await, 2);
    assert_eq!(total(app.admin.key.clone()).await, 3);
    assert_eq!(total(stranger.key.clone()).await, 0);
    app.create_project(&stranger.key, json!({"name": "theirs"}))
        .await;
    assert_eq!(total(stranger.key.clone()).await, 1);
    assert_eq!(total(app.admin.key.clone()).await, 3);
}

#[tokio::test]
async fn bad_query_values_are_rejected_not_clamped() {
    let app = TestApp::new().await;
    app.project_id("a").await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1.5", "page"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=", "limit"),
        ("sort=colour", "sort"),
        ("sort=-createdAt,nope", "sort"),
        ("sort=name,-name", "sort"),
        ("sort=", "sort"),
        ("pgae=1", "pgae"),
        ("benchmarkRatio=1", "benchmarkRatio"),
    ] {
        app.get(&app.admin.key, &format!("/v2/listProjects?{query}"))
            .await
            .expect_error(400, "VALIDATION_FAILED", field);
    }
    let edge = app.list(&app.admin.key, "limit=100&page=1000000").await;
    assert_eq!(edge, json!({"projects": [], "total": 1}));
    app.req(axum::http::Method::GET, "/v2/listProjects")
        .send()
        .await
        .expect_error(401, "UNAUTHORIZED", "apikey");
}
