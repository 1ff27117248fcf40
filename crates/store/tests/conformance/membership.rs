//! Conformance cases: soft deletion and member assignment.

use std::sync::Arc;

use serde_json::json;

use annohub_domain::project::Member;
use annohub_domain::role::ProjectRole;
use annohub_domain::template::validate_template;
use annohub_store::{Store, StoreError, StoredFile};

use crate::support::{list_for, org, patch, project, reload, total_for, validation};

fn not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound("project")))
}

pub async fn delete_is_soft_and_final(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 1).await;
    let ann = &acme.members[0];
    let doomed = project(&store, ann, "Doomed").await;
    let kept = project(&store, ann, "Kept").await;
    assert_eq!(total_for(&store, ann).await, 2);

    let err = store
        .delete_project(&acme.id, &doomed.id, Some(doomed.revision + 1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::PreconditionFailed), "{err:?}");
    assert_eq!(
        reload(&store, &doomed).await,
        doomed,
        "a stale delete changed nothing"
    );

    let name = store
        .delete_project(&acme.id, &doomed.id, Some(doomed.revision))
        .await
        .unwrap();
    assert_eq!(name, "Doomed");
    assert_eq!(store.get_project(&acme.id, &doomed.id).await.unwrap(), None);
    let listed = store.list_projects(&list_for(&acme.admin)).await.unwrap();
    assert_eq!(
        listed.projects.iter().map(|p| &p.id).collect::<Vec<_>>(),
        [&kept.id]
    );
    assert_eq!(total_for(&store, &acme.admin).await, 1);
    assert_eq!(total_for(&store, ann).await, 1);

    assert!(not_found(
        store.delete_project(&acme.id, &doomed.id, None).await
    ));
    assert!(not_found(
        store
            .update_project(&acme.id, &doomed.id, patch(json!({"name": "x"})), None)
            .await
    ));
    assert!(not_found(
        store
            .assign_members(
                &acme.id,
                &doomed.id,
                ProjectRole::Lead,
                std::slice::from_ref(&ann.email),
                None
            )
            .await
    ));
    let template = validate_template(json!({"name": "t"})).unwrap();
    assert!(not_found(
        store.add_template(&acme.id, &doomed.id, template).await
    ));
    let file = StoredFile {
        object_key: "k".into(),
        file_name: "f.pdf".into(),
        size: 1,
    };
    assert!(not_found(
        store
            .set_instructions(&acme.id, &doomed.id, file, "http://h/i")
            .await
    ));
    assert_eq!(
        store.instructions_file(&acme.id, &doomed.id).await.unwrap(),
        None
    );
    assert_eq!(
        total_for(&store, &acme.admin).await,
        1,
        "nothing moved the counts"
    );
    assert_eq!(total_for(&store, ann).await, 1);
}

pub async fn unknown_assignees_change_nothing(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 1).await;
    let other = org(&store, "other", 1).await;
    let ann = &acme.members[0];
    let created = project(&store, &acme.admin, "Strict").await;
    let emails = [
        ann.email.clone(),
        "ghost@acme.test".to_string(),
        other.members[0].email.clone(),
    ];
    let err = store
        .assign_members(&acme.id, &created.id, ProjectRole::Reviewer, &emails, None)
        .await
        .unwrap_err();
    let (field, message) = validation(err);
    assert_eq!(field, "assignees");
    assert_eq!(
        message,
        "are not users of this organization: ghost@acme.test, member000@other.test"
    );
    assert_eq!(reload(&store, &created).await, created, "nothing changed");
    assert_eq!(total_for(&store, ann).await, 0);
    assert_eq!(total_for(&store, &other.members[0]).await, 0);
}

pub async fn assigning_again_changes_the_role(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 2).await;
    let (ann, bob) = (&acme.members[0], &acme.members[1]);
    let created = project(&store, &acme.admin, "Roles").await;
    let first = store
        .assign_members(
            &acme.id,
            &created.id,
            ProjectRole::Labeler,
            &[ann.email.clone(), bob.email.clone()],
            None,
        )
        .await
        .unwrap();
    assert_eq!(first.assigned_to.len(), 3);
    assert_eq!(first.revision, created.revision + 1);
    assert_eq!(reload(&store, &created).await, first);

    let err = store
        .assign_members(
            &acme.id,
            &created.id,
            ProjectRole::Lead,
            std::slice::from_ref(&ann.email),
            Some(created.revision),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::PreconditionFailed), "{err:?}");

    let again = store
        .assign_members(
            &acme.id,
            &created.id,
            ProjectRole::Reviewer,
            &[ann.email.clone(), ann.email.clone()],
            Some(first.revision),
        )
        .await
        .unwrap();
    let role_of = |who: &str| {
        again
            .assigned_to
            .iter()
            .filter(|m| m.assignee == who)
            .map(|m| m.role)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        role_of(&ann.email),
        [ProjectRole::Reviewer],
        "one membership, new role"
    );
    assert_eq!(role_of(&bob.email), [ProjectRole::Labeler]);
    assert_eq!(again.assigned_to.len(), 3);
    assert_eq!(
        total_for(&store, ann).await,
        1,
        "a re-role does not count twice"
    );
    assert!(again.assigned_to.contains(&Member {
        assignee: acme.admin.email.clone(),
        role: ProjectRole::Manager
    }));
}

pub async fn project_access_reports_revision_and_role(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 2).await;
    let rival = org(&store, "rival", 0).await;
    let (ann, bob) = (&acme.members[0], &acme.members[1]);
    let created = project(&store, &acme.admin, "Access").await;
    let assigned = store
        .assign_members(
            &acme.id,
            &created.id,
            ProjectRole::Lead,
            std::slice::from_ref(&ann.email),
            None,
        )
        .await
        .unwrap();
    let access = |user: &annohub_store::Caller, organization: &annohub_domain::Id| {
        let (store, organization, id, user) = (
            store.clone(),
            organization.clone(),
            created.id.clone(),
            user.user_id.clone(),
        );
        async move {
            store
                .project_access(&organization, &id, &user)
                .await
                .unwrap()
        }
    };
    let expected = |membership| {
        Some(annohub_store::ProjectAccess {
            revision: assigned.revision,
            membership,
        })
    };
    assert_eq!(
        access(ann, &acme.id).await,
        expected(Some(ProjectRole::Lead))
    );
    assert_eq!(
        access(&acme.admin, &acme.id).await,
        expected(Some(ProjectRole::Manager))
    );
    assert_eq!(access(bob, &acme.id).await, expected(None));
    assert_eq!(
        access(&rival.admin, &rival.id).await,
        None,
        "another organization sees nothing"
    );
    store
        .delete_project(&acme.id, &created.id, None)
        .await
        .unwrap();
    assert_eq!(
        access(ann, &acme.id).await,
        None,
        "a deleted project has no access"
    );
}

/// The combined key-and-access read agrees with reading the caller and the access separately,
/// for every kind of caller, and refuses unknown keys.
pub async fn caller_and_project_access_agrees_with_separate_reads(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 2).await;
    let rival = org(&store, "rival", 0).await;
    let created = project(&store, &acme.admin, "Combined").await;
    store
        .assign_members(
            &acme.id,
            &created.id,
            ProjectRole::Reviewer,
            std::slice::from_ref(&acme.members[0].email),
            None,
        )
        .await
        .unwrap();
    for caller in [
        &acme.admin,
        &acme.members[0],
        &acme.members[1],
        &rival.admin,
    ] {
        let key = crate::support::key_for(&caller.email);
        let combined = store
            .caller_and_project_access(&key, &created.id)
            .await
            .unwrap()
            .expect("an active key resolves");
        let separate = store
            .project_access(&caller.organization_id, &created.id, &caller.user_id)
            .await
            .unwrap();
        assert_eq!(&combined.0, caller);
        assert_eq!(combined.1, separate, "access of {}", caller.email);
    }
    assert!(
        store
            .caller_and_project_access(b"no such key", &created.id)
            .await
            .unwrap()
            .is_none()
    );
}
