//! Conformance cases: listing projects — visibility, sorting, search and exact totals.

use std::sync::Arc;

use serde_json::json;

use annohub_domain::Id;
use annohub_domain::project::Project;
use annohub_domain::role::ProjectRole;
use annohub_store::{ListQuery, SortField, SortKey, Store};

use crate::support::{list_for, org, patch, project, reload, total_for};

fn ids(page: &annohub_store::ProjectPage) -> Vec<Id> {
    page.projects.iter().map(|p| p.id.clone()).collect()
}

pub async fn members_see_assigned_projects_and_admins_see_all(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 3).await;
    let (ann, bob, cid) = (&acme.members[0], &acme.members[1], &acme.members[2]);
    let own = project(&store, ann, "Ann's").await;
    let shared = project(&store, &acme.admin, "Shared").await;
    let admins = project(&store, &acme.admin, "Admin's").await;
    store
        .assign_members(
            &acme.id,
            &shared.id,
            ProjectRole::Labeler,
            &[ann.email.clone(), bob.email.clone()],
            None,
        )
        .await
        .unwrap();

    let all = store.list_projects(&list_for(&acme.admin)).await.unwrap();
    assert_eq!(all.total, 3);
    let mut listed = ids(&all);
    listed.sort();
    let mut expected = vec![own.id.clone(), shared.id.clone(), admins.id.clone()];
    expected.sort();
    assert_eq!(listed, expected);
    let summary = all.projects.iter().find(|p| p.id == own.id).unwrap();
    assert_eq!(
        (
            summary.name.as_str(),
            summary.description.as_str(),
            &summary.organization,
            summary.created_at
        ),
        ("Ann's", "", &acme.id, own.created_at)
    );

    let anns = store.list_projects(&list_for(ann)).await.unwrap();
    assert_eq!(anns.total, 2);
    let mut listed = ids(&anns);
    listed.sort();
    let mut expected = vec![own.id.clone(), shared.id.clone()];
    expected.sort();
    assert_eq!(listed, expected);

    let bobs = store.list_projects(&list_for(bob)).await.unwrap();
    assert_eq!((bobs.total, ids(&bobs)), (1, vec![shared.id.clone()]));
    let cids = store.list_projects(&list_for(cid)).await.unwrap();
    assert_eq!((cids.total, cids.projects.len()), (0, 0));
    assert_eq!(total_for(&store, cid).await, 0);
}

/// Every live project sorted as `keys` and then by id, computed here from full projects.
fn expected_order(projects: &[Project], keys: &[SortKey]) -> Vec<Id> {
    let mut sorted: Vec<&Project> = projects.iter().collect();
    sorted.sort_by(|a, b| {
        for key in keys {
            let order = match key.field {
                SortField::CreatedAt => a.created_at.cmp(&b.created_at),
                SortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
                SortField::Name => a.name.as_bytes().cmp(b.name.as_bytes()),
            };
            let order = if key.descending {
                order.reverse()
            } else {
                order
            };
            if order.is_ne() {
                return order;
            }
        }
        let by_id = a.id.cmp(&b.id);
        if keys.last().is_some_and(|k| k.descending) {
            by_id.reverse()
        } else {
            by_id
        }
    });
    sorted.into_iter().map(|p| p.id.clone()).collect()
}

pub async fn sorts_break_ties_by_id(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let names = [
        "b", "B", "a", "Äpfel", "a", "Zebra", "a-b", "a_b", "ab", "Ä", "zz", "b",
    ];
    let mut created = Vec::new();
    for name in names {
        created.push(project(&store, &acme.admin, name).await);
    }
    // Move a few updatedAt values on, out of creation order.
    for index in [7, 2, 9] {
        store
            .update_project(
                &acme.id,
                &created[index].id,
                patch(json!({"description": "moved"})),
                None,
            )
            .await
            .unwrap();
    }
    let mut current = Vec::new();
    for p in &created {
        current.push(reload(&store, p).await);
    }
    let key = |field, descending| SortKey { field, descending };
    let orders = [
        vec![key(SortField::CreatedAt, true)],
        vec![key(SortField::CreatedAt, false)],
        vec![key(SortField::UpdatedAt, true)],
        vec![key(SortField::UpdatedAt, false)],
        vec![key(SortField::Name, false)],
        vec![key(SortField::Name, true)],
        vec![key(SortField::Name, false), key(SortField::CreatedAt, true)],
        vec![key(SortField::UpdatedAt, false), key(SortField::Name, true)],
    ];
    for sort in orders {
        let expected = expected_order(&current, &sort);
        let query = ListQuery {
            sort: sort.clone(),
            ..list_for(&acme.admin)
        };
        let whole = store.list_projects(&query).await.unwrap();
        assert_eq!(ids(&whole), expected, "order for {sort:?}");
        // Pages of 5 put together give the same order, and each reports the full total.
        let mut paged = Vec::new();
        for page in 1..=3 {
            let page = store
                .list_projects(&ListQuery {
                    page,
                    limit: 5,
                    ..query.clone()
                })
                .await
                .unwrap();
            assert_eq!(page.total, names.len() as i64);
            paged.extend(ids(&page));
        }
        assert_eq!(paged, expected, "paged order for {sort:?}");
    }
    let beyond = store
        .list_projects(&ListQuery {
            page: 4,
            limit: 5,
            ..list_for(&acme.admin)
        })
        .await
        .unwrap();
    assert_eq!((beyond.total, beyond.projects.len()), (12, 0));
}

pub async fn search_escapes_wildcards(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 1).await;
    let ann = &acme.members[0];
    let names = [
        "100% done",
        "100 percent",
        "a_b",
        "axb",
        r"back\slash",
        "backslash",
        "Ärger",
        "Mixed CASE",
    ];
    for name in names {
        project(&store, &acme.admin, name).await;
    }
    let assigned = project(&store, ann, "ann a_b").await;
    let search = |caller, text: &str| ListQuery {
        search: Some(text.to_string()),
        sort: vec![SortKey {
            field: SortField::Name,
            descending: false,
        }],
        ..list_for(caller)
    };
    let cases: [(&str, &[&str]); 9] = [
        ("%", &["100% done"]),
        ("0%", &["100% done"]),
        ("_", &["a_b", "ann a_b"]),
        ("A_B", &["a_b", "ann a_b"]),
        (r"\", &[r"back\slash"]),
        ("mixed case", &["Mixed CASE"]),
        ("ärg", &["Ärger"]),
        ("100", &["100 percent", "100% done"]),
        ("nothing", &[]),
    ];
    for (text, expected) in cases {
        let page = store
            .list_projects(&search(&acme.admin, text))
            .await
            .unwrap();
        let found: Vec<&str> = page.projects.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(found, expected, "search {text:?}");
        assert_eq!(page.total, expected.len() as i64, "total for {text:?}");
    }
    let mine = store.list_projects(&search(ann, "_")).await.unwrap();
    assert_eq!(
        (mine.total, ids(&mine)),
        (1, vec![assigned.id.clone()]),
        "a member's search sees only its projects"
    );
}

pub async fn totals_stay_exact(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 2).await;
    let other = org(&store, "other", 0).await;
    let (ann, bob) = (&acme.members[0], &acme.members[1]);
    let mut projects = Vec::new();
    for i in 0..5 {
        projects.push(project(&store, &acme.admin, &format!("p{i}")).await);
    }
    project(&store, &other.admin, "elsewhere").await;
    assert_eq!(total_for(&store, &acme.admin).await, 5);
    assert_eq!(total_for(&store, &other.admin).await, 1);

    for p in &projects[..3] {
        store
            .assign_members(
                &acme.id,
                &p.id,
                ProjectRole::Labeler,
                std::slice::from_ref(&ann.email),
                None,
            )
            .await
            .unwrap();
    }
    assert_eq!(total_for(&store, ann).await, 3);
    project(&store, ann, "ann's own").await;
    assert_eq!(total_for(&store, ann).await, 4);
    assert_eq!(total_for(&store, &acme.admin).await, 6);

    store
        .delete_project(&acme.id, &projects[0].id, None)
        .await
        .unwrap();
    store
        .delete_project(&acme.id, &projects[4].id, None)
        .await
        .unwrap();
    assert_eq!(total_for(&store, &acme.admin).await, 4);
    assert_eq!(total_for(&store, ann).await, 3);

    // Replacing assignedTo moves both users' counts.
    let members = json!({"assignedTo": [
        {"assignee": acme.admin.email, "role": "Manager"},
        {"assignee": bob.email, "role": "Lead"}
    ]});
    store
        .update_project(&acme.id, &projects[1].id, patch(members), None)
        .await
        .unwrap();
    assert_eq!(total_for(&store, ann).await, 2);
    assert_eq!(total_for(&store, bob).await, 1);
    assert_eq!(total_for(&store, &acme.admin).await, 4);
    assert_eq!(total_for(&store, &other.admin).await, 1);
}
