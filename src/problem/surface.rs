//! The catalogue of analytic 2-D loss surfaces.

use serde::{Deserialize, Serialize};

use super::functions as f;
use super::{Batch, Minimum, Problem, ViewBox};
use crate::support::validate::Checker;

/// A 2-D test function, as written in a preset: `Surface(Rosenbrock)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Surface {
    /// (1 − x)² + 100(y − x²)²: a curved, narrow valley.
    Rosenbrock,
    /// Beale's function: flat plateaus and sharp ridges.
    Beale,
    /// Himmelblau's function: four equal minima.
    Himmelblau,
    /// Booth's function: a tilted quadratic bowl.
    Booth,
    /// Matyas: a flat, slightly ill-conditioned bowl.
    Matyas,
    /// Three-hump camel: one global and two local minima.
    ThreeHumpCamel,
    /// Six-hump camel: two global minima among six.
    SixHumpCamel,
    /// Goldstein–Price: steep walls, several local minima.
    GoldsteinPrice,
    /// Rastrigin: a bowl covered in local minima.
    Rastrigin,
    /// Ackley: a needle in a bumpy plateau.
    Ackley,
    /// Styblinski–Tang: four basins of different depth.
    StyblinskiTang,
    /// ½(u² + κv²) in axes rotated by `angle` degrees.
    IllConditioned {
        /// Condition number κ, the ratio of the Hessian's eigenvalues.
        #[serde(default = "default_condition")]
        condition: f64,
        /// Rotation of the principal axes, in degrees.
        #[serde(default)]
        angle: f64,
    },
    /// x² − y²: a saddle with nothing below it.
    Saddle,
    /// ½x² − ½y² + ¼y⁴: a saddle between two minima.
    SaddleWithMinima,
    /// Two Gaussian wells, one deep and one shallow, on a shallow bowl.
    GaussianWells,
}

fn default_condition() -> f64 {
    10.0
}

impl Surface {
    /// Every surface with default parameters, in display order.
    pub fn catalogue() -> [Self; 15] {
        [
            Self::Rosenbrock,
            Self::Beale,
            Self::Himmelblau,
            Self::Booth,
            Self::Matyas,
            Self::ThreeHumpCamel,
            Self::SixHumpCamel,
            Self::GoldsteinPrice,
            Self::Rastrigin,
            Self::Ackley,
            Self::StyblinskiTang,
            Self::IllConditioned {
                condition: default_condition(),
                angle: 0.0,
            },
            Self::Saddle,
            Self::SaddleWithMinima,
            Self::GaussianWells,
        ]
    }

    /// Human-readable name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Rosenbrock => "Rosenbrock",
            Self::Beale => "Beale",
            Self::Himmelblau => "Himmelblau",
            Self::Booth => "Booth",
            Self::Matyas => "Matyas",
            Self::ThreeHumpCamel => "Three-hump camel",
            Self::SixHumpCamel => "Six-hump camel",
            Self::GoldsteinPrice => "Goldstein–Price",
            Self::Rastrigin => "Rastrigin",
            Self::Ackley => "Ackley",
            Self::StyblinskiTang => "Styblinski–Tang",
            Self::IllConditioned { .. } => "Ill-conditioned bowl",
            Self::Saddle => "Saddle",
            Self::SaddleWithMinima => "Saddle with minima",
            Self::GaussianWells => "Gaussian wells",
        }
    }

    /// The preset identifier, e.g. `Rosenbrock`.
    pub fn ident(&self) -> &'static str {
        match self {
            Self::Rosenbrock => "Rosenbrock",
            Self::Beale => "Beale",
            Self::Himmelblau => "Himmelblau",
            Self::Booth => "Booth",
            Self::Matyas => "Matyas",
            Self::ThreeHumpCamel => "ThreeHumpCamel",
            Self::SixHumpCamel => "SixHumpCamel",
            Self::GoldsteinPrice => "GoldsteinPrice",
            Self::Rastrigin => "Rastrigin",
            Self::Ackley => "Ackley",
            Self::StyblinskiTang => "StyblinskiTang",
            Self::IllConditioned { .. } => "IllConditioned",
            Self::Saddle => "Saddle",
            Self::SaddleWithMinima => "SaddleWithMinima",
            Self::GaussianWells => "GaussianWells",
        }
    }

    /// The formula as display text.
    pub fn formula(&self) -> String {
        match self {
            Self::Rosenbrock => "(1 − x)² + 100(y − x²)²".into(),
            Self::Beale => "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²".into(),
            Self::Himmelblau => "(x² + y − 11)² + (x + y² − 7)²".into(),
            Self::Booth => "(x + 2y − 7)² + (2x + y − 5)²".into(),
            Self::Matyas => "0.26(x² + y²) − 0.48xy".into(),
            Self::ThreeHumpCamel => "2x² − 1.05x⁴ + x⁶/6 + xy + y²".into(),
            Self::SixHumpCamel => "(4 − 2.1x² + x⁴/3)x² + xy + (4y² − 4)y²".into(),
            Self::GoldsteinPrice => "[1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]·[30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]".into(),
            Self::Rastrigin => "20 + x² − 10cos(2πx) + y² − 10cos(2πy)".into(),
            Self::Ackley => "−20·exp(−0.2√(½(x²+y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20".into(),
            Self::StyblinskiTang => "½(x⁴ − 16x² + 5x + y⁴ − 16y² + 5y)".into(),
            Self::IllConditioned { condition, angle } => {
                format!("½(u² + {condition}·v²), axes rotated by {angle}°")
            }
            Self::Saddle => "x² − y²".into(),
            Self::SaddleWithMinima => "½x² − ½y² + ¼y⁴".into(),
            Self::GaussianWells => "0.05(x² + y²) − 2·exp(−((x − 1.5)² + (y − 1)²)/0.98) − 1.2·exp(−((x + 1.5)² + (y + 1.2)²)/1.62)".into(),
        }
    }

    /// Whether the loss spans many decades, so plots want log-spaced levels.
    pub fn is_valley(&self) -> bool {
        matches!(
            self,
            Self::Rosenbrock | Self::Beale | Self::GoldsteinPrice | Self::Himmelblau | Self::Booth
        )
    }

    /// Range checks on the surface's parameters.
    pub(crate) fn check(&self, c: &mut Checker) {
        if let Self::IllConditioned { condition, angle } = self {
            if c.finite("condition", *condition) && *condition < 1.0 {
                c.fail("condition", format!("must be >= 1, got {condition}"));
            }
            c.finite("angle", *angle);
        }
    }

    /// Value and gradient at (x, y).
    #[inline]
    pub fn eval(&self, x: f64, y: f64) -> (f64, f64, f64) {
        match *self {
            Self::Rosenbrock => f::rosenbrock(x, y),
            Self::Beale => f::beale(x, y),
            Self::Himmelblau => f::himmelblau(x, y),
            Self::Booth => f::booth(x, y),
            Self::Matyas => f::matyas(x, y),
            Self::ThreeHumpCamel => f::three_hump_camel(x, y),
            Self::SixHumpCamel => f::six_hump_camel(x, y),
            Self::GoldsteinPrice => f::goldstein_price(x, y),
            Self::Rastrigin => f::rastrigin(x, y),
            Self::Ackley => f::ackley(x, y),
            Self::StyblinskiTang => f::styblinski_tang(x, y),
            Self::IllConditioned { condition, angle } => {
                let (sin, cos) = angle.to_radians().sin_cos();
                f::ill_conditioned(x, y, condition, cos, sin)
            }
            Self::Saddle => f::saddle(x, y),
            Self::SaddleWithMinima => f::saddle_with_minima(x, y),
            Self::GaussianWells => f::gaussian_wells(x, y),
        }
    }

    /// Known global and notable local minima.
    pub fn minima(&self) -> Vec<Minimum> {
        let m = |x: f64, y: f64, label: &'static str| Minimum {
            point: vec![x, y],
            value: self.eval(x, y).0,
            label,
        };
        match self {
            Self::Rosenbrock => vec![m(1.0, 1.0, "global")],
            Self::Beale => vec![m(3.0, 0.5, "global")],
            Self::Himmelblau => vec![
                m(3.0, 2.0, "global"),
                m(-2.805_118_086_952_745, 3.131_312_518_250_573, "global"),
                m(-3.779_310_253_377_747, -3.283_185_991_286_17, "global"),
                m(3.584_428_340_330_492, -1.848_126_526_964_404, "global"),
            ],
            Self::Booth => vec![m(1.0, 3.0, "global")],
            Self::Matyas | Self::Rastrigin | Self::Ackley | Self::IllConditioned { .. } => {
                vec![m(0.0, 0.0, "global")]
            }
            Self::ThreeHumpCamel => vec![
                m(0.0, 0.0, "global"),
                m(1.747_552_345_830_289, -0.873_776_172_915_144_5, "local"),
                m(-1.747_552_345_830_289, 0.873_776_172_915_144_5, "local"),
            ],
            Self::SixHumpCamel => vec![
                m(0.089_842_013_100_318, -0.712_656_403_020_740, "global"),
                m(-0.089_842_013_100_318, 0.712_656_403_020_740, "global"),
            ],
            Self::GoldsteinPrice => vec![m(0.0, -1.0, "global")],
            Self::StyblinskiTang => {
                let (lo, hi) = (-2.903_534_027_771_177, 2.746_802_770_990_837);
                vec![
                    m(lo, lo, "global"),
                    m(lo, hi, "local"),
                    m(hi, lo, "local"),
                    m(hi, hi, "local"),
                ]
            }
            Self::Saddle => Vec::new(),
            Self::SaddleWithMinima => vec![m(0.0, 1.0, "global"), m(0.0, -1.0, "global")],
            Self::GaussianWells => vec![
                m(1.463_811_171_247_038, 0.975_857_245_773_016, "global"),
                m(-1.404_311_428_502_902, -1.123_450_098_468_781, "local"),
            ],
        }
    }

    /// A view box that frames the interesting part.
    pub fn view(&self) -> ViewBox {
        let v = |x0: f64, x1: f64, y0: f64, y1: f64| ViewBox {
            x: (x0, x1),
            y: (y0, y1),
        };
        match self {
            Self::Rosenbrock => v(-2.0, 2.0, -1.0, 3.0),
            Self::Beale => v(-4.5, 4.5, -4.5, 4.5),
            Self::Himmelblau
            | Self::StyblinskiTang
            | Self::Ackley
            | Self::IllConditioned { .. } => v(-5.0, 5.0, -5.0, 5.0),
            Self::Booth | Self::Matyas => v(-10.0, 10.0, -10.0, 10.0),
            Self::ThreeHumpCamel => v(-2.5, 2.5, -2.5, 2.5),
            Self::SixHumpCamel => v(-3.0, 3.0, -2.0, 2.0),
            Self::GoldsteinPrice => v(-2.0, 2.0, -2.0, 2.0),
            Self::Rastrigin => v(-5.12, 5.12, -5.12, 5.12),
            Self::Saddle => v(-3.0, 3.0, -3.0, 3.0),
            Self::SaddleWithMinima => v(-2.5, 2.5, -2.0, 2.0),
            Self::GaussianWells => v(-4.0, 4.0, -4.0, 4.0),
        }
    }

    /// A start point that shows the surface's character.
    pub fn default_start(&self) -> [f64; 2] {
        match self {
            Self::Rosenbrock => [-1.5, 2.0],
            Self::Beale => [1.0, 1.5],
            Self::Himmelblau => [-0.5, -0.5],
            Self::Booth => [-6.0, 8.0],
            Self::Matyas => [-8.0, 6.0],
            Self::ThreeHumpCamel => [-2.0, 1.5],
            Self::SixHumpCamel => [-1.5, 1.2],
            Self::GoldsteinPrice => [0.5, 1.5],
            Self::Rastrigin => [3.2, -2.3],
            Self::Ackley => [3.5, -2.8],
            Self::StyblinskiTang => [-0.5, 4.0],
            Self::IllConditioned { .. } => [-4.0, 2.0],
            Self::Saddle => [-2.5, 0.01],
            Self::SaddleWithMinima => [2.0, 0.001],
            Self::GaussianWells => [-3.5, 3.0],
        }
    }
}

impl Problem for Surface {
    fn dim(&self) -> usize {
        2
    }

    fn param_names(&self) -> Vec<String> {
        vec!["x".into(), "y".into()]
    }

    fn name(&self) -> String {
        self.name().into()
    }

    fn formula(&self) -> String {
        self.formula()
    }

    #[inline]
    fn loss(&self, params: &[f64]) -> f64 {
        match params {
            [x, y] => self.eval(*x, *y).0,
            _ => f64::NAN,
        }
    }

    #[inline]
    fn loss_grad(&self, params: &[f64], _batch: Batch<'_>, grad: &mut [f64]) -> f64 {
        match (params, grad) {
            ([x, y], [gx, gy]) => {
                let (v, dx, dy) = self.eval(*x, *y);
                *gx = dx;
                *gy = dy;
                v
            }
            _ => f64::NAN,
        }
    }

    fn default_start(&self) -> Vec<f64> {
        self.default_start().to_vec()
    }

    fn minima(&self) -> Vec<Minimum> {
        self.minima()
    }

    fn view(&self) -> Option<ViewBox> {
        Some(self.view())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rotated_bowls() -> impl Strategy<Value = Surface> {
        (1.0..1000.0f64, -180.0..180.0f64)
            .prop_map(|(condition, angle)| Surface::IllConditioned { condition, angle })
    }

    fn any_surface() -> impl Strategy<Value = Surface> {
        prop_oneof![
            proptest::sample::select(Surface::catalogue().to_vec()),
            rotated_bowls(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Analytic gradients agree with central finite differences.
        #[test]
        fn gradient_matches_central_differences(
            s in any_surface(),
            u in 0.0..1.0f64,
            v in 0.0..1.0f64,
        ) {
            let view = s.view();
            let x = view.x.0 + u * (view.x.1 - view.x.0);
            let y = view.y.0 + v * (view.y.1 - view.y.0);
            // Ackley's cone has no gradient at the origin.
            prop_assume!(!matches!(s, Surface::Ackley) || x.hypot(y) > 1e-3);
            let (_, gx, gy) = s.eval(x, y);
            let h = 1e-5;
            let fd_x = (s.eval(x + h, y).0 - s.eval(x - h, y).0) / (2.0 * h);
            let fd_y = (s.eval(x, y + h).0 - s.eval(x, y - h).0) / (2.0 * h);
            let scale = 1.0 + s.eval(x, y).0.abs().max(gx.abs()).max(gy.abs());
            prop_assert!((gx - fd_x).abs() <= 1e-6 * scale, "{s:?} at ({x}, {y}): ∂x {gx} vs {fd_x}");
            prop_assert!((gy - fd_y).abs() <= 1e-6 * scale, "{s:?} at ({x}, {y}): ∂y {gy} vs {fd_y}");
        }
    }

    #[test]
    fn minima_are_stationary_and_lowest_nearby() {
        for s in Surface::catalogue() {
            for m in s.minima() {
                let (x, y) = (m.point[0], m.point[1]);
                let (f0, gx, gy) = s.eval(x, y);
                assert!(
                    gx.hypot(gy) < 1e-6,
                    "{} minimum {:?}: ‖g‖ = {}",
                    s.name(),
                    m.point,
                    gx.hypot(gy)
                );
                for (dx, dy) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)] {
                    assert!(
                        s.eval(x + dx, y + dy).0 >= f0,
                        "{} at {:?}",
                        s.name(),
                        m.point
                    );
                }
            }
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(Surface::Rosenbrock.eval(-1.5, 2.0).0, 12.5);
        assert!((Surface::GoldsteinPrice.eval(0.0, -1.0).0 - 3.0).abs() < 1e-12);
        assert!((Surface::SixHumpCamel.minima()[0].value + 1.031_628_453).abs() < 1e-8);
        assert!((Surface::StyblinskiTang.minima()[0].value + 78.332_331_4).abs() < 1e-6);
        assert!(Surface::Ackley.eval(0.0, 0.0).0.abs() < 1e-12);
    }

    #[test]
    fn start_points_lie_in_the_view() {
        for s in Surface::catalogue() {
            let [x, y] = s.default_start();
            let v = s.view();
            assert!(
                v.x.0 <= x && x <= v.x.1 && v.y.0 <= y && y <= v.y.1,
                "{}",
                s.name()
            );
        }
    }
}
