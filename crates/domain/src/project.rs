//! The project aggregate: its fields, defaults, and the parsing of create and update bodies.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::batch::{Batch, validate_batches};
use crate::error::{DomainError, DomainResult};
use crate::fields::{Fields, normalize_email, type_name};
use crate::id::Id;
use crate::role::ProjectRole;
use crate::schema::{SchemaLimits, empty_schema, validate_category_schema};
use crate::stages::{default_stages, validate_stages};
use crate::time::Timestamp;

/// The kind of project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProjectType {
    Ango,
    Pct,
    Iframe,
}

impl ProjectType {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectType::Ango => "ango",
            ProjectType::Pct => "pct",
            ProjectType::Iframe => "iframe",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "ango" => Some(ProjectType::Ango),
            "pct" => Some(ProjectType::Pct),
            "iframe" => Some(ProjectType::Iframe),
            _ => None,
        }
    }
}

/// A project member and its role.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The member's email, lowercased.
    pub assignee: String,
    /// The member's role in the project.
    pub role: ProjectRole,
}

/// The project's settings: read and written as one document, never filtered on. They appear as
/// top-level fields of the project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub benchmark_enabled: bool,
    /// Percentage of tasks sampled as benchmarks, 0..=100.
    pub benchmark_ratio: Number,
    pub benchmark_cutoff: bool,
    /// URL of the instructions, or null.
    pub instructions: Option<String>,
    pub ocr_language: String,
    /// Seconds, 0..=86400.
    pub idle_timeout: i64,
    pub project_plugins: Value,
    pub plugin_presets: Value,
    pub error_codes_enabled: bool,
    pub error_schema: Value,
    pub export_storage_id: Option<String>,
    pub export_storage_bucket: Option<String>,
    pub export_storage_path: Option<String>,
    pub export_storage_enabled: bool,
    pub task_skip_enabled: bool,
    pub unassign_skipped_task: bool,
    pub gc_sync_enabled: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            benchmark_enabled: false,
            benchmark_ratio: Number::from(10),
            benchmark_cutoff: false,
            instructions: None,
            ocr_language: "eng".into(),
            idle_timeout: 300,
            project_plugins: Value::Object(Map::new()),
            plugin_presets: Value::Array(Vec::new()),
            error_codes_enabled: false,
            error_schema: Value::Object(Map::new()),
            export_storage_id: None,
            export_storage_bucket: None,
            export_storage_path: None,
            export_storage_enabled: false,
            task_skip_enabled: true,
            unassign_skipped_task: false,
            gc_sync_enabled: false,
        }
    }
}

/// Validated settings changes, keyed by their API names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsPatch(pub Map<String, Value>);

impl SettingsPatch {
    /// Takes every settings field present in `fields`, checking each.
    pub fn take_from(fields: &mut Fields) -> DomainResult<Self> {
        let mut out = Map::new();
        for key in [
            "benchmarkEnabled",
            "benchmarkCutoff",
            "errorCodesEnabled",
            "exportStorageEnabled",
            "taskSkipEnabled",
            "unassignSkippedTask",
            "gcSyncEnabled",
        ] {
            if let Some(b) = fields.bool(key)? {
                out.insert(key.into(), Value::Bool(b));
            }
        }
        if let Some(n) = fields.number("benchmarkRatio", 0.0, 100.0)? {
            out.insert("benchmarkRatio".into(), Value::Number(n));
        }
        if let Some(s) = fields.nullable_string("instructions", 2048)? {
            out.insert(
                "instructions".into(),
                s.map(Value::String).unwrap_or(Value::Null),
            );
        }
        if let Some(s) = fields.string("ocrLanguage", 1, 32)? {
            out.insert("ocrLanguage".into(), Value::String(s));
        }
        if let Some(i) = fields.integer("idleTimeout", 0, 86_400)? {
            out.insert("idleTimeout".into(), Value::from(i));
        }
        for key in ["projectPlugins", "errorSchema"] {
            if let Some(m) = fields.object(key)? {
                out.insert(key.into(), Value::Object(m));
            }
        }
        if let Some(presets) = fields.array("pluginPresets")? {
            if let Some((i, bad)) = presets.iter().enumerate().find(|(_, p)| !p.is_object()) {
                return Err(DomainError::field(
                    format!("pluginPresets[{i}]"),
                    format!("must be an object, got {}", type_name(bad)),
                ));
            }
            out.insert("pluginPresets".into(), Value::Array(presets));
        }
        for key in [
            "exportStorageId",
            "exportStorageBucket",
            "exportStoragePath",
        ] {
            if let Some(s) = fields.nullable_string(key, 1024)? {
                out.insert(key.into(), s.map(Value::String).unwrap_or(Value::Null));
            }
        }
        Ok(SettingsPatch(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The settings with this patch applied.
    pub fn apply(&self, settings: &Settings) -> Settings {
        if self.0.is_empty() {
            return settings.clone();
        }
        let Value::Object(mut map) = serde_json::to_value(settings).expect("settings serialize")
        else {
            unreachable!("settings serialize to an object")
        };
        for (k, v) in &self.0 {
            map.insert(k.clone(), v.clone());
        }
        serde_json::from_value(Value::Object(map)).expect("validated settings deserialize")
    }
}

/// A whole project as the API shows it (documented by the server's `routes::dto::ProjectDoc`,
/// which a test keeps in step with this serialization).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    #[serde(rename = "_id")]
    pub id: Id,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub project_type: ProjectType,
    /// Email of the creator.
    pub owner: String,
    pub organization: Id,
    /// `{tools, classifications, relations}`.
    pub category_schema: Value,
    pub stages: Value,
    pub assigned_to: Vec<Member>,
    pub batches: Vec<Batch>,
    pub queue_version: i64,
    pub asset_count: i64,
    #[serde(flatten)]
    pub settings: Settings,
    pub asset_builder_templates: Vec<Value>,
    pub deleted: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Moves on every write; the ETag.
    #[serde(skip)]
    pub revision: i64,
}

impl Project {
    /// The value of a server-managed field as the API shows it, for read-only checks.
    pub fn read_only_value(&self, key: &str) -> Option<Value> {
        Some(match key {
            "_id" => Value::String(self.id.to_string()),
            "owner" => Value::String(self.owner.clone()),
            "organization" => Value::String(self.organization.to_string()),
            "type" => Value::String(self.project_type.as_str().into()),
            "queueVersion" => Value::from(self.queue_version),
            "assetCount" => Value::from(self.asset_count),
            "deleted" => Value::Bool(self.deleted),
            "createdAt" => Value::String(self.created_at.to_string()),
            "updatedAt" => Value::String(self.updated_at.to_string()),
            "assetBuilderTemplates" => Value::Array(self.asset_builder_templates.clone()),
            _ => return None,
        })
    }
}

/// One row of `listProjects`.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectSummary {
    /// The project's id.
    #[serde(rename = "_id")]
    #[schema(value_type = String, pattern = "^[0-9a-f]{24}$")]
    pub id: Id,
    /// Trimmed, 1 to 256 characters.
    #[schema(min_length = 1, max_length = 256)]
    pub name: String,
    /// Free text.
    #[schema(max_length = 10000)]
    pub description: String,
    /// The organization's id.
    #[schema(value_type = String, pattern = "^[0-9a-f]{24}$")]
    pub organization: Id,
    /// When the project was created.
    #[serde(rename = "createdAt")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// Server-managed fields: never set by clients.
pub const READ_ONLY_FIELDS: &[&str] = &[
    "_id",
    "owner",
    "organization",
    "queueVersion",
    "assetCount",
    "deleted",
    "createdAt",
    "updatedAt",
    "assetBuilderTemplates",
];

/// Limits on the size of project documents.
#[derive(Clone, Copy, Debug)]
pub struct ProjectLimits {
    pub schema: SchemaLimits,
    pub max_stages: usize,
    pub max_batches: usize,
    pub max_members: usize,
}

impl Default for ProjectLimits {
    fn default() -> Self {
        Self {
            schema: SchemaLimits::default(),
            max_stages: 200,
            max_batches: 10_000,
            max_members: 10_000,
        }
    }
}

/// A validated create-project body.
#[derive(Clone, Debug, PartialEq)]
pub struct NewProject {
    pub name: String,
    pub description: String,
    pub project_type: ProjectType,
    pub category_schema: Value,
    pub stages: Value,
    pub batches: Vec<Batch>,
    /// Members besides the creator, who always becomes Manager.
    pub assigned_to: Vec<Member>,
    pub settings: Settings,
}

impl NewProject {
    pub fn parse(body: Value, limits: ProjectLimits) -> DomainResult<Self> {
        let mut fields = Fields::from_value(body, "")?;
        reject_read_only(&fields, READ_ONLY_FIELDS)?;
        let name = take_name(&mut fields)?.ok_or_else(|| fields.error("name", "is required"))?;
        let description = fields.string("description", 0, 10_000)?.unwrap_or_default();
        let project_type = match fields.take("type") {
            None => ProjectType::Ango,
            Some(v) => parse_type(&v)?,
        };
        let common = CommonFields::take(&mut fields, limits)?;
        let settings = SettingsPatch::take_from(&mut fields)?.apply(&Settings::default());
        fields.finish()?;
        Ok(NewProject {
            name,
            description,
            project_type,
            category_schema: common.category_schema.unwrap_or_else(empty_schema),
            stages: common.stages.unwrap_or_else(default_stages),
            batches: common.batches.unwrap_or_default(),
            assigned_to: common.assigned_to.unwrap_or_default(),
            settings,
        })
    }
}

/// A validated partial update: only what is `Some` (or present in `settings`) changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub category_schema: Option<Value>,
    pub stages: Option<Value>,
    pub batches: Option<Vec<Batch>>,
    pub assigned_to: Option<Vec<Member>>,
    pub settings: SettingsPatch,
    /// Server-managed fields the client sent back; each must equal the current value.
    pub read_only: Vec<(String, Value)>,
}

impl ProjectPatch {
    pub fn parse(body: Value, limits: ProjectLimits) -> DomainResult<Self> {
        let mut fields = Fields::from_value(body, "")?;
        let mut read_only = Vec::new();
        for key in READ_ONLY_FIELDS.iter().chain(["type"].iter()) {
            if let Some(v) = fields.take(key) {
                read_only.push((key.to_string(), v));
            }
        }
        let name = take_name(&mut fields)?;
        let description = fields.string("description", 0, 10_000)?;
        let common = CommonFields::take(&mut fields, limits)?;
        let settings = SettingsPatch::take_from(&mut fields)?;
        fields.finish()?;
        Ok(ProjectPatch {
            name,
            description,
            category_schema: common.category_schema,
            stages: common.stages,
            batches: common.batches,
            assigned_to: common.assigned_to,
            settings,
            read_only,
        })
    }

    /// Fails when a server-managed field was sent with a value other than the current one.
    pub fn check_read_only(&self, current: &Project) -> DomainResult<()> {
        for (key, sent) in &self.read_only {
            let now = current.read_only_value(key).unwrap_or(Value::Null);
            if !same_value(key, sent, &now) {
                return Err(DomainError::field(key.clone(), "is read-only"));
            }
        }
        Ok(())
    }
}

fn same_value(key: &str, sent: &Value, current: &Value) -> bool {
    match (key, sent, current) {
        ("createdAt" | "updatedAt", Value::String(a), Value::String(b)) => {
            matches!((Timestamp::parse(key, a), Timestamp::parse(key, b)), (Ok(x), Ok(y)) if x == y)
        }
        (_, Value::String(a), Value::String(b)) if key == "owner" => a.eq_ignore_ascii_case(b),
        _ => sent == current,
    }
}

struct CommonFields {
    category_schema: Option<Value>,
    stages: Option<Value>,
    batches: Option<Vec<Batch>>,
    assigned_to: Option<Vec<Member>>,
}

impl CommonFields {
    fn take(fields: &mut Fields, limits: ProjectLimits) -> DomainResult<Self> {
        Ok(CommonFields {
            category_schema: fields
                .take("categorySchema")
                .map(|v| validate_category_schema(v, limits.schema))
                .transpose()?,
            stages: fields
                .take("stages")
                .map(|v| validate_stages(v, limits.max_stages))
                .transpose()?,
            batches: fields
                .take("batches")
                .map(|v| validate_batches(v, limits.max_batches))
                .transpose()?,
            assigned_to: fields
                .take("assignedTo")
                .map(|v| parse_members(v, limits.max_members))
                .transpose()?,
        })
    }
}

fn reject_read_only(fields: &Fields, keys: &[&str]) -> DomainResult<()> {
    match keys.iter().find(|k| fields.contains(k)) {
        Some(key) => Err(DomainError::field(*key, "is read-only")),
        None => Ok(()),
    }
}

fn take_name(fields: &mut Fields) -> DomainResult<Option<String>> {
    match fields.string("name", 0, usize::MAX)? {
        None => Ok(None),
        Some(raw) => {
            let name = raw.trim().to_string();
            let len = name.chars().count();
            if len == 0 {
                Err(DomainError::field("name", "must not be empty"))
            } else if len > 256 {
                Err(DomainError::field(
                    "name",
                    format!("must be at most 256 characters, got {len}"),
                ))
            } else {
                Ok(Some(name))
            }
        }
    }
}

fn parse_type(value: &Value) -> DomainResult<ProjectType> {
    value.as_str().and_then(ProjectType::parse).ok_or_else(|| {
        DomainError::field(
            "type",
            format!("must be one of ango, pct, iframe, got {value}"),
        )
    })
}

fn parse_members(value: Value, max: usize) -> DomainResult<Vec<Member>> {
    let Value::Array(items) = value else {
        return Err(DomainError::field(
            "assignedTo",
            format!("must be an array, got {}", type_name(&value)),
        ));
    };
    if items.len() > max {
        return Err(DomainError::field(
            "assignedTo",
            format!("must have at most {max} members, got {}", items.len()),
        ));
    }
    let mut members: Vec<Member> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("assignedTo[{i}]");
        let mut fields = Fields::from_value(item, &path)?;
        let assignee = fields
            .string("assignee", 1, 254)?
            .ok_or_else(|| fields.error("assignee", "is required"))?;
        let assignee = normalize_email(&fields.path("assignee"), &assignee)?;
        let role = fields
            .take("role")
            .ok_or_else(|| fields.error("role", "is required"))?;
        let role = ProjectRole::parse_field(&fields.path("role"), &role)?;
        fields.finish()?;
        if members.iter().any(|m| m.assignee == assignee) {
            return Err(DomainError::field(
                format!("{path}.assignee"),
                format!("{assignee} is listed twice"),
            ));
        }
        members.push(Member { assignee, role });
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_applies_contract_defaults() {
        let p = NewProject::parse(json!({"name": "  Cars  "}), ProjectLimits::default()).unwrap();
        assert_eq!(p.name, "Cars");
        assert_eq!(p.project_type, ProjectType::Ango);
        assert_eq!(p.settings.benchmark_ratio, Number::from(10));
        assert_eq!(p.settings.ocr_language, "eng");
        assert_eq!(p.settings.idle_timeout, 300);
        assert!(p.settings.task_skip_enabled);
        assert_eq!(p.stages, default_stages());
        assert_eq!(p.category_schema, empty_schema());
    }

    #[test]
    fn create_rejects_missing_name_unknown_and_read_only_fields() {
        let limits = ProjectLimits::default();
        assert_eq!(
            NewProject::parse(json!({}), limits)
                .unwrap_err()
                .to_string(),
            "name is required"
        );
        assert_eq!(
            NewProject::parse(json!({"name": " "}), limits)
                .unwrap_err()
                .to_string(),
            "name must not be empty"
        );
        assert_eq!(
            NewProject::parse(json!({"name": "a", "benchmarkRation": 5}), limits)
                .unwrap_err()
                .to_string(),
            "benchmarkRation is not a known field"
        );
        assert_eq!(
            NewProject::parse(json!({"name": "a", "_id": "x"}), limits)
                .unwrap_err()
                .to_string(),
            "_id is read-only"
        );
        assert!(NewProject::parse(json!({"name": "a", "type": "video"}), limits).is_err());
        assert!(NewProject::parse(json!({"name": "a", "benchmarkRatio": 101}), limits).is_err());
        assert!(NewProject::parse(json!({"name": "a", "idleTimeout": -1}), limits).is_err());
        assert!(NewProject::parse(json!([1]), limits).is_err());
    }

    #[test]
    fn patch_collects_settings_and_read_only_fields() {
        let patch = ProjectPatch::parse(
            json!({"benchmarkEnabled": true, "benchmarkRatio": 25, "benchmarkCutoff": true, "queueVersion": 2}),
            ProjectLimits::default(),
        )
        .unwrap();
        assert_eq!(patch.settings.0.len(), 3);
        assert_eq!(
            patch.read_only,
            vec![("queueVersion".to_string(), json!(2))]
        );
        let applied = patch.settings.apply(&Settings::default());
        assert!(applied.benchmark_enabled && applied.benchmark_cutoff);
        assert_eq!(applied.benchmark_ratio, Number::from(25));
    }

    #[test]
    fn members_must_be_unique_with_known_roles() {
        let limits = ProjectLimits::default();
        let dup = json!({"assignedTo": [{"assignee": "a@x.io", "role": "Lead"}, {"assignee": "A@x.io", "role": "Labeler"}]});
        assert!(
            ProjectPatch::parse(dup, limits)
                .unwrap_err()
                .to_string()
                .contains("listed twice")
        );
        let bad_role = json!({"assignedTo": [{"assignee": "a@x.io", "role": "Owner"}]});
        assert!(
            ProjectPatch::parse(bad_role, limits)
                .unwrap_err()
                .to_string()
                .starts_with("assignedTo[0].role")
        );
    }
}
