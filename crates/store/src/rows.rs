//! Row shapes both backends read, and their conversion into the API's values.

use serde_json::{Map, Value};

use annohub_domain::project::{Project, ProjectType, Settings};
use annohub_domain::{Id, Timestamp};

use crate::error::StoreResult;

/// A project row as both backends select it: name, description, type, owner email, the three
/// JSON documents as text (category schema, stages, settings), then queue version, asset count,
/// revision, created and updated times.
pub(crate) type ProjectColumns = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
);

/// The project of a row, without its members, batches and templates (read separately).
pub(crate) fn project_from_columns(
    organization: &Id,
    id: &Id,
    row: ProjectColumns,
) -> StoreResult<Project> {
    let (name, description, project_type, owner, schema, stages, settings) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6);
    let (queue_version, asset_count, revision, created_at, updated_at) =
        (row.7, row.8, row.9, row.10, row.11);
    Ok(Project {
        id: id.clone(),
        name,
        description,
        project_type: ProjectType::parse(&project_type).unwrap_or(ProjectType::Ango),
        owner,
        organization: organization.clone(),
        category_schema: serde_json::from_str(&schema)?,
        stages: serde_json::from_str(&stages)?,
        assigned_to: Vec::new(),
        batches: Vec::new(),
        queue_version,
        asset_count,
        settings: serde_json::from_str::<Settings>(&settings)?,
        asset_builder_templates: Vec::new(),
        deleted: false,
        created_at: Timestamp::from_millis(created_at),
        updated_at: Timestamp::from_millis(updated_at),
        revision,
    })
}

/// A template as the API shows it: its `_id`, then every field it was sent with.
pub(crate) fn template_value(id: &str, fields: Map<String, Value>) -> Value {
    let mut out = Map::with_capacity(fields.len() + 1);
    out.insert("_id".into(), Value::String(id.to_string()));
    out.extend(fields);
    Value::Object(out)
}
