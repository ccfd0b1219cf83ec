//! Number formatting shared by the CLI and the window.

/// A number with 7 significant digits, in scientific form when very large or small.
pub fn compact(v: f64) -> String {
    let magnitude = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e6).contains(&magnitude) {
        let digits = if magnitude >= 1.0 || v == 0.0 || !v.is_finite() {
            6usize.saturating_sub(magnitude.log10().max(0.0) as usize)
        } else {
            7 + (-magnitude.log10()).floor() as usize
        };
        format!("{v:.digits$}")
    } else {
        format!("{v:.6e}")
    }
}

/// Parameter names for a message: all of a few, the ends of many
/// (`theta_0, theta_1, theta_2, …, theta_370`).
pub fn name_list(names: &[String]) -> String {
    match names {
        [first, second, third, .., last] if names.len() > 6 => {
            format!("{first}, {second}, {third}, …, {last}")
        }
        _ => names.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn compact_numbers_stay_short() {
        assert_eq!(compact(0.773_158_2), "0.7731582");
        assert_eq!(compact(-1234.5678), "-1234.568");
        assert_eq!(compact(8.59e153), "8.590000e153");
        assert_eq!(compact(1.5e-7), "1.500000e-7");
        assert_eq!(compact(0.001_234_567_89), "0.001234568");
        assert_eq!(compact(0.0), "0.000000");
        assert_eq!(compact(f64::NAN), "NaN");
    }
}
