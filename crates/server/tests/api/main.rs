//! HTTP integration suite: the whole app in-process, one fresh database per test.

mod assign;
mod client;
mod concurrency;
mod errors;
mod instructions;
mod list;
mod performance;
mod performance_filters;
mod permissions;
mod pgdb;
mod projects;
mod support;
mod templates;
mod update;
mod validation;
