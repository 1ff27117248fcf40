//! Conformance cases: creating and reading projects, JSON round trips, templates, instructions.

use std::sync::Arc;

use serde_json::{Value, json};

use annohub_domain::Id;
use annohub_domain::project::{Member, Settings};
use annohub_domain::role::ProjectRole;
use annohub_domain::schema::empty_schema;
use annohub_domain::stages::default_stages;
use annohub_domain::template::validate_template;
use annohub_store::{Store, StoreError, StoredFile};

use crate::support::{new_project, org, project, reload};

pub async fn create_applies_defaults(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 1).await;
    let owner = &acme.members[0];
    let created = project(&store, owner, "Cars").await;
    assert_eq!(created.id.as_str().len(), 24);
    assert_eq!(created.name, "Cars");
    assert_eq!(created.description, "");
    assert_eq!(created.project_type.as_str(), "ango");
    assert_eq!(created.owner, owner.email);
    assert_eq!(created.organization, acme.id);
    assert_eq!(created.category_schema, empty_schema());
    assert_eq!(created.stages, default_stages());
    assert_eq!(
        created.assigned_to,
        vec![Member {
            assignee: owner.email.clone(),
            role: ProjectRole::Manager
        }]
    );
    assert!(created.batches.is_empty());
    assert_eq!((created.queue_version, created.asset_count), (2, 0));
    assert_eq!(created.settings, Settings::default());
    assert!(created.asset_builder_templates.is_empty());
    assert!(!created.deleted);
    assert!(created.updated_at >= created.created_at);
    assert_eq!(
        reload(&store, &created).await,
        created,
        "get returns what create did"
    );
    assert_eq!(
        store.get_project(&acme.id, &Id::generate()).await.unwrap(),
        None
    );
}

pub async fn create_keeps_members_and_batches(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 2).await;
    let (ann, bob) = (&acme.members[0], &acme.members[1]);
    let body = json!({
        "name": "With members",
        "description": "described",
        "type": "pct",
        "assignedTo": [
            {"assignee": bob.email, "role": "Reviewer"},
            {"assignee": acme.admin.email, "role": "Labeler"}
        ],
        "batches": [
            {"name": "first", "description": "one", "color": "#aabbcc"},
            {"name": "second"}
        ],
        "benchmarkEnabled": true,
        "benchmarkRatio": 12.5
    });
    let created = store.create_project(ann, new_project(body)).await.unwrap();
    let mut members = created.assigned_to.clone();
    members.sort_by(|a, b| a.assignee.cmp(&b.assignee));
    assert_eq!(
        members,
        vec![
            Member {
                assignee: acme.admin.email.clone(),
                role: ProjectRole::Labeler
            },
            Member {
                assignee: ann.email.clone(),
                role: ProjectRole::Manager
            },
            Member {
                assignee: bob.email.clone(),
                role: ProjectRole::Reviewer
            },
        ]
    );
    let names: Vec<&str> = created.batches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["first", "second"]);
    assert_eq!(created.batches[0].color.as_deref(), Some("#aabbcc"));
    assert_eq!(created.project_type.as_str(), "pct");
    assert!(created.settings.benchmark_enabled);
    assert_eq!(created.settings.benchmark_ratio.as_f64(), Some(12.5));
    assert_eq!(reload(&store, &created).await, created);

    // The owner listed with another role still ends up Manager, and only once.
    let body =
        json!({"name": "Owner listed", "assignedTo": [{"assignee": ann.email, "role": "Labeler"}]});
    let created = store.create_project(ann, new_project(body)).await.unwrap();
    assert_eq!(
        created.assigned_to,
        vec![Member {
            assignee: ann.email.clone(),
            role: ProjectRole::Manager
        }]
    );

    let ghost =
        json!({"name": "Ghost", "assignedTo": [{"assignee": "ghost@acme.test", "role": "Lead"}]});
    let err = store
        .create_project(ann, new_project(ghost))
        .await
        .unwrap_err();
    let (field, message) = crate::support::validation(err);
    assert_eq!(field, "assignedTo");
    assert!(message.contains("ghost@acme.test"), "{message}");
    assert_eq!(
        crate::support::total_for(&store, &acme.admin).await,
        2,
        "the failed create left nothing behind"
    );
}

pub async fn json_documents_keep_key_order(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let body = json!({
        "name": "Ordered",
        "categorySchema": {
            "tools": [{"tool": "bounding-box", "title": "Car", "zeta": 1, "alpha": {"z": 1, "a": 2},
                       "color": "#ff0000", "required": false, "schemaId": "car"}],
            "classifications": [{"title": "Colour", "tool": "radio", "schemaId": "colour",
                                 "options": [{"value": "red", "schemaId": "r"}],
                                 "frameSpecific": null, "exportName": "c"}],
            "relations": []
        },
        "stages": [
            {"next": ["Complete"], "type": "Start", "name": "Start", "id": "Start",
             "position": {"y": 2, "x": 1}},
            {"id": "Complete", "type": "Complete", "name": "Done", "next": [], "readOnly": true}
        ],
        "projectPlugins": {"zz": {"b": 1, "a": 2}, "aa": true},
        "errorSchema": {"second": 2, "first": 1},
        "pluginPresets": [{"z": 1, "a": 2}]
    });
    let sent = new_project(body.clone());
    let created = store
        .create_project(&acme.admin, sent.clone())
        .await
        .unwrap();
    let fetched = reload(&store, &created).await;
    for project in [&created, &fetched] {
        // Every schemaId was sent, so the documents come back exactly as sent.
        assert_eq!(
            project.category_schema.to_string(),
            body["categorySchema"].to_string()
        );
        assert_eq!(project.stages.to_string(), body["stages"].to_string());
        assert_eq!(
            serde_json::to_string(&project.settings).unwrap(),
            serde_json::to_string(&sent.settings).unwrap()
        );
    }
    let template_body =
        json!({"name": "layout", "config": {"z": 1, "m": {"y": 1, "b": 2}, "a": 3}});
    let template = validate_template(template_body).unwrap();
    let added = store
        .add_template(&acme.id, &created.id, template)
        .await
        .unwrap();
    let expected_tail = r#""name":"layout","config":{"z":1,"m":{"y":1,"b":2},"a":3}}"#;
    assert!(
        added.to_string().starts_with(r#"{"_id":""#) && added.to_string().ends_with(expected_tail),
        "{added}"
    );
    let fetched = reload(&store, &created).await;
    assert_eq!(fetched.asset_builder_templates, vec![added.clone()]);
    assert_eq!(
        fetched.asset_builder_templates[0].to_string(),
        added.to_string()
    );
}

pub async fn templates_have_unique_names(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let first = project(&store, &acme.admin, "First").await;
    let second = project(&store, &acme.admin, "Second").await;
    let body = |name: &str| validate_template(json!({"name": name, "config": {"a": 1}})).unwrap();
    let added = store
        .add_template(&acme.id, &first.id, body("t"))
        .await
        .unwrap();
    let Value::String(template_id) = &added["_id"] else {
        panic!("template has an _id: {added}");
    };
    assert_eq!(template_id.len(), 24);
    assert_eq!(added["name"], "t");
    let after_add = reload(&store, &first).await;
    assert!(
        after_add.revision > first.revision,
        "a template moves the ETag"
    );

    let err = store
        .add_template(&acme.id, &first.id, body("t"))
        .await
        .unwrap_err();
    let StoreError::Conflict(message) = err else {
        panic!("expected Conflict, got {err:?}");
    };
    assert_eq!(
        message,
        r#"a template named "t" already exists in this project"#
    );
    assert_eq!(
        reload(&store, &first).await,
        after_add,
        "the conflict changed nothing"
    );

    store
        .add_template(&acme.id, &second.id, body("t"))
        .await
        .expect("the same name in another project is fine");
    store
        .add_template(&acme.id, &first.id, body("u"))
        .await
        .unwrap();
    let names: Vec<Value> = reload(&store, &first)
        .await
        .asset_builder_templates
        .iter()
        .map(|t| t["name"].clone())
        .collect();
    assert_eq!(names, [json!("t"), json!("u")]);
}

pub async fn instructions_replace_the_previous_file(store: Arc<dyn Store>) {
    let acme = org(&store, "acme", 0).await;
    let created = project(&store, &acme.admin, "Docs").await;
    assert_eq!(
        store
            .instructions_file(&acme.id, &created.id)
            .await
            .unwrap(),
        None
    );
    let file = |key: &str, size: i64| StoredFile {
        object_key: key.into(),
        file_name: "guide.pdf".into(),
        size,
    };
    let url = format!("http://h/v2/project/{}/instructions", created.id);
    let (updated, previous) = store
        .set_instructions(&acme.id, &created.id, file("objects/one", 10), &url)
        .await
        .unwrap();
    assert_eq!(previous, None);
    assert_eq!(updated.settings.instructions.as_deref(), Some(url.as_str()));
    assert!(updated.revision > created.revision);
    assert_eq!(reload(&store, &created).await, updated);
    assert_eq!(
        store
            .instructions_file(&acme.id, &created.id)
            .await
            .unwrap(),
        Some(file("objects/one", 10))
    );

    let (_, previous) = store
        .set_instructions(&acme.id, &created.id, file("objects/two", 20), &url)
        .await
        .unwrap();
    assert_eq!(previous.as_deref(), Some("objects/one"));
    assert_eq!(
        store
            .instructions_file(&acme.id, &created.id)
            .await
            .unwrap(),
        Some(file("objects/two", 20))
    );
    assert_eq!(
        store.file_object_keys().await.unwrap(),
        vec!["objects/two".to_string()]
    );
}
