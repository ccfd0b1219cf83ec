//! The widest vector instructions this CPU has, detected once.
//!
//! `pulp::Arch::new` tests a dozen CPU features on every call (AVX-512's
//! five, then AVX2's); a 2-D Adam step dispatches once per step, so the
//! answer is kept.

use std::sync::OnceLock;

static ARCH: OnceLock<pulp::Arch> = OnceLock::new();

/// The instruction set kernels are dispatched to: AVX-512 (x86-64-v4),
/// AVX2 with FMA (v3), or scalar code.
#[inline]
pub fn arch() -> pulp::Arch {
    *ARCH.get_or_init(pulp::Arch::new)
}
