//! Store conformance suite: every case runs against SQLite (a temp file per test, always) and
//! PostgreSQL (a fresh database per test, when `TEST_DATABASE_URL` is set).
//!
//! Test names read `<backend>::<area>::<case>`, so `cargo test -p annohub-store postgres::`
//! runs one backend.

#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/activity.rs"]
mod activity;
#[path = "conformance/concurrency.rs"]
mod concurrency;
#[path = "conformance/listing.rs"]
mod listing;
#[path = "conformance/membership.rs"]
mod membership;
#[path = "conformance/projects.rs"]
mod projects;
#[path = "conformance/support.rs"]
mod support;
#[path = "conformance/tenancy.rs"]
mod tenancy;
#[path = "conformance/updates.rs"]
mod updates;

/// Declares one test per case and backend. Plain cases get one store; concurrent cases get two
/// stores opened separately on the same database, like two server processes.
macro_rules! conformance {
    (
        plain { $($area:ident { $($case:ident),* $(,)? })* }
        concurrent { $($concurrent_area:ident { $($concurrent_case:ident),* $(,)? })* }
    ) => {
        conformance!(@backend sqlite, on_sqlite;
            $($area { $($case),* })* ; $($concurrent_area { $($concurrent_case),* })*);
        conformance!(@backend postgres, on_postgres;
            $($area { $($case),* })* ; $($concurrent_area { $($concurrent_case),* })*);
    };
    (@backend $backend:ident, $runner:ident;
        $($area:ident { $($case:ident),* })* ;
        $($concurrent_area:ident { $($concurrent_case:ident),* })*
    ) => {
        mod $backend {
            $(mod $area {
                $(
                    #[tokio::test]
                    async fn $case() {
                        crate::support::$runner(1, |mut stores| {
                            crate::$area::$case(stores.remove(0))
                        })
                        .await;
                    }
                )*
            })*
            $(mod $concurrent_area {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                    async fn $concurrent_case() {
                        crate::support::$runner(2, |stores| {
                            crate::$concurrent_area::$concurrent_case(
                                stores[0].clone(),
                                stores[1].clone(),
                            )
                        })
                        .await;
                    }
                )*
            })*
        }
    };
}

conformance! {
    plain {
        accounts {
            users_resolve_by_key,
            duplicate_email_conflicts,
            replacing_a_key_revokes_the_old_one,
            bootstrap_runs_once,
        }
        projects {
            create_applies_defaults,
            create_keeps_members_and_batches,
            json_documents_keep_key_order,
            templates_have_unique_names,
            instructions_replace_the_previous_file,
        }
        listing {
            members_see_assigned_projects_and_admins_see_all,
            sorts_break_ties_by_id,
            search_escapes_wildcards,
            totals_stay_exact,
        }
        updates {
            update_changes_only_what_is_sent,
            settings_merge_and_batches_replace,
            assigned_to_replaces_members_and_moves_counts,
            stale_if_match_changes_nothing,
        }
        membership {
            delete_is_soft_and_final,
            unknown_assignees_change_nothing,
            assigning_again_changes_the_role,
            project_access_reports_revision_and_role,
            caller_and_project_access_agrees_with_separate_reads,
        }
        tenancy {
            other_organizations_see_nothing,
        }
        activity {
            performance_sums_by_user,
            performance_filters_by_window_users_and_batches,
        }
    }
    concurrent {
        concurrency {
            distinct_assignments_all_land,
            one_email_assigned_concurrently_is_one_member,
            updates_of_different_fields_all_survive,
            one_if_match_admits_one_writer,
            creates_count_exactly,
            deletes_of_one_project_count_once,
            key_replacements_leave_one_active_key,
        }
    }
}
