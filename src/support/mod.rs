//! Plumbing every layer may use: atomic files, field checks, number
//! formatting, latest-wins workers, background jobs and small eigenvalue
//! problems. Depends on std only.

pub mod atomic_file;
pub mod format;
pub mod job;
pub mod linalg;
pub mod validate;
pub mod worker;
