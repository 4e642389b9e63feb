//! Shell completions and manual pages are generated from the flag definitions, so they know
//! every subcommand and flag the binary accepts.

mod common;
use common::{flopcast, stdout_of};

const SUBCOMMANDS: [&str; 10] = [
    "merge",
    "portfolio",
    "update",
    "run",
    "sensitivity",
    "sweep",
    "compare",
    "calibrate",
    "report",
    "check",
];

#[test]
fn completions_know_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            script.contains("budget"),
            "{shell} completion lacks --budget"
        );
    }
}

#[test]
fn an_unknown_shell_is_a_flag_error() {
    flopcast().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn manual_pages_cover_the_tool_and_each_subcommand() {
    let top = stdout_of(&["man"]);
    assert!(
        top.starts_with(".ie") || top.contains(".TH flopcast 1"),
        "{top}"
    );
    for sub in SUBCOMMANDS {
        assert!(top.contains(sub), "the top page lists {sub}");
        let page = stdout_of(&["man", sub]);
        assert!(page.contains(&format!(".TH flopcast-{sub} 1")), "{page}");
    }
    assert!(stdout_of(&["man", "run"]).contains("samples\\-csv"));
    flopcast().args(["man", "nope"]).assert().code(2);
}
