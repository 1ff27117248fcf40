//! Conformance case: another organization's id reaches nothing, through every method.

use std::sync::Arc;

use serde_json::json;

use annohub_domain::Timestamp;
use annohub_domain::performance::{Activity, ActivityKind, PerformanceQuery};
use annohub_domain::role::ProjectRole;
use annohub_domain::template::validate_template;
use annohub_store::{Store, StoreError, StoredFile};

use crate::support::{list_for, org, patch, project, reload, total_for};

pub async fn other_organizations_see_nothing(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 1).await;
    let rival = org(&store, "rival", 1).await;
    let secret = project(&store, &acme.admin, "Secret").await;
    let file = StoredFile {
        object_key: "acme/guide".into(),
        file_name: "guide.pdf".into(),
        size: 3,
    };
    store
        .set_instructions(&acme.id, &secret.id, file, "http://h/guide")
        .await
        .unwrap();
    let activity = Activity {
        project_id: secret.id.clone(),
        user_email: acme.admin.email.clone(),
        batch_id: None,
        kind: ActivityKind::Submit,
        annotations: 3,
        duration_seconds: 10.0,
        at: Timestamp::now(),
    };
    store.record_activity(&acme.id, &activity).await.unwrap();
    let before = reload(&store, &secret).await;

    let not_found = |err: StoreError| matches!(err, StoreError::NotFound("project"));
    let theirs = &rival.id;
    assert_eq!(store.get_project(theirs, &secret.id).await.unwrap(), None);
    let listed = store.list_projects(&list_for(&rival.admin)).await.unwrap();
    assert_eq!((listed.total, listed.projects.len()), (0, 0));
    let searched = store
        .list_projects(&annohub_store::ListQuery {
            search: Some("Secret".into()),
            ..list_for(&rival.admin)
        })
        .await
        .unwrap();
    assert_eq!((searched.total, searched.projects.len()), (0, 0));
    let err = store
        .update_project(theirs, &secret.id, patch(json!({"name": "Mine"})), None)
        .await
        .unwrap_err();
    assert!(not_found(err));
    let err = store
        .delete_project(theirs, &secret.id, None)
        .await
        .unwrap_err();
    assert!(not_found(err));
    let err = store
        .assign_members(
            theirs,
            &secret.id,
            ProjectRole::Manager,
            std::slice::from_ref(&rival.admin.email),
            None,
        )
        .await
        .unwrap_err();
    assert!(not_found(err));
    let template = validate_template(json!({"name": "t"})).unwrap();
    let err = store
        .add_template(theirs, &secret.id, template)
        .await
        .unwrap_err();
    assert!(not_found(err));
    let file = StoredFile {
        object_key: "rival/guide".into(),
        file_name: "x.pdf".into(),
        size: 1,
    };
    let err = store
        .set_instructions(theirs, &secret.id, file, "http://h/x")
        .await
        .unwrap_err();
    assert!(not_found(err));
    assert_eq!(
        store.instructions_file(theirs, &secret.id).await.unwrap(),
        None
    );
    let err = store.record_activity(theirs, &activity).await.unwrap_err();
    assert!(not_found(err));
    let report = store
        .performance(theirs, &secret.id, &PerformanceQuery::default())
        .await
        .unwrap();
    assert!(report.is_empty(), "{report:?}");

    // The rival's users are not users of acme either.
    let err = store
        .assign_members(
            &acme.id,
            &secret.id,
            ProjectRole::Labeler,
            &[rival.members[0].email.clone()],
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Validation(_)), "{err:?}");

    assert_eq!(reload(&store, &secret).await, before, "nothing changed");
    assert_eq!(
        store
            .performance(&acme.id, &secret.id, &PerformanceQuery::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(total_for(&store, &acme.admin).await, 1);
    assert_eq!(total_for(&store, &rival.members[0]).await, 0);
}
