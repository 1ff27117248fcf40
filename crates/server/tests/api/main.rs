//! HTTP integration suite: the whole app in-process, one fresh database per test.

mod assign;
mod bad_input;
mod client;
mod concurrency;
mod errors;
mod instructions;
mod list;
mod overload;
mod panic;
mod performance;
mod performance_filters;
mod permissions;
mod pgdb;
mod projects;
mod snapshot;
mod support;
mod templates;
mod tenancy;
mod update;
mod validation;
