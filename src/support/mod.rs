//! Plumbing every layer may use: atomic files, field checks, number
//! formatting, latest-wins workers, background jobs, small eigenvalue
//! problems and the CPU's vector instruction set. Depends on std and pulp.

pub mod atomic_file;
pub mod format;
pub mod job;
pub mod linalg;
pub mod simd;
pub mod validate;
pub mod worker;
