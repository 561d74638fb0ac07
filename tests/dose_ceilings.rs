//! A page's dose ceiling is an assertion for conflicts with other pages whether or not any page
//! linted so far has called a dose toxic. Its own process: no other test has compiled the
//! builtin checks' regexes first (they are compiled for the first page that may need them).

use copylint::document::{Document, Format};
use copylint::{Engine, Pack};

#[test]
fn a_ceiling_is_asserted_on_a_page_that_calls_nothing_toxic() {
    let engine =
        Engine::new(Pack::embedded().unwrap_or_else(|e| panic!("pack: {e}"))).unwrap_or_else(|e| panic!("{e}"));
    let page = "Baclofen dosing.\n\nDo not exceed 80 mg of baclofen a day.\n";
    let outcome = engine.lint(&Document::parse(page, Format::Text));
    let ceilings: Vec<_> = outcome.assertions.iter().filter(|a| a.low && a.value == Some(80.0)).collect();
    assert_eq!(ceilings.len(), 1, "{:?}", outcome.assertions);
    // And the other page's toxic dose then meets it.
    let other = "A toxic dose of baclofen is 60 mg.\n";
    let outcome = engine.lint(&Document::parse(other, Format::Text));
    assert!(outcome.assertions.iter().any(|a| !a.low && a.value == Some(60.0)), "{:?}", outcome.assertions);
}
