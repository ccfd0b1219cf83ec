//! The 2-D test functions as pure math: value and analytic gradient.
//!
//! Each returns `(f, ∂f/∂x, ∂f/∂y)`.

use std::f64::consts::{E, PI};

/// Rosenbrock: (1 − x)² + 100(y − x²)². Minimum 0 at (1, 1).
#[inline]
pub fn rosenbrock(x: f64, y: f64) -> (f64, f64, f64) {
    let a = 1.0 - x;
    let b = y - x * x;
    // Rounded the way autograd chains it: ∂/∂b = 100·(2b), ∂(x²)/∂x = 2x.
    let gb = 200.0 * b;
    (a * a + 100.0 * (b * b), -(2.0 * a) + -gb * (2.0 * x), gb)
}

/// Beale: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)². Minimum 0 at (3, 0.5).
#[inline]
pub fn beale(x: f64, y: f64) -> (f64, f64, f64) {
    let (y2, y3) = (y * y, y * y * y);
    let a = 1.5 - x + x * y;
    let b = 2.25 - x + x * y2;
    let c = 2.625 - x + x * y3;
    (
        a * a + b * b + c * c,
        2.0 * a * (y - 1.0) + 2.0 * b * (y2 - 1.0) + 2.0 * c * (y3 - 1.0),
        2.0 * a * x + 4.0 * b * x * y + 6.0 * c * x * y2,
    )
}

/// Himmelblau: (x² + y − 11)² + (x + y² − 7)². Four minima of value 0.
#[inline]
pub fn himmelblau(x: f64, y: f64) -> (f64, f64, f64) {
    let a = x * x + y - 11.0;
    let b = x + y * y - 7.0;
    (a * a + b * b, 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b)
}

/// Booth: (x + 2y − 7)² + (2x + y − 5)². Minimum 0 at (1, 3).
#[inline]
pub fn booth(x: f64, y: f64) -> (f64, f64, f64) {
    let a = x + 2.0 * y - 7.0;
    let b = 2.0 * x + y - 5.0;
    (a * a + b * b, 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b)
}

/// Matyas: 0.26(x² + y²) − 0.48xy. Minimum 0 at (0, 0).
#[inline]
pub fn matyas(x: f64, y: f64) -> (f64, f64, f64) {
    (
        0.26 * (x * x + y * y) - 0.48 * x * y,
        0.52 * x - 0.48 * y,
        0.52 * y - 0.48 * x,
    )
}

/// Three-hump camel: 2x² − 1.05x⁴ + x⁶/6 + xy + y². Minimum 0 at (0, 0).
#[inline]
pub fn three_hump_camel(x: f64, y: f64) -> (f64, f64, f64) {
    let x2 = x * x;
    let x4 = x2 * x2;
    (
        2.0 * x2 - 1.05 * x4 + x4 * x2 / 6.0 + x * y + y * y,
        4.0 * x - 4.2 * x2 * x + x4 * x + y,
        x + 2.0 * y,
    )
}

/// Six-hump camel: (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y².
/// Minima −1.0316 at (±0.0898, ∓0.7126).
#[inline]
pub fn six_hump_camel(x: f64, y: f64) -> (f64, f64, f64) {
    let x2 = x * x;
    let y2 = y * y;
    (
        (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2,
        8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y,
        x - 8.0 * y + 16.0 * y2 * y,
    )
}

/// Goldstein–Price: [1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]
/// · [30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]. Minimum 3 at (0, −1).
#[inline]
pub fn goldstein_price(x: f64, y: f64) -> (f64, f64, f64) {
    let s = x + y + 1.0;
    let a = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y;
    let da = -14.0 + 6.0 * x + 6.0 * y; // ∂a/∂x = ∂a/∂y
    let p = 1.0 + s * s * a;
    let dp = 2.0 * s * a + s * s * da;
    let t = 2.0 * x - 3.0 * y;
    let b = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y;
    let q = 30.0 + t * t * b;
    let dqx = 4.0 * t * b + t * t * (-32.0 + 24.0 * x - 36.0 * y);
    let dqy = -6.0 * t * b + t * t * (48.0 - 36.0 * x + 54.0 * y);
    (p * q, dp * q + p * dqx, dp * q + p * dqy)
}

/// Rastrigin: 20 + x² − 10cos(2πx) + y² − 10cos(2πy). Minimum 0 at (0, 0).
#[inline]
pub fn rastrigin(x: f64, y: f64) -> (f64, f64, f64) {
    let (sx, cx) = (2.0 * PI * x).sin_cos();
    let (sy, cy) = (2.0 * PI * y).sin_cos();
    (
        20.0 + x * x - 10.0 * cx + y * y - 10.0 * cy,
        2.0 * x + 20.0 * PI * sx,
        2.0 * y + 20.0 * PI * sy,
    )
}

/// Ackley: −20·exp(−0.2·√(½(x²+y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20.
/// Minimum 0 at (0, 0), where the gradient is taken as 0.
#[inline]
pub fn ackley(x: f64, y: f64) -> (f64, f64, f64) {
    let r = (0.5 * (x * x + y * y)).sqrt();
    let (sx, cx) = (2.0 * PI * x).sin_cos();
    let (sy, cy) = (2.0 * PI * y).sin_cos();
    let cone = (-0.2 * r).exp();
    let ripple = (0.5 * (cx + cy)).exp();
    let f = -20.0 * cone - ripple + E + 20.0;
    let radial = if r > 0.0 { 2.0 * cone / r } else { 0.0 };
    (
        f,
        radial * x + PI * sx * ripple,
        radial * y + PI * sy * ripple,
    )
}

/// Styblinski–Tang: ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ). Minimum −78.332 at (−2.9035, −2.9035).
#[inline]
pub fn styblinski_tang(x: f64, y: f64) -> (f64, f64, f64) {
    let term = |v: f64| {
        let v2 = v * v;
        (
            0.5 * (v2 * v2 - 16.0 * v2 + 5.0 * v),
            2.0 * v2 * v - 16.0 * v + 2.5,
        )
    };
    let (fx, gx) = term(x);
    let (fy, gy) = term(y);
    (fx + fy, gx, gy)
}

/// Ill-conditioned bowl ½(u² + κv²), with (u, v) the point rotated by −θ.
/// Minimum 0 at (0, 0); the Hessian's eigenvalues are 1 and κ.
#[inline]
pub fn ill_conditioned(x: f64, y: f64, condition: f64, cos: f64, sin: f64) -> (f64, f64, f64) {
    let u = x * cos + y * sin;
    let v = -x * sin + y * cos;
    let cv = condition * v;
    (
        0.5 * (u * u + condition * (v * v)),
        u * cos - cv * sin,
        u * sin + cv * cos,
    )
}

/// Saddle: x² − y². Unbounded below; a saddle point at (0, 0).
#[inline]
pub fn saddle(x: f64, y: f64) -> (f64, f64, f64) {
    (x * x - y * y, 2.0 * x, -2.0 * y)
}

/// Saddle with minima: ½x² − ½y² + ¼y⁴. Saddle at (0, 0), minima −¼ at (0, ±1).
#[inline]
pub fn saddle_with_minima(x: f64, y: f64) -> (f64, f64, f64) {
    let y2 = y * y;
    (0.5 * x * x - 0.5 * y2 + 0.25 * (y2 * y2), x, -y + y2 * y)
}

/// One Gaussian well `−depth·exp(−‖p − c‖² / (2σ²))` of [`gaussian_wells`].
const WELLS: [(f64, f64, f64, f64); 2] = [
    // (depth, cx, cy, sigma)
    (2.0, 1.5, 1.0, 0.7),
    (1.2, -1.5, -1.2, 0.9),
];

/// Two Gaussian wells on a shallow bowl: 0.05(x² + y²) − 2·exp(−‖p − (1.5, 1)‖²/0.98)
/// − 1.2·exp(−‖p − (−1.5, −1.2)‖²/1.62). A deep well and a shallow one.
#[inline]
pub fn gaussian_wells(x: f64, y: f64) -> (f64, f64, f64) {
    let mut f = 0.05 * (x * x + y * y);
    let mut gx = 0.1 * x;
    let mut gy = 0.1 * y;
    for (depth, cx, cy, sigma) in WELLS {
        let (dx, dy) = (x - cx, y - cy);
        let two_s2 = 2.0 * sigma * sigma;
        let w = depth * (-(dx * dx + dy * dy) / two_s2).exp();
        f -= w;
        gx += w * 2.0 * dx / two_s2;
        gy += w * 2.0 * dy / two_s2;
    }
    (f, gx, gy)
}
