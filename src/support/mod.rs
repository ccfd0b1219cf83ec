//! Plumbing every layer may use: atomic files, field checks, number
//! formatting, latest-wins workers and background jobs. Depends on std only.

pub mod atomic_file;
pub mod format;
pub mod job;
pub mod validate;
pub mod worker;
