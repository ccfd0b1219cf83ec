//! The preconditioner ellipses the map draws with the update arrows.

/// For adaptive optimizers: the image of the ball ‖g‖ under the per-coordinate
/// effective step sizes, centred on θ (how the optimizer reshapes a step).
pub fn preconditioner_ellipses(
    inspections: Option<(u64, &Vec<crate::analysis::inspect::Inspection>)>,
) -> Vec<(usize, Vec<[f64; 2]>)> {
    let Some((_, rows)) = inspections else {
        return Vec::new();
    };
    rows.iter()
        .enumerate()
        .filter_map(|(i, ins)| {
            let eff = ins.derived.iter().find(|v| v.name == "effective_lr")?;
            let (&ex, &ey) = (eff.values.first()?, eff.values.get(1)?);
            let g = ins.grad_norm()?;
            let (&x, &y) = (ins.params.first()?, ins.params.get(1)?);
            let outline: Vec<[f64; 2]> = (0..=64)
                .map(|k| {
                    let t = f64::from(k) / 64.0 * std::f64::consts::TAU;
                    [x + ex * g * t.cos(), y + ey * g * t.sin()]
                })
                .collect();
            outline
                .iter()
                .flatten()
                .all(|v| v.is_finite())
                .then_some((i, outline))
        })
        .collect()
}
