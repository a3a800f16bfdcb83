//! Compile-fail tests: what `#[tool]` says about the fns it cannot turn
//! into tools. The expected messages are in `tests/ui/*.stderr`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
