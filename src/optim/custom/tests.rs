use super::*;
use crate::optim::{Adam, Sgd};

/// Rosenbrock's gradient, (1 − x)² + 100(y − x²)².
fn rosenbrock_grad(p: [f64; 2]) -> [f64; 2] {
    let [x, y] = p;
    [
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ]
}

/// Steps `n` times from `start` on Rosenbrock, returning every point.
fn path<O: Optimizer>(opt: &O, lr: f64, start: [f64; 2], n: usize) -> Vec<[f64; 2]> {
    let mut state = opt.init(2);
    let mut p = start;
    let mut out = vec![p];
    for _ in 0..n {
        let g = rosenbrock_grad(p);
        opt.step(&mut p, &g, &mut state, lr);
        out.push(p);
    }
    out
}

#[test]
fn adam_typed_by_hand_follows_the_built_in_adam() {
    let typed = Custom {
        lr: 0.01,
        ..Custom::default()
    };
    let adam = Adam {
        lr: 0.01,
        ..Adam::default()
    };
    let (a, b) = (
        path(&typed, 0.01, [-1.5, 2.0], 500),
        path(&adam, 0.01, [-1.5, 2.0], 500),
    );
    let worst = a
        .iter()
        .zip(&b)
        .flat_map(|(p, q)| [(p[0] - q[0]).abs(), (p[1] - q[1]).abs()])
        .fold(0.0, f64::max);
    assert!(worst < 1e-12, "worst difference {worst:e}");
    assert!(a[500] != a[0], "it moved");
}

#[test]
fn plain_gradient_descent_is_one_equation() {
    let gd = Custom {
        hyper: vec![],
        state: vec![],
        update: vec!["theta = theta - lr*g".into()],
        lr: 0.001,
    };
    assert_eq!(
        path(&gd, 0.001, [-1.5, 2.0], 50),
        path(&Sgd::default(), 0.001, [-1.5, 2.0], 50)
    );
}

#[test]
fn temporaries_and_state_are_kept_apart() {
    let rule = Custom {
        lr: 0.1,
        hyper: vec![("mu".into(), 0.5)],
        state: vec![("b".into(), 0.0)],
        update: vec![
            "step = lr * sign(g) * max(abs(g), 1)".into(),
            "b = mu*b + step".into(),
            "theta = theta - b".into(),
        ],
    };
    let mut state = rule.init(1);
    let mut p = [1.0];
    rule.step(&mut p, &[0.5], &mut state, 0.1);
    assert_eq!(p, [0.9]);
    assert_eq!(state.buffers, [vec![0.1]]);
    rule.step(&mut p, &[-3.0], &mut state, 0.1);
    // step = 0.1·(−1)·3 = −0.3; b = 0.05 − 0.3.
    assert!((state.buffers[0][0] + 0.25).abs() < 1e-15);
    assert!((p[0] - 1.15).abs() < 1e-15);
    let names: Vec<&str> = rule.describe(&state).iter().map(|v| v.name).collect();
    assert_eq!(names, ["b"]);
}

#[test]
fn errors_name_the_equation_and_the_character() {
    let with = |update: &[&str]| Custom {
        update: update.iter().map(|s| (*s).to_owned()).collect(),
        ..Custom::default()
    };
    let e = with(&["m = beta1*m + (1-bta1)*g", "theta = theta - lr*m"])
        .compile()
        .unwrap_err();
    assert_eq!((e.equation, e.column), (1, 18));
    assert_eq!(e.message, "unknown name `bta1`");
    assert!(
        e.to_string()
            .ends_with("    m = beta1*m + (1-bta1)*g\n                     ^"),
        "{e}"
    );
    let e = with(&["theta = theta - lr*g", "g = 0"])
        .compile()
        .unwrap_err();
    assert_eq!((e.equation, e.column), (2, 1));
    assert!(e.message.contains("read-only"), "{}", e.message);
    let e = with(&["m = g"]).compile().unwrap_err();
    assert_eq!(e.message, "no equation assigns theta");
    let e = with(&["theta = theta - lr*mhat", "mhat = m"])
        .compile()
        .unwrap_err();
    assert_eq!(
        (e.equation, e.column, e.message.as_str()),
        (1, 20, "unknown name `mhat`")
    );
    let e = with(&["theta theta - lr*g"]).compile().unwrap_err();
    assert_eq!(e.message, "write `name = expression`");
    let e = Custom {
        hyper: vec![("lr".into(), 0.1)],
        ..Custom::default()
    }
    .compile()
    .unwrap_err();
    assert!(e.message.contains("`lr` is taken"), "{}", e.message);
}

#[test]
fn the_same_shape_keeps_buffers_and_other_values_do_not_matter() {
    let a = Custom::default();
    let mut b = a.clone();
    b.hyper[0].1 = 0.5;
    b.lr = 0.3;
    assert!(a.same_shape(&b));
    b.update[0] = "m = g".into();
    assert!(!a.same_shape(&b));
}

#[test]
fn named_values_read_back_and_point_at_what_does_not_read() {
    let rule = Custom::default();
    let text = named_values_text(&rule.hyper);
    assert_eq!(text, "beta1 = 0.9, beta2 = 0.999, eps = 1e-8");
    assert_eq!(parse_named_values(&text).unwrap(), rule.hyper);
    assert_eq!(parse_named_values("  ").unwrap(), vec![]);
    assert_eq!(parse_named_values("a = 1, b 2").unwrap_err().0, 8);
    assert_eq!(
        parse_named_values("a = 1, b = x").unwrap_err(),
        (12, "`x` is not a number".into())
    );
    assert_eq!(parse_named_values("1a = 1").unwrap_err().0, 1);
}
