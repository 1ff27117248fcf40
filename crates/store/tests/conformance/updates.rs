//! Conformance cases: partial updates, settings merges, replaced collections and `If-Match`.

use std::sync::Arc;

use serde_json::{Number, json};

use annohub_domain::project::Member;
use annohub_domain::role::ProjectRole;
use annohub_store::{Store, StoreError};

use crate::support::{org, patch, project, reload, total_for, validation};

pub async fn update_changes_only_what_is_sent(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let before = project(&store, &acme.admin, "Before").await;
    let after = store
        .update_project(
            &acme.id,
            &before.id,
            patch(json!({"name": "  After  "})),
            None,
        )
        .await
        .unwrap();
    assert_eq!(after.name, "After");
    assert_eq!(after.revision, before.revision + 1);
    assert!(after.updated_at >= before.updated_at);
    assert_eq!(after.created_at, before.created_at);
    let unchanged = annohub_domain::project::Project {
        name: after.name.clone(),
        revision: after.revision,
        updated_at: after.updated_at,
        ..before.clone()
    };
    assert_eq!(
        after, unchanged,
        "nothing but the name, revision and updatedAt moved"
    );
    assert_eq!(reload(&store, &before).await, after);

    let stages = json!([
        {"id": "Start", "name": "Start", "type": "Start", "next": ["Review"]},
        {"id": "Review", "name": "Check", "type": "Review", "next": ["Complete"], "autoForward": false},
        {"id": "Complete", "name": "Complete", "type": "Complete", "next": []}
    ]);
    let sent = patch(json!({"stages": stages, "description": "now with review"}));
    let after_stages = store
        .update_project(&acme.id, &before.id, sent.clone(), None)
        .await
        .unwrap();
    assert_eq!(after_stages.stages, sent.stages.unwrap());
    assert_eq!(after_stages.description, "now with review");
    assert_eq!(after_stages.name, "After");
    assert_eq!(after_stages.category_schema, before.category_schema);
    assert_eq!(after_stages.revision, before.revision + 2);
}

pub async fn settings_merge_and_batches_replace(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let created = project(&store, &acme.admin, "Settings").await;
    store
        .update_project(
            &acme.id,
            &created.id,
            patch(json!({"benchmarkEnabled": true, "projectPlugins": {"b": 1, "a": 2}})),
            None,
        )
        .await
        .unwrap();
    let after = store
        .update_project(
            &acme.id,
            &created.id,
            patch(json!({"benchmarkRatio": 25, "instructions": "https://example.test/guide"})),
            None,
        )
        .await
        .unwrap();
    assert!(
        after.settings.benchmark_enabled,
        "an earlier setting survives a later patch"
    );
    assert_eq!(after.settings.benchmark_ratio, Number::from(25));
    assert_eq!(
        after.settings.project_plugins.to_string(),
        r#"{"b":1,"a":2}"#
    );
    assert_eq!(
        after.settings.instructions.as_deref(),
        Some("https://example.test/guide")
    );
    assert_eq!(after.settings.ocr_language, "eng");

    let two = patch(json!({"batches": [{"name": "one"}, {"name": "two", "color": "#000000"}]}));
    let with_two = store
        .update_project(&acme.id, &created.id, two, None)
        .await
        .unwrap();
    assert_eq!(with_two.batches.len(), 2);
    let kept = with_two.batches[1].clone();
    let replacement = patch(json!({"batches": [
        {"_id": kept.id.as_str(), "name": "two renamed"},
        {"name": "three", "description": "new"}
    ]}));
    let replaced = store
        .update_project(&acme.id, &created.id, replacement, None)
        .await
        .unwrap();
    let names: Vec<&str> = replaced.batches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["two renamed", "three"]);
    assert_eq!(replaced.batches[0].id, kept.id);
    assert_eq!(reload(&store, &created).await.batches, replaced.batches);
    let emptied = store
        .update_project(&acme.id, &created.id, patch(json!({"batches": []})), None)
        .await
        .unwrap();
    assert!(emptied.batches.is_empty());
}

pub async fn assigned_to_replaces_members_and_moves_counts(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 3).await;
    let (ann, bob, cid) = (&acme.members[0], &acme.members[1], &acme.members[2]);
    let created = project(&store, &acme.admin, "Team").await;
    store
        .assign_members(
            &acme.id,
            &created.id,
            ProjectRole::Labeler,
            &[ann.email.clone(), bob.email.clone()],
            None,
        )
        .await
        .unwrap();
    let body = json!({"assignedTo": [
        {"assignee": acme.admin.email, "role": "Manager"},
        {"assignee": bob.email, "role": "Lead"},
        {"assignee": cid.email, "role": "Reviewer"}
    ]});
    let after = store
        .update_project(&acme.id, &created.id, patch(body), None)
        .await
        .unwrap();
    let mut members = after.assigned_to.clone();
    members.sort_by(|a, b| a.assignee.cmp(&b.assignee));
    let member = |who: &annohub_store::Caller, role| Member {
        assignee: who.email.clone(),
        role,
    };
    assert_eq!(
        members,
        vec![
            member(&acme.admin, ProjectRole::Manager),
            member(bob, ProjectRole::Lead),
            member(cid, ProjectRole::Reviewer),
        ]
    );
    assert_eq!(total_for(&store, ann).await, 0);
    assert_eq!(total_for(&store, bob).await, 1);
    assert_eq!(total_for(&store, cid).await, 1);

    let ghost = json!({"assignedTo": [
        {"assignee": ann.email, "role": "Manager"},
        {"assignee": "ghost@acme.test", "role": "Lead"}
    ]});
    let err = store
        .update_project(&acme.id, &created.id, patch(ghost), None)
        .await
        .unwrap_err();
    let (field, message) = validation(err);
    assert_eq!(field, "assignedTo");
    assert_eq!(
        message,
        "are not users of this organization: ghost@acme.test"
    );
    assert_eq!(
        reload(&store, &created).await,
        after,
        "the failed update changed nothing"
    );
    assert_eq!(total_for(&store, ann).await, 0);
    assert_eq!(total_for(&store, cid).await, 1);
}

pub async fn stale_if_match_changes_nothing(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let created = project(&store, &acme.admin, "Guarded").await;
    let first = store
        .update_project(
            &acme.id,
            &created.id,
            patch(json!({"name": "First"})),
            Some(created.revision),
        )
        .await
        .expect("the current revision matches");
    let err = store
        .update_project(
            &acme.id,
            &created.id,
            patch(json!({"name": "Stale"})),
            Some(created.revision),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::PreconditionFailed), "{err:?}");
    let err = store
        .update_project(
            &acme.id,
            &created.id,
            patch(json!({"batches": [{"name": "b"}], "benchmarkEnabled": true})),
            Some(first.revision + 1),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::PreconditionFailed), "{err:?}");
    assert_eq!(reload(&store, &created).await, first, "nothing changed");
    let second = store
        .update_project(
            &acme.id,
            &created.id,
            patch(json!({"name": "Second"})),
            Some(first.revision),
        )
        .await
        .unwrap();
    assert_eq!(second.name, "Second");
}
