//! Conformance cases under concurrency: two store instances on one database (like two server
//! processes) racing on the same project; nothing may be lost or counted twice.

use std::future::Future;
use std::sync::Arc;

use serde_json::{Number, json};

use annohub_domain::role::ProjectRole;
use annohub_store::{Store, StoreError, StoreResult};

use crate::support::{key_for, new_project, org, patch, project, reload, total_for};

/// Each case repeats its race this many times.
const ROUNDS: usize = 5;

/// Runs `count` tasks at once, task `i` on instance `i % 2`, and returns their results in order.
async fn race<T, F, Fut>(stores: [&Arc<dyn Store>; 2], count: usize, task: F) -> Vec<StoreResult<T>>
where
    T: Send + 'static,
    F: Fn(Arc<dyn Store>, usize) -> Fut,
    Fut: Future<Output = StoreResult<T>> + Send + 'static,
{
    let handles: Vec<_> = (0..count)
        .map(|i| tokio::spawn(task(stores[i % 2].clone(), i)))
        .collect();
    let mut results = Vec::with_capacity(count);
    for handle in handles {
        results.push(handle.await.expect("task panicked"));
    }
    results
}

pub async fn distinct_assignments_all_land(first: Arc<dyn Store>, second: Arc<dyn Store>) {
    let acme = org(&first, "acme", 100).await;
    for round in 0..ROUNDS {
        let target = project(&first, &acme.admin, &format!("round {round}")).await;
        let results = race([&first, &second], 100, |store, i| {
            let (organization, id) = (acme.id.clone(), target.id.clone());
            let email = acme.members[i].email.clone();
            async move {
                store
                    .assign_members(&organization, &id, ProjectRole::Labeler, &[email], None)
                    .await
            }
        })
        .await;
        assert!(
            results.iter().all(Result::is_ok),
            "round {round}: every assignment succeeds"
        );
        let after = reload(&second, &target).await;
        assert_eq!(after.assigned_to.len(), 101, "round {round}");
        assert_eq!(
            after.revision,
            target.revision + 100,
            "round {round}: each write moved the ETag"
        );
    }
    for member in &acme.members {
        assert_eq!(
            total_for(&first, member).await,
            ROUNDS as i64,
            "{}",
            member.email
        );
    }
}

pub async fn one_email_assigned_concurrently_is_one_member(
    first: Arc<dyn Store>,
    second: Arc<dyn Store>,
) {
    let acme = org(&first, "acme", 1).await;
    let ann = acme.members[0].clone();
    for round in 0..ROUNDS {
        let target = project(&first, &acme.admin, &format!("round {round}")).await;
        let results = race([&first, &second], 8, |store, i| {
            let (organization, id) = (acme.id.clone(), target.id.clone());
            let email = ann.email.clone();
            async move {
                let role = ProjectRole::ALL[i % 4];
                store
                    .assign_members(&organization, &id, role, &[email], None)
                    .await
            }
        })
        .await;
        assert!(results.iter().all(Result::is_ok));
        let after = reload(&first, &target).await;
        let anns: Vec<_> = after
            .assigned_to
            .iter()
            .filter(|m| m.assignee == ann.email)
            .collect();
        assert_eq!(anns.len(), 1, "round {round}: one membership");
        assert_eq!(after.assigned_to.len(), 2);
        assert_eq!(total_for(&second, &ann).await, round as i64 + 1);
    }
}

pub async fn updates_of_different_fields_all_survive(
    first: Arc<dyn Store>,
    second: Arc<dyn Store>,
) {
    let acme = org(&first, "acme", 1).await;
    let stages = json!([
        {"id": "Start", "name": "Start", "type": "Start", "next": ["Review"]},
        {"id": "Review", "name": "Review", "type": "Review", "next": ["Complete"]},
        {"id": "Complete", "name": "Complete", "type": "Complete", "next": []}
    ]);
    let schema = json!({"tools": [{"tool": "polygon", "title": "Roof", "schemaId": "roof"}]});
    let bodies = [
        json!({"name": "renamed"}),
        json!({"stages": stages}),
        json!({"categorySchema": schema}),
        json!({"benchmarkEnabled": true, "benchmarkRatio": 40, "benchmarkCutoff": true}),
        json!({"description": "described"}),
        json!({"batches": [{"name": "batch"}]}),
        json!({"ocrLanguage": "deu"}),
    ];
    let patches: Vec<_> = bodies.into_iter().map(patch).collect();
    for round in 0..ROUNDS {
        let target = project(&first, &acme.admin, &format!("round {round}")).await;
        let results = race([&first, &second], patches.len() + 1, |store, i| {
            let (organization, id) = (acme.id.clone(), target.id.clone());
            let change = patches.get(i).cloned();
            let email = acme.members[0].email.clone();
            async move {
                match change {
                    Some(change) => store
                        .update_project(&organization, &id, change, None)
                        .await
                        .map(drop),
                    None => store
                        .assign_members(&organization, &id, ProjectRole::Lead, &[email], None)
                        .await
                        .map(drop),
                }
            }
        })
        .await;
        assert!(
            results.iter().all(Result::is_ok),
            "round {round}: {results:?}"
        );
        let after = reload(&second, &target).await;
        assert_eq!(after.name, "renamed");
        assert_eq!(after.stages, patches[1].stages.clone().unwrap());
        assert_eq!(
            after.category_schema,
            patches[2].category_schema.clone().unwrap()
        );
        assert!(after.settings.benchmark_enabled && after.settings.benchmark_cutoff);
        assert_eq!(after.settings.benchmark_ratio, Number::from(40));
        assert_eq!(after.description, "described");
        assert_eq!(after.batches.len(), 1);
        assert_eq!(after.settings.ocr_language, "deu");
        assert_eq!(
            after.assigned_to.len(),
            2,
            "round {round}: the assignment survived too"
        );
        assert_eq!(after.revision, target.revision + patches.len() as i64 + 1);
    }
}

pub async fn one_if_match_admits_one_writer(first: Arc<dyn Store>, second: Arc<dyn Store>) {
    let acme = org(&first, "acme", 0).await;
    for round in 0..ROUNDS {
        let target = project(&first, &acme.admin, &format!("round {round}")).await;
        let results = race([&first, &second], 10, |store, i| {
            let (organization, id, revision) =
                (acme.id.clone(), target.id.clone(), target.revision);
            async move {
                let change = patch(json!({"name": format!("writer {i}")}));
                store
                    .update_project(&organization, &id, change, Some(revision))
                    .await
            }
        })
        .await;
        let winners: Vec<usize> = (0..results.len()).filter(|&i| results[i].is_ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}: exactly one writer wins");
        for result in &results {
            if let Err(err) = result {
                assert!(matches!(err, StoreError::PreconditionFailed), "{err:?}");
            }
        }
        let after = reload(&second, &target).await;
        assert_eq!(after.name, format!("writer {}", winners[0]));
        assert_eq!(after.revision, target.revision + 1);
    }
}

pub async fn creates_count_exactly(first: Arc<dyn Store>, second: Arc<dyn Store>) {
    let acme = org(&first, "acme", 1).await;
    let owners = [acme.admin.clone(), acme.members[0].clone()];
    for round in 0..ROUNDS {
        let results = race([&first, &second], 50, |store, i| {
            let owner = owners[i % 2].clone();
            async move {
                let body = json!({"name": format!("project {round}-{i}")});
                store.create_project(&owner, new_project(body)).await
            }
        })
        .await;
        assert!(results.iter().all(Result::is_ok));
        let done = round as i64 + 1;
        assert_eq!(total_for(&first, &acme.admin).await, 50 * done);
        assert_eq!(total_for(&second, &acme.members[0]).await, 25 * done);
    }
}

pub async fn deletes_of_one_project_count_once(first: Arc<dyn Store>, second: Arc<dyn Store>) {
    let acme = org(&first, "acme", 1).await;
    let ann = acme.members[0].clone();
    project(&first, &ann, "survivor").await;
    for round in 0..ROUNDS {
        let target = project(&first, &ann, &format!("round {round}")).await;
        let results = race([&first, &second], 10, |store, _| {
            let (organization, id) = (acme.id.clone(), target.id.clone());
            async move { store.delete_project(&organization, &id, None).await }
        })
        .await;
        let deleted = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(deleted, 1, "round {round}: one delete wins");
        for result in &results {
            if let Err(err) = result {
                assert!(matches!(err, StoreError::NotFound("project")), "{err:?}");
            }
        }
        assert_eq!(total_for(&second, &acme.admin).await, 1);
        assert_eq!(total_for(&first, &ann).await, 1);
    }
}

pub async fn key_replacements_leave_one_active_key(first: Arc<dyn Store>, second: Arc<dyn Store>) {
    let acme = org(&first, "acme", 1).await;
    let ann = acme.members[0].clone();
    for round in 0..ROUNDS {
        let keys: Vec<Vec<u8>> = (0..20)
            .map(|i| format!("round {round} key {i}").into_bytes())
            .collect();
        let results = race([&first, &second], keys.len(), |store, i| {
            let (email, key) = (ann.email.clone(), keys[i].clone());
            async move { store.replace_api_key(&email, &key).await }
        })
        .await;
        assert!(
            results.iter().all(Result::is_ok),
            "round {round}: {results:?}"
        );
        let mut active = 0;
        for key in keys.iter().chain([&key_for(&ann.email)]) {
            if first.caller_for_key(key).await.unwrap().is_some() {
                active += 1;
            }
        }
        assert_eq!(active, 1, "round {round}: exactly one key stays active");
    }
}
