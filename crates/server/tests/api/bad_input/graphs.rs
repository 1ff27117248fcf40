//! Catalogue rows for the nested documents: broken stage graphs and invalid category schemas.

use axum::http::Method;
use serde_json::{Value, json};

use super::{Body, Case, Fixture, VF, case};

fn start(next: Value) -> Value {
    json!({"id": "s", "name": "Start", "type": "Start", "next": next})
}

fn complete(id: &str) -> Value {
    json!({"id": id, "name": "Complete", "type": "Complete", "next": []})
}

/// Stage arrays that break a rule of contract section 3, and what the message must name.
fn broken_stages() -> Vec<(Value, &'static str)> {
    let label = |id: &str, next: Value| json!({"id": id, "type": "Label", "next": next});
    vec![
        (
            json!([start(json!(["x"])), complete("c")]),
            "stages[0].next[0] refers to unknown stage \"x\"",
        ),
        (
            json!([
                start(json!(["l"])),
                label("l", json!(["c", "gone"])),
                complete("c")
            ]),
            "stages[1].next[1]",
        ),
        (
            json!([start(json!(["c"])), {"id": "t", "type": "Start", "next": ["c"]}, complete("c")]),
            "stages must have exactly one Start stage, found 2",
        ),
        (json!([label("l", json!(["c"])), complete("c")]), "found 0"),
        (json!([]), "stages must have exactly one Start stage"),
        (
            json!([start(json!(["l"])), label("l", json!([]))]),
            "stages must have at least one Complete stage",
        ),
        (
            json!([start(json!(["c"])), {"id": "c", "type": "Complete", "next": ["s"]}]),
            "stages[1].next",
        ),
        (
            json!([start(json!(["a"])), {"id": "a", "type": "Archive", "next": ["c"]}, complete("c")]),
            "stages[1].next",
        ),
        (
            json!([start(json!(["c", "d"])), complete("c"), complete("d")]),
            "stages[0].next",
        ),
        (json!([start(json!([])), complete("c")]), "stages[0].next"),
        (json!([start(Value::Null), complete("c")]), "stages[0].next"),
        (
            json!([start(json!(["r"])), {"id": "r", "type": "Review", "next": ["c", "c", "c"]}, complete("c")]),
            "stages[1].next",
        ),
        (
            json!([start(json!(["c"])), complete("c"), complete("c")]),
            "stages[2].id",
        ),
        (
            json!([start(json!(["s"])), complete("c"), label("s", json!(["c"]))]),
            "stages[2].id",
        ),
        (
            json!([start(json!(["c"])), {"id": "c", "type": "Finish", "next": []}]),
            "stages[1].type must be one of",
        ),
        (
            json!([start(json!(["c"])), {"id": "c", "type": "complete", "next": []}]),
            "stages[1].type",
        ),
        (
            json!([start(json!(["c"])), {"id": "c", "next": []}]),
            "stages[1].type is required",
        ),
        (
            json!([start(json!(["c"])), {"type": "Complete", "next": []}]),
            "stages[1].id is required",
        ),
        (
            json!([start(json!(["c"])), {"id": "", "type": "Complete", "next": []}]),
            "stages[1].id",
        ),
        (
            json!([start(json!(["c"])), {"id": 7, "type": "Complete", "next": []}]),
            "stages[1].id",
        ),
        (
            json!([start(json!(["c"])), {"id": "c", "name": 7, "type": "Complete"}]),
            "stages[1].name",
        ),
        (json!([start(json!("c")), complete("c")]), "stages[0].next"),
        (
            json!([start(json!([7])), complete("c")]),
            "stages[0].next[0]",
        ),
        (
            too_many_stages(),
            "stages must have at most 200 stages, got 201",
        ),
    ]
}

/// A valid graph of 201 stages, one over the limit.
fn too_many_stages() -> Value {
    let mut stages = vec![start(json!(["l0"]))];
    for i in 0..199 {
        let next = if i == 198 {
            "c".to_string()
        } else {
            format!("l{}", i + 1)
        };
        stages.push(json!({"id": format!("l{i}"), "type": "Label", "next": [next]}));
    }
    stages.push(complete("c"));
    Value::Array(stages)
}

/// `levels` nested classifications under one top-level classification.
fn nested(levels: usize) -> Value {
    let mut item = json!({"tool": "text"});
    for _ in 1..levels {
        item = json!({"tool": "radio", "classifications": [item]});
    }
    json!({"classifications": [item]})
}

/// Category schemas that break a rule, and what the message must name.
fn broken_schemas() -> Vec<(Value, &'static str)> {
    let point = |id: &str| json!({"tool": "point", "schemaId": id});
    let text = |id: &str| json!({"tool": "text", "schemaId": id});
    vec![
        (
            json!({"tools": [], "extra": []}),
            "categorySchema.extra is not a known field",
        ),
        (
            json!({"tools": "point"}),
            "categorySchema.tools must be an array",
        ),
        (
            json!({"classifications": {}}),
            "categorySchema.classifications must be an array",
        ),
        (
            json!({"tools": [5]}),
            "categorySchema.tools[0] must be an object",
        ),
        (
            json!({"tools": [{"tool": "lasso"}]}),
            "categorySchema.tools[0].tool must be one of bounding-box",
        ),
        (
            json!({"tools": [{"tool": "radio"}]}),
            "categorySchema.tools[0].tool",
        ),
        (
            json!({"classifications": [{"tool": "bounding-box"}]}),
            "categorySchema.classifications[0].tool",
        ),
        (
            json!({"relations": [{"tool": "radio"}]}),
            "categorySchema.relations[0].tool must be one of one-to-one",
        ),
        (
            json!({"tools": [{"title": "no tool"}]}),
            "categorySchema.tools[0].tool is required",
        ),
        (
            json!({"tools": [{"tool": 5}]}),
            "categorySchema.tools[0].tool must be a string",
        ),
        (
            json!({"tools": [point("a"), point("a")]}),
            "categorySchema.tools[1].schemaId",
        ),
        (
            json!({"tools": [point("a")], "classifications": [text("a")]}),
            "categorySchema.classifications[0].schemaId",
        ),
        (
            json!({"tools": [point("a")], "relations": [{"tool": "group", "schemaId": "a"}]}),
            "categorySchema.relations[0].schemaId",
        ),
        (
            json!({"tools": [{"tool": "point", "schemaId": "a", "classifications": [text("a")]}]}),
            "categorySchema.tools[0].classifications[0].schemaId",
        ),
        (
            json!({"classifications": [text("deep")], "tools": [{"tool": "point", "classifications":
                [{"tool": "radio", "classifications": [text("deep")]}]}]}),
            "categorySchema.classifications[0].schemaId",
        ),
        (
            json!({"tools": [{"tool": "point", "classifications":
                [{"tool": "radio", "schemaId": "r", "classifications": [text("r")]}]}]}),
            "categorySchema.tools[0].classifications[0].classifications[0].schemaId",
        ),
        (
            json!({"classifications": [{"tool": "radio", "options":
                [{"value": "a", "schemaId": "o"}, {"value": "b", "schemaId": "o"}]}]}),
            "categorySchema.classifications[0].options[1].schemaId",
        ),
        (
            json!({"tools": [point("")]}),
            "categorySchema.tools[0].schemaId must not be empty",
        ),
        (
            json!({"tools": [{"tool": "point", "schemaId": 5}]}),
            "categorySchema.tools[0].schemaId",
        ),
        (nested(9), "nests deeper than the limit of 8 levels"),
        (
            json!({"tools": [{"tool": "point", "color": "red"}]}),
            "categorySchema.tools[0].color",
        ),
        (
            json!({"tools": [{"tool": "point", "required": "yes"}]}),
            "categorySchema.tools[0].required",
        ),
        (
            json!({"tools": [{"tool": "point", "title": 5}]}),
            "categorySchema.tools[0].title",
        ),
        (
            json!({"tools": [{"tool": "point", "shortcutKey": 5}]}),
            "categorySchema.tools[0].shortcutKey",
        ),
        (
            json!({"tools": [{"tool": "point", "columnField": 5}]}),
            "categorySchema.tools[0].columnField",
        ),
        (
            json!({"tools": [{"tool": "point", "classifications": "x"}]}),
            "categorySchema.tools[0].classifications",
        ),
        (
            json!({"classifications": [{"tool": "radio", "options": "x"}]}),
            "categorySchema.classifications[0].options",
        ),
        (
            json!({"classifications": [{"tool": "radio", "options": [5]}]}),
            "categorySchema.classifications[0].options[0]",
        ),
        (
            json!({"classifications": [{"tool": "radio", "options": [{"value": "a", "schemaId": 5}]}]}),
            "categorySchema.classifications[0].options[0].schemaId",
        ),
    ]
}

fn document_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let rows = broken_stages()
        .into_iter()
        .map(|(v, names)| ("stages", v, names))
        .chain(
            broken_schemas()
                .into_iter()
                .map(|(v, names)| ("categorySchema", v, names)),
        );
    for (key, value, names) in rows {
        let on_create = json!({"name": "Would be created", key: value.clone()});
        cases.push(case(
            Method::POST,
            "/v2/project",
            Body::Json(on_create),
            400,
            VF,
            names,
        ));
        let on_update = json!({"description": "would change", key: value});
        cases.push(case(
            Method::POST,
            "/v2/project/<p>",
            Body::Json(on_update),
            400,
            VF,
            names,
        ));
    }
    cases
}

#[tokio::test]
async fn broken_stage_graphs_and_category_schemas_are_refused() {
    Fixture::new()
        .await
        .run("documents", document_cases())
        .await;
}
