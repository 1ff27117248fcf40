//! The API's shapes as the OpenAPI document describes them: request bodies, parameters and the
//! project as responses show it.
//!
//! The server does not deserialize into these types: bodies are checked field by field in
//! `annohub_domain` (`NewProject::parse`, `ProjectPatch::parse`, `validate_template`,
//! `PerformanceQuery::parse`, …), which stays the single source of truth. These types describe
//! the same rules as JSON Schema, as exactly as JSON Schema can say them; rules it cannot say
//! (cross-field and cross-item references, uniqueness inside nested structures, what exists in
//! the database) are spelled out in the descriptions. The tests at the bottom hold the two
//! together.

use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, SchemaType};
use utoipa::openapi::{KnownFormat, Object, Ref, RefOr, Schema, SchemaFormat, Type};
use utoipa::{IntoParams, ToSchema};

use annohub_domain::batch::Batch;
use annohub_domain::project::{Member, ProjectType};
use annohub_domain::role::ProjectRole;
use annohub_domain::schema::{CLASSIFICATIONS, RELATIONS, TOOLS};
use annohub_domain::stages::STAGE_TYPES;
use annohub_domain::template::{DATA_TYPES, NEEDS_STORAGE};

/// The characters Rust's `str::trim` removes (Unicode `White_Space`), as a regex class body that
/// means the same in ECMAScript, Python and Rust regexes.
pub const WHITESPACE: &str =
    r"\t\n\x0b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// An id: 24 lowercase hex characters.
pub const ID_PATTERN: &str = "^[0-9a-f]{24}$";

/// A colour: `#RRGGBB`, either case.
pub const COLOR_PATTERN: &str = "^#[0-9A-Fa-f]{6}$";

/// The fields `listProjects` sorts by, in the `sort` query parameter.
pub const SORT_FIELDS: &[&str] = &["createdAt", "updatedAt", "name"];

/// Longest email address, in characters.
pub const EMAIL_MAX_CHARS: usize = 254;

/// A project name: at least one non-whitespace character and at most 256 characters once the
/// surrounding whitespace is trimmed; no NUL.
pub fn name_pattern() -> String {
    let (w, n) = (format!("[{WHITESPACE}]"), format!(r"[^{WHITESPACE}\x00]"));
    format!(r"^{w}*{n}(?:[^\x00]{{0,254}}{n})?{w}*$")
}

/// An email address as the server checks it: surrounding whitespace is ignored; inside, no
/// whitespace or control character and exactly one `@` with something on both sides.
pub fn email_pattern() -> String {
    let w = format!("[{WHITESPACE}]");
    let n = format!(r"[^{WHITESPACE}@\x00-\x1f\x7f-\x9f]");
    format!("^{w}*{n}+@{n}+{w}*$")
}

/// Every value `sort` accepts, without its `-`/`+` prefixes: each order of each non-empty
/// subset of [`SORT_FIELDS`].
pub fn sort_orders() -> Vec<Vec<&'static str>> {
    fn orders(fields: &[&'static str]) -> Vec<Vec<&'static str>> {
        let mut out = Vec::new();
        for (i, first) in fields.iter().enumerate() {
            out.push(vec![*first]);
            let rest: Vec<&'static str> = fields
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, f)| *f)
                .collect();
            for tail in orders(&rest) {
                let mut order = vec![*first];
                order.extend(tail);
                out.push(order);
            }
        }
        out
    }
    orders(SORT_FIELDS)
}

/// `sort`: one to three distinct fields, comma-separated, each with an optional `-`
/// (descending) or `+` prefix. Every order of every subset is spelled out, since a regex
/// cannot say "distinct" otherwise.
pub fn sort_pattern() -> String {
    let alternatives: Vec<String> = sort_orders()
        .into_iter()
        .map(|order| {
            order
                .iter()
                .map(|f| format!("[-+]?{f}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn nullable(t: Type) -> SchemaType {
    SchemaType::from_iter([t, Type::Null])
}

fn enum_of(values: &[&str]) -> ObjectBuilder {
    string().enum_values(Some(values.iter().copied()))
}

fn id_schema() -> ObjectBuilder {
    string()
        .pattern(Some(ID_PATTERN))
        .examples(["507f1f77bcf86cd799439011"])
}

/// An id.
pub fn id() -> Object {
    id_schema().build()
}

fn email_schema() -> ObjectBuilder {
    string()
        .pattern(Some(email_pattern()))
        .max_length(Some(EMAIL_MAX_CHARS))
        .examples(["ann@example.com"])
}

fn date_time() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .build()
}

/// Declares a named string schema built in code (from the domain's lists or patterns), so
/// that fields refer to it and keep their own descriptions.
macro_rules! string_schema {
    ($(#[$doc:meta])* $name:ident, $description:literal, $builder:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let builder: ObjectBuilder = $builder;
                builder.description(Some($description)).into()
            }
        }

        impl ToSchema for $name {}
    };
}

string_schema!(
    /// An email address as the server checks it.
    Email,
    "An email address: surrounding whitespace is ignored; inside, no whitespace or control \
     character and one `@` with something on both sides. Compared case-insensitively and \
     stored lowercased.",
    email_schema()
);
string_schema!(
    /// A project name.
    ProjectName,
    "Trimmed of surrounding whitespace; 1 to 256 characters remain. No NUL characters.",
    string().pattern(Some(name_pattern())).examples(["Cars"])
);
string_schema!(
    /// Tools of `categorySchema.tools` items.
    ToolKind,
    "A tool of `categorySchema.tools`.",
    enum_of(TOOLS)
);
string_schema!(
    /// Tools of classification items.
    ClassificationKind,
    "A tool of `categorySchema.classifications` and of nested classifications.",
    enum_of(CLASSIFICATIONS)
);
string_schema!(
    /// Tools of `categorySchema.relations` items.
    RelationKind,
    "A tool of `categorySchema.relations`.",
    enum_of(RELATIONS)
);
string_schema!(
    /// Types of workflow stages.
    StageType,
    "The type of a workflow stage.",
    enum_of(STAGE_TYPES)
);
string_schema!(
    /// Asset types that need no storage.
    PlainDataType,
    "An asset type that needs no storage.",
    enum_of(&DATA_TYPES.iter().copied().filter(|t| !NEEDS_STORAGE.contains(t)).collect::<Vec<_>>())
);
string_schema!(
    /// Asset types read from a storage.
    StoredDataType,
    "An asset type read from a storage.",
    enum_of(NEEDS_STORAGE)
);

/// `dataConfig`: at least one column, each keyed by its name.
pub fn data_config() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .min_properties(Some(1))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::Ref(
            Ref::from_schema_name("DataConfigColumn"),
        ))))
        .description(Some(
            "The asset's columns, keyed by column name; at least one.",
        ))
        .build()
}

/// `next` of a stage.
pub fn stage_next() -> ArrayBuilder {
    ArrayBuilder::new()
        .schema_type(nullable(Type::Array))
        .items(string().min_length(Some(1)))
        .description(Some(
            "Ids of the stages a task moves on to; absent or null means none.",
        ))
}

/// `interval`: `[start, end]`.
pub fn interval() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(date_time())
        .min_items(Some(2))
        .max_items(Some(2))
        .description(Some(
            "`[start, end]`, RFC 3339 instants (what the SDK sends); `start` must not be after `end`.",
        ))
}

/// `users` of a performance query.
pub fn performance_users() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(RefOr::Ref(Ref::from_schema_name("Email")))
        .description(Some(
            "Only these users' rows (emails); absent or empty means everyone.",
        ))
}

/// `batches` of a performance query.
pub fn performance_batches() -> ArrayBuilder {
    ArrayBuilder::new().items(id()).description(Some(
        "Only activity in these batches; each must be a batch of the project. Absent or empty means all.",
    ))
}

/// `assignees` of `/assigned`.
pub fn assignees() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(RefOr::Ref(Ref::from_schema_name("Email")))
        .min_items(Some(1))
        .max_items(Some(1000))
        .description(Some(
            "Emails of users of the project's organization (1 to 1000 by default; the limit is \
             configurable with --max-assignees). Repeated emails count once.",
        ))
}

/// `sort` of `listProjects`.
pub fn sort() -> Object {
    string()
        .pattern(Some(sort_pattern()))
        .examples(["-createdAt", "name,-updatedAt"])
        .build()
}

/// `{projectId}` in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// The project's id: 24 lowercase hex characters.
    #[param(
        rename = "projectId",
        pattern = "^[0-9a-f]{24}$",
        example = "507f1f77bcf86cd799439011"
    )]
    pub project_id: String,
}

/// The optional `If-Match` header of project writes.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// Only write while the project's `ETag` is still this one (`*` matches any); otherwise 412
    /// and nothing changes.
    #[param(rename = "If-Match", example = "\"3\"")]
    pub if_match: Option<String>,
}

/// Query of `listProjects`. Any other parameter is rejected with 400.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListProjectsQuery {
    /// Page number, 1-based (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    /// Items per page (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// Comma-separated distinct fields among `createdAt`, `updatedAt` and `name`, each with an
    /// optional `-` prefix for descending (or `+`); ties are broken by `_id`. Default `-createdAt`.
    #[param(schema_with = sort)]
    pub sort: Option<String>,
    /// Only projects whose name contains this, case-insensitively (empty means no filter).
    #[param(max_length = 256, pattern = "^[^\\x00]*$")]
    pub search: Option<String>,
}

/// An option of a dropdown, radio or checkbox item (`{value, schemaId}`). Keys besides
/// `schemaId` (`value`, …) are kept exactly as sent.
#[derive(ToSchema)]
pub struct SchemaOption {
    /// Non-empty; generated when absent or null. Unique among the options of its item.
    #[schema(min_length = 1, required = false)]
    #[serde(rename = "schemaId")]
    pub schema_id: Option<String>,
}

/// Defines one kind of `categorySchema` item: the tools it allows and what its
/// `classifications` may hold. Nesting is spelled out level by level (the server allows 8, see
/// `SchemaLimits`), which also keeps the document free of recursive schemas.
macro_rules! schema_item {
    ($(#[$doc:meta])* $name:ident, $kind:ty, classifications: $($classifications:tt)*) => {
        $(#[$doc])*
        ///
        /// Keys other than those listed (`treeOptions`, `regex`, `frameSpecific`, `exportName`, …)
        /// are kept exactly as sent. Every `schemaId` (of all items, nested ones included) is
        /// unique in the whole schema, and a schema holds at most 10 000 items and options.
        #[derive(ToSchema)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// The kind of tool (one of those listed for this list).
            #[schema(value_type = $kind)]
            pub tool: String,
            /// The item's id: non-empty; generated when absent or null.
            #[schema(min_length = 1, required = false)]
            pub schema_id: Option<String>,
            /// Display name, or null.
            #[schema(required = false)]
            pub title: Option<String>,
            /// Whether annotators must answer it, or null.
            #[schema(required = false)]
            pub required: Option<bool>,
            /// Display colour `#RRGGBB` (either case), or null.
            #[schema(pattern = "^#[0-9A-Fa-f]{6}$", required = false)]
            pub color: Option<String>,
            /// Keyboard shortcut, or null.
            #[schema(required = false)]
            pub shortcut_key: Option<String>,
            /// A column name, or a boolean, or null.
            #[schema(value_type = Option<ColumnField>, required = false)]
            pub column_field: Option<String>,
            $($classifications)*
            /// The choices of a dropdown, radio or checkbox item, or null.
            #[schema(required = false)]
            pub options: Option<Vec<SchemaOption>>,
        }
    };
}

/// Declares an item kind whose `classifications` hold items of the next level down.
macro_rules! nesting_item {
    ($(#[$doc:meta])* $name:ident, $kind:ty, $next:ty) => {
        schema_item!(
            $(#[$doc])* $name, $kind, classifications:
            /// Nested classifications, one level down.
            #[schema(required = false)]
            pub classifications: Option<Vec<$next>>,
        );
    };
}

nesting_item!(
    /// An annotation tool of `categorySchema.tools`.
    ToolItem,
    ToolKind,
    NestedClassification2
);
nesting_item!(
    /// A classification of `categorySchema.classifications`.
    ClassificationItem,
    ClassificationKind,
    NestedClassification2
);
nesting_item!(
    /// A relation of `categorySchema.relations`.
    RelationItem,
    RelationKind,
    NestedClassification2
);
nesting_item!(
    /// A classification nested in a top-level item (level 2 of 8).
    NestedClassification2,
    ClassificationKind,
    NestedClassification3
);
nesting_item!(
    /// A classification at level 3 of 8.
    NestedClassification3,
    ClassificationKind,
    NestedClassification4
);
nesting_item!(
    /// A classification at level 4 of 8.
    NestedClassification4,
    ClassificationKind,
    NestedClassification5
);
nesting_item!(
    /// A classification at level 5 of 8.
    NestedClassification5,
    ClassificationKind,
    NestedClassification6
);
nesting_item!(
    /// A classification at level 6 of 8.
    NestedClassification6,
    ClassificationKind,
    NestedClassification7
);
nesting_item!(
    /// A classification at level 7 of 8.
    NestedClassification7,
    ClassificationKind,
    NestedClassification8
);
schema_item!(
    /// A classification at level 8 of 8, the deepest (configurable with --max-schema-depth):
    /// it has no `classifications` array.
    NestedClassification8,
    ClassificationKind,
    classifications:
    /// Only null: nothing nests deeper.
    #[schema(schema_with = null_only, required = false)]
    pub classifications: Option<()>,
);

/// The JSON `null`, and nothing else: `classifications` at the deepest level.
pub fn null_only() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Null)
        .description(Some("Only null: nothing nests deeper."))
        .build()
}

/// `columnField`: a column name or a flag.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum ColumnField {
    Name(String),
    Flag(bool),
}

/// The project's ontology. A missing list is empty; responses always carry all three.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategorySchema {
    /// Annotation tools (bounding boxes, polygons, …).
    #[serde(default)]
    pub tools: Vec<ToolItem>,
    /// Classifications (questions about the whole asset).
    #[serde(default)]
    pub classifications: Vec<ClassificationItem>,
    /// Relations between annotations.
    #[serde(default)]
    pub relations: Vec<RelationItem>,
}

/// A workflow stage. Keys other than those listed (`autoForward`, `assignedTo`, `readOnly`,
/// `position`, `consensusConfig`, …) are kept exactly as sent.
///
/// The stages of a project form a graph that must hold together: stage ids are unique; every
/// id in `next` is the id of a stage of the same list; there is exactly one `Start` stage and
/// it has exactly one `next`; there is at least one `Complete` stage; `Complete` and `Archive`
/// stages have no `next`; a `Review` stage has at most two.
#[derive(ToSchema)]
pub struct Stage {
    /// Unique among the project's stages.
    #[schema(min_length = 1)]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// What the stage does.
    #[serde(rename = "type")]
    #[schema(value_type = StageType)]
    pub stage_type: String,
    /// Ids of the stages a task moves on to; absent or null means none.
    #[schema(schema_with = stage_next, required = false)]
    pub next: Option<Vec<String>>,
}

/// A batch as sent in `batches`. Names and ids are unique within the project.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    /// Generated when absent or null.
    #[serde(rename = "_id")]
    #[schema(value_type = Option<String>, pattern = "^[0-9a-f]{24}$", required = false)]
    pub id: Option<String>,
    /// Unique within the project.
    #[schema(pattern = "^[^\\x00]*$", min_length = 1, max_length = 256)]
    pub name: String,
    /// Free text; null is stored as `""`.
    #[schema(pattern = "^[^\\x00]*$", max_length = 10000, required = false)]
    pub description: Option<String>,
    /// `#RRGGBB` (either case), or null.
    #[schema(pattern = "^#[0-9A-Fa-f]{6}$", required = false)]
    pub color: Option<String>,
}

/// A member as sent in `assignedTo`. Each assignee is a user of the project's organization and
/// appears once (emails compare case-insensitively).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// The user's email.
    #[schema(value_type = Email)]
    pub assignee: String,
    /// The role in the project.
    pub role: ProjectRole,
}

/// Declares the writable fields every project body shares (all of section 3 of the contract
/// but `name`, `type`, `batches` and `assignedTo`); `$required` says whether a body must carry
/// them all (a response does).
macro_rules! project_body {
    ($(#[$doc:meta])* $name:ident, required = $required:literal, { $($head:tt)* } { $($tail:tt)* }) => {
        #[derive(ToSchema)]
        $(#[$doc])*
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $($head)*
            /// Free text.
            #[schema(pattern = "^[^\\x00]*$", max_length = 10000, required = $required)]
            pub description: String,
            /// The ontology (replaced as a whole).
            #[schema(required = $required)]
            pub category_schema: CategorySchema,
            /// The workflow (replaced as a whole); at most 200 stages.
            #[schema(max_items = 200, required = $required)]
            pub stages: Vec<Stage>,
            $($tail)*
            /// Whether benchmark tasks are mixed in.
            #[schema(required = $required)]
            pub benchmark_enabled: bool,
            /// Percentage of tasks sampled as benchmarks.
            #[schema(minimum = 0, maximum = 100, required = $required)]
            pub benchmark_ratio: f64,
            /// Ango Hub's benchmark cut-off switch (sent by the SDK's `update_benchmark_settings`).
            #[schema(required = $required)]
            pub benchmark_cutoff: bool,
            /// URL of the instructions (set by the upload route), or null.
            #[schema(pattern = "^[^\\x00]*$", max_length = 2048, required = $required)]
            pub instructions: Option<String>,
            /// OCR language code.
            #[schema(pattern = "^[^\\x00]*$", min_length = 1, max_length = 32, required = $required)]
            pub ocr_language: String,
            /// Seconds.
            #[schema(minimum = 0, maximum = 86400, required = $required)]
            pub idle_timeout: i64,
            /// Plugin settings, kept as sent.
            #[schema(value_type = Object, required = $required)]
            pub project_plugins: String,
            /// Plugin presets, kept as sent.
            #[schema(value_type = Vec<Object>, required = $required)]
            pub plugin_presets: String,
            /// Whether reviewers pick error codes from `errorSchema`.
            #[schema(required = $required)]
            pub error_codes_enabled: bool,
            /// The error codes, kept as sent.
            #[schema(value_type = Object, required = $required)]
            pub error_schema: String,
            /// Storage that exports go to, or null.
            #[schema(pattern = "^[^\\x00]*$", max_length = 1024, required = $required)]
            pub export_storage_id: Option<String>,
            /// Bucket of that storage, or null.
            #[schema(pattern = "^[^\\x00]*$", max_length = 1024, required = $required)]
            pub export_storage_bucket: Option<String>,
            /// Path in that bucket, or null.
            #[schema(pattern = "^[^\\x00]*$", max_length = 1024, required = $required)]
            pub export_storage_path: Option<String>,
            /// Whether exports go to that storage.
            #[schema(required = $required)]
            pub export_storage_enabled: bool,
            /// Whether annotators may skip tasks.
            #[schema(required = $required)]
            pub task_skip_enabled: bool,
            /// Whether a skipped task leaves the annotator's queue.
            #[schema(required = $required)]
            pub unassign_skipped_task: bool,
            /// Ango Hub's `gcSyncEnabled` setting, stored and returned as sent.
            #[schema(required = $required)]
            pub gc_sync_enabled: bool,
        }
    };
}

project_body!(
    /// Body of `POST /v2/project`: `name` and any writable field; what is absent takes its
    /// default. Server-managed fields (`_id`, `owner`, `organization`, `queueVersion`,
    /// `assetCount`, `deleted`, `createdAt`, `updatedAt`, `assetBuilderTemplates`) and unknown
    /// fields are rejected with 400 naming them.
    CreateProjectBody,
    required = false,
    {
        /// The project's name.
        #[schema(value_type = ProjectName, required = true)]
        pub name: String,
        /// Default `ango`; cannot change later.
        #[serde(rename = "type")]
        #[schema(required = false)]
        pub project_type: ProjectType,
    }
    {
        /// Members besides the creator, who always becomes Manager.
        #[schema(max_items = 10000, required = false)]
        pub assigned_to: Vec<MemberInput>,
        /// Replaced as a whole.
        #[schema(max_items = 10000, required = false)]
        pub batches: Vec<BatchInput>,
    }
);

project_body!(
    /// Body of `POST /v2/project/{projectId}`: only the fields present change; `categorySchema`,
    /// `stages`, `batches` and `assignedTo` are replaced as a whole. Unknown fields are rejected
    /// with 400. Server-managed fields (`_id`, `owner`, `organization`, `type`, `queueVersion`,
    /// `assetCount`, `deleted`, `createdAt`, `updatedAt`, `assetBuilderTemplates`) may also be
    /// sent, but only with the project's current value (so that a client can GET a project,
    /// change a field and POST the whole object back); any other value is rejected with 400
    /// "read-only".
    UpdateProjectBody,
    required = false,
    {
        /// The project's new name.
        #[schema(value_type = ProjectName, required = false)]
        pub name: String,
    }
    {
        /// The members, replaced as a whole.
        #[schema(max_items = 10000, required = false)]
        pub assigned_to: Vec<MemberInput>,
        /// The batches, replaced as a whole.
        #[schema(max_items = 10000, required = false)]
        pub batches: Vec<BatchInput>,
    }
);

project_body!(
    /// A whole project as the API shows it.
    #[schema(as = Project)]
    ProjectDoc,
    required = true,
    {
        /// The project's id.
        #[serde(rename = "_id")]
        #[schema(pattern = "^[0-9a-f]{24}$")]
        pub id: String,
        /// Trimmed, 1 to 256 characters.
        #[schema(min_length = 1, max_length = 256)]
        pub name: String,
        /// The kind of project; set at creation.
        #[serde(rename = "type")]
        pub project_type: ProjectType,
        /// Email of the creator, lowercased.
        pub owner: String,
        /// The organization's id.
        #[schema(pattern = "^[0-9a-f]{24}$")]
        pub organization: String,
    }
    {
        /// The members and their roles.
        pub assigned_to: Vec<Member>,
        /// The batches, in the order sent.
        pub batches: Vec<Batch>,
        /// Always 2.
        pub queue_version: i64,
        /// Number of assets (0 until assets exist).
        #[schema(minimum = 0)]
        pub asset_count: i64,
        /// The asset builder templates, oldest first.
        pub asset_builder_templates: Vec<TemplateDoc>,
        /// Always false: a deleted project is not found.
        pub deleted: bool,
        /// When the project was created.
        #[schema(format = DateTime)]
        pub created_at: String,
        /// Moves on every write.
        #[schema(format = DateTime)]
        pub updated_at: String,
    }
);

/// Body of `POST /v2/project/{projectId}/assigned`: adds each assignee with `role`, or changes
/// its role if already a member. Every email must be a user of the project's organization;
/// otherwise 400 listing the unknown ones, and nothing changes.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The role to give every assignee.
    pub role: ProjectRole,
    #[schema(schema_with = assignees)]
    pub assignees: Vec<String>,
}

/// A column of `dataConfig`: its asset type, plus the storage for types read from one. Other
/// keys (`includeInExport`, …) are kept as sent.
#[derive(ToSchema)]
#[serde(untagged)]
pub enum DataConfigColumn {
    Plain(PlainColumn),
    Stored(StoredColumn),
}

/// A column whose assets need no storage.
#[derive(ToSchema)]
pub struct PlainColumn {
    /// The asset type.
    #[serde(rename = "type")]
    #[schema(value_type = PlainDataType)]
    pub data_type: String,
}

/// A column whose assets are read from a storage.
#[derive(ToSchema)]
pub struct StoredColumn {
    /// The asset type.
    #[serde(rename = "type")]
    #[schema(value_type = StoredDataType)]
    pub data_type: String,
    /// Name of the storage.
    #[schema(min_length = 1)]
    pub storage: String,
}

/// Declares the fields of an asset builder template; responses add `_id`.
macro_rules! template_fields {
    ($(#[$doc:meta])* $name:ident { $($head:tt)* }) => {
        #[derive(ToSchema)]
        $(#[$doc])*
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            $($head)*
            /// Unique within the project (409 otherwise).
            #[schema(pattern = "^[^\\x00]*$", min_length = 1, max_length = 256)]
            pub name: String,
            /// The documented shape's configuration.
            #[schema(value_type = Object, required = false)]
            pub config: String,
            /// Free text.
            #[schema(pattern = "^[^\\x00]*$", max_length = 10000, required = false)]
            pub description: String,
            /// The template's markup (the SDK's shape).
            #[schema(min_length = 1, required = false)]
            pub template: String,
            #[schema(schema_with = data_config, required = false)]
            pub data_config: String,
            /// A column name of `dataConfig`, or null.
            #[schema(required = false)]
            pub selected_external_id: Option<String>,
            /// A column name of `dataConfig`, `""` or null.
            #[schema(required = false)]
            pub batch_column: Option<String>,
            /// Pre-labeling configuration, kept as sent.
            #[schema(value_type = Object, required = false)]
            pub pre_label_config: String,
        }
    };
}

template_fields!(
    /// Body of `POST /v2/project/{projectId}/assetBuilderTemplates`, in the documented shape
    /// `{name, config}` or the SDK's `{name, template, selectedExternalId, dataConfig,
    /// description, batchColumn, preLabelConfig}` (both may be combined). A non-null
    /// `selectedExternalId` and a non-empty `batchColumn` must be keys of `dataConfig`.
    TemplateBody {}
);

template_fields!(
    /// A stored asset builder template: its `_id` and every field it was sent with.
    #[schema(as = Template)]
    TemplateDoc {
        /// The template's id.
        #[serde(rename = "_id")]
        #[schema(pattern = "^[0-9a-f]{24}$")]
        pub id: String,
    }
);

/// Body of `POST /v2/performance/{projectId}`; the whole body is optional. The documented
/// `{startDate, endDate, users}` and the SDK's `{interval, batches}` may be combined: the
/// report then covers the overlap of the windows, which must not be empty (start ≤ end).
#[derive(ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PerformanceBody {
    /// Start of the window (RFC 3339), or null for no start.
    #[schema(format = DateTime, required = false)]
    pub start_date: Option<String>,
    /// End of the window (RFC 3339), or null for no end.
    #[schema(format = DateTime, required = false)]
    pub end_date: Option<String>,
    #[schema(schema_with = interval, required = false)]
    pub interval: Vec<String>,
    #[schema(schema_with = performance_users, required = false)]
    pub users: Vec<String>,
    #[schema(schema_with = performance_batches, required = false)]
    pub batches: Vec<String>,
}

/// `multipart/form-data` of the instructions upload: one part, named `file`.
pub struct InstructionsUpload;

impl utoipa::PartialSchema for InstructionsUpload {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "`multipart/form-data` with one part, named `file`, holding the PDF. Any other \
                 part, or a second `file`, is rejected with 400 naming it.",
            ))
            .property(
                "file",
                string()
                    .content_media_type("application/pdf")
                    .pattern(Some("^%PDF-"))
                    .description(Some(
                        "The PDF (the part's file name is kept for downloads). Its bytes must \
                         start with `%PDF-`, whatever content type the part declares; anything \
                         else, an empty file included, is rejected with 415.",
                    )),
            )
            .required("file")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl ToSchema for InstructionsUpload {}

/// The instructions PDF, as uploaded (so it starts with `%PDF-`).
#[derive(ToSchema)]
#[schema(value_type = String, content_media_type = "application/pdf", pattern = "^%PDF-")]
pub struct InstructionsFile(pub Vec<u8>);

/// Response headers and their schemas, for the `Modify` that adds them.
pub fn etag_header() -> utoipa::openapi::header::Header {
    utoipa::openapi::header::HeaderBuilder::new()
        .schema(string().pattern(Some("^\"[0-9]+\"$")))
        .description(Some(
            "The project's revision; changes on every write. Send it back in `If-Match`.",
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use annohub_domain::Id;
    use annohub_domain::project::{Project, ProjectLimits, Settings};
    use annohub_domain::schema::empty_schema;
    use annohub_domain::stages::default_stages;
    use annohub_domain::time::Timestamp;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;
    use utoipa::PartialSchema;

    /// The properties of an object schema, each with whether it is required.
    fn documented_properties(schema: &RefOr<Schema>) -> BTreeMap<String, bool> {
        let mut out = BTreeMap::new();
        if let RefOr::T(Schema::Object(object)) = schema {
            for key in object.properties.keys() {
                out.insert(key.clone(), object.required.contains(key));
            }
        }
        out
    }

    fn sample_project() -> Project {
        Project {
            id: Id::generate(),
            name: "Cars".into(),
            description: String::new(),
            project_type: ProjectType::Ango,
            owner: "ann@example.com".into(),
            organization: Id::generate(),
            category_schema: empty_schema(),
            stages: default_stages(),
            assigned_to: Vec::new(),
            batches: Vec::new(),
            queue_version: 2,
            asset_count: 0,
            settings: Settings::default(),
            asset_builder_templates: Vec::new(),
            deleted: false,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
            revision: 1,
        }
    }

    fn keys(value: &Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    #[test]
    fn the_documented_project_is_the_serialized_one() {
        let serialized = serde_json::to_value(sample_project()).unwrap();
        let documented = documented_properties(&ProjectDoc::schema());
        assert_eq!(
            keys(&serialized),
            documented.keys().cloned().collect::<Vec<_>>()
        );
        assert!(documented.values().all(|required| *required));
    }

    #[test]
    fn bodies_document_every_writable_field_and_nothing_else() {
        let project = serde_json::to_value(sample_project()).unwrap();
        let read_only = annohub_domain::project::READ_ONLY_FIELDS;
        let writable: Vec<String> = keys(&project)
            .into_iter()
            .filter(|k| !read_only.contains(&k.as_str()) && k != "type")
            .collect();
        let update = documented_properties(&UpdateProjectBody::schema());
        assert_eq!(update.keys().cloned().collect::<Vec<_>>(), writable);
        assert!(update.values().all(|required| !required));
        let create = documented_properties(&CreateProjectBody::schema());
        let mut expected = writable.clone();
        expected.push("type".into());
        expected.sort();
        assert_eq!(create.keys().cloned().collect::<Vec<_>>(), expected);
        assert_eq!(
            create
                .iter()
                .filter(|(_, r)| **r)
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            vec!["name"]
        );
        // Every documented field is one the server takes.
        let mut body = serde_json::Map::new();
        let full = project.as_object().unwrap();
        for key in create.keys() {
            body.insert(key.clone(), full[key].clone());
        }
        annohub_domain::project::NewProject::parse(Value::Object(body), ProjectLimits::default())
            .unwrap();
    }

    #[test]
    fn sort_pattern_lists_exactly_the_accepted_orders() {
        use annohub_domain::role::OrgRole;
        use annohub_store::Caller;
        let caller = Caller {
            user_id: Id::generate(),
            email: "ann@example.com".into(),
            organization_id: Id::generate(),
            org_role: OrgRole::Admin,
        };
        let parse = |sort: String| {
            crate::services::projects::parse_list_query(&caller, vec![("sort".into(), sort)])
        };
        let orders = sort_orders();
        assert_eq!(orders.len(), 3 + 6 + 6);
        for order in &orders {
            for prefix in ["", "-", "+"] {
                let sort: Vec<String> = order.iter().map(|f| format!("{prefix}{f}")).collect();
                assert!(parse(sort.join(",")).is_ok(), "{sort:?} rejected");
            }
        }
        assert!(parse("name,-name".into()).is_err());
        assert!(parse(String::new()).is_err());
        assert!(sort_pattern().contains("[-+]?name,[-+]?createdAt,[-+]?updatedAt"));
    }

    #[test]
    fn enums_come_from_the_domain_lists() {
        let enum_of = |schema: RefOr<Schema>| serde_json::to_value(schema).unwrap()["enum"].clone();
        assert_eq!(enum_of(ToolKind::schema()), json!(TOOLS));
        assert_eq!(
            enum_of(ClassificationKind::schema()),
            json!(CLASSIFICATIONS)
        );
        assert_eq!(enum_of(RelationKind::schema()), json!(RELATIONS));
        assert_eq!(enum_of(StageType::schema()), json!(STAGE_TYPES));
        let mut data_types = enum_of(PlainDataType::schema()).as_array().unwrap().clone();
        data_types.extend(
            enum_of(StoredDataType::schema())
                .as_array()
                .unwrap()
                .clone(),
        );
        data_types.sort_by_key(|t| t.as_str().unwrap().to_string());
        let mut expected = DATA_TYPES.to_vec();
        expected.sort();
        assert_eq!(Value::Array(data_types), json!(expected));
    }
}
