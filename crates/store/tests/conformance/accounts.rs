//! Conformance cases: organizations, users, API keys and the first-start bootstrap.

use std::sync::Arc;

use annohub_domain::Id;
use annohub_domain::role::OrgRole;
use annohub_store::{Store, StoreError};

use crate::support::{key_for, org, user};

pub async fn users_resolve_by_key(store: Arc<dyn Store>) {
    store.ping().await.expect("ping");
    assert!(matches!(store.backend(), "sqlite" | "postgres"));
    let acme = org(&store, "acme", 1).await;
    assert_eq!(acme.admin.email, "admin@acme.test");
    assert_eq!(acme.admin.organization_id, acme.id);
    assert_eq!(acme.admin.org_role, OrgRole::Admin);
    assert_eq!(acme.members[0].org_role, OrgRole::Member);
    assert_ne!(acme.admin.user_id, acme.members[0].user_id);
    assert_eq!(
        store.caller_for_key(b"no such key").await.unwrap(),
        None,
        "an unknown key resolves to nobody"
    );
    let missing = store
        .create_user(
            &Id::generate(),
            "ghost@nowhere.test",
            Some("Ghost"),
            OrgRole::Member,
            b"ghost key",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(missing, StoreError::NotFound("organization")),
        "{missing:?}"
    );
    assert!(
        !store.bootstrap(b"late admin key").await.unwrap(),
        "no bootstrap once an organization exists"
    );
    assert_eq!(store.caller_for_key(b"late admin key").await.unwrap(), None);
}

pub async fn duplicate_email_conflicts(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let other = store.create_organization("other").await.unwrap();
    for organization in [&acme.id, &other] {
        let err = store
            .create_user(
                organization,
                "admin@acme.test",
                None,
                OrgRole::Member,
                b"second key",
            )
            .await
            .unwrap_err();
        let StoreError::Conflict(message) = err else {
            panic!("expected Conflict, got {err:?}");
        };
        assert_eq!(message, "a user with email admin@acme.test already exists");
    }
    assert_eq!(store.caller_for_key(b"second key").await.unwrap(), None);
    assert_eq!(
        store
            .caller_for_key(&key_for("admin@acme.test"))
            .await
            .unwrap(),
        Some(acme.admin)
    );
}

pub async fn replacing_a_key_revokes_the_old_one(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 1).await;
    let email = acme.members[0].email.clone();
    store.replace_api_key(&email, b"second").await.unwrap();
    assert_eq!(store.caller_for_key(&key_for(&email)).await.unwrap(), None);
    assert_eq!(
        store.caller_for_key(b"second").await.unwrap(),
        Some(acme.members[0].clone())
    );
    store.replace_api_key(&email, b"third").await.unwrap();
    assert_eq!(store.caller_for_key(b"second").await.unwrap(), None);
    assert!(store.caller_for_key(b"third").await.unwrap().is_some());
    assert!(
        store
            .caller_for_key(&key_for(&acme.admin.email))
            .await
            .unwrap()
            .is_some(),
        "other users' keys stay active"
    );
    let err = store
        .replace_api_key("ghost@acme.test", b"fourth")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound("user")), "{err:?}");
}

pub async fn bootstrap_runs_once(store: Arc<dyn Store>) {
    assert!(store.bootstrap(b"first admin key").await.unwrap());
    let admin = store
        .caller_for_key(b"first admin key")
        .await
        .unwrap()
        .expect("bootstrap admin key works");
    assert_eq!(admin.email, "admin@localhost");
    assert_eq!(admin.org_role, OrgRole::Admin);
    assert!(!store.bootstrap(b"second admin key").await.unwrap());
    assert_eq!(
        store.caller_for_key(b"second admin key").await.unwrap(),
        None
    );
    let member = user(
        &store,
        &admin.organization_id,
        "ann@local.test",
        OrgRole::Member,
    )
    .await;
    assert_eq!(member.organization_id, admin.organization_id);
}
