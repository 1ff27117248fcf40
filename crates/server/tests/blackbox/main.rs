//! Black-box tests: the real `annohub` binary, killed, stopped and probed from outside.

mod crash;
mod instances;
mod limits;
mod shutdown;
mod support;
