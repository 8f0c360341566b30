//! Tests of the Xtreme1 readers: fixtures of good trees and files, then each problem with its
//! code, file and JSON path.

mod camera;
mod detection;
mod result;
mod tree;

use wharf_model::{Problem, ProblemCode, Severity};

/// (code, severity, file) of every problem, for comparing whole lists.
fn summary(problems: &[Problem]) -> Vec<(ProblemCode, Severity, &str)> {
    problems
        .iter()
        .map(|p| (p.code, p.severity, p.file.as_str()))
        .collect()
}

/// (code, severity, JSON path) of every problem.
fn at_paths(problems: &[Problem]) -> Vec<(ProblemCode, Severity, &str)> {
    problems
        .iter()
        .map(|p| (p.code, p.severity, p.json_path.as_deref().unwrap_or("-")))
        .collect()
}

/// Every message is one sentence.
fn assert_sentences(problems: &[Problem]) {
    for problem in problems {
        assert!(
            problem.message.ends_with('.'),
            "not a sentence: {}",
            problem.message
        );
    }
}
