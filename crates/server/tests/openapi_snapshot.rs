//! The OpenAPI document is part of the contract: any change to it shows up as a diff of the
//! committed `tests/snapshots/openapi.json`, for review. After an intended change, regenerate it:
//!
//! ```sh
//! UPDATE_SNAPSHOTS=1 cargo test -p annohub --test openapi_snapshot
//! ```

use std::path::PathBuf;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json")
}

#[test]
fn the_openapi_document_matches_its_snapshot() {
    // The file ends with a newline; the document itself does not.
    let actual = format!("{}\n", annohub::openapi::document_json());
    let path = snapshot_path();
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("the snapshot has a directory"))
            .expect("create the snapshot directory");
        std::fs::write(&path, &actual).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read {}: {err}; create it with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let (expected_lines, actual_lines): (Vec<&str>, Vec<&str>) =
        (expected.lines().collect(), actual.lines().collect());
    let first = expected_lines
        .iter()
        .zip(&actual_lines)
        .position(|(e, a)| e != a)
        .unwrap_or(expected_lines.len().min(actual_lines.len()));
    let excerpt = |lines: &[&str]| {
        lines
            .iter()
            .enumerate()
            .skip(first.saturating_sub(3))
            .take(8)
            .map(|(i, line)| format!("{:>6} {line}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "the OpenAPI document differs from {} from line {} on.\n\
         --- snapshot ---\n{}\n--- document ---\n{}\n\
         If the change is intended, run with UPDATE_SNAPSHOTS=1 and commit the new snapshot.",
        path.display(),
        first + 1,
        excerpt(&expected_lines),
        excerpt(&actual_lines),
    );
}

#[test]
fn the_document_is_valid_json_naming_every_route() {
    let document: serde_json::Value =
        serde_json::from_str(&annohub::openapi::document_json()).expect("the document is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    let paths: Vec<&str> = document["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/v2/listProjects",
        "/v2/project",
        "/v2/project/{projectId}",
        "/v2/project/{projectId}/assigned",
        "/v2/project/{projectId}/assetBuilderTemplates",
        "/v2/project/{projectId}/instructions",
        "/v2/performance/{projectId}",
        "/healthz",
        "/readyz",
        "/openapi.json",
    ] {
        assert!(paths.contains(&path), "{path} is not documented");
    }
}
