//! A budget and a deadline on the terminal: the chances and their intervals.

mod common;
use common::*;

fn percent_after(line: &str) -> f64 {
    let value = line.split(" = ").nth(1).expect("` = ` in the line");
    value
        .split('%')
        .next()
        .unwrap()
        .parse()
        .expect("a percentage")
}

#[test]
fn budget_and_deadline_lines_on_stdout() {
    let out = stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "50000",
        "--budget",
        "110M",
        "--deadline",
        "80",
    ]);
    let find = |prefix: &str| {
        out.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in\n{out}"))
    };
    let budget = find("P(total_cost_usd <= $110.0M) = ");
    let deadline = find("P(train_days <= 80) = ");
    let joint = find("P(total_cost_usd <= $110.0M and train_days <= 80) = ");
    let (b, d, j) = (
        percent_after(budget),
        percent_after(deadline),
        percent_after(joint),
    );
    assert!(j <= b.min(d), "{joint}");
    assert!(
        budget.ends_with("%)") && budget.contains("% (95% CI "),
        "{budget}"
    );

    // The other spellings of the budget mean the same.
    for spelling in ["110e6", "$110M", "110000000"] {
        let other = stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "50000",
            "--budget",
            spelling,
            "--deadline",
            "80",
        ]);
        assert_eq!(other, out, "--budget {spelling}");
    }

    let plain = stdout_of(&["run", LLAMA, "--runs", "50000"]);
    assert!(
        !plain.contains("P(total_cost_usd"),
        "no goal lines without --budget:\n{plain}"
    );
}
