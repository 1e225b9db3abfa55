//! Issue 9 in CI: a few thousand inputs made by the fuzzer's own mutators from the real
//! corpus must each give a result or a clear error (a panic fails the test; proptest
//! reports the seed of the input). The full run is `fabricsim-fuzz` (see `fuzz/README.md`).

use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;
use sim_fuzz::{Corpus, Target, input_rng, mutate};
use sim_models::policy::Registry;
use sim_study::fuzzing::{self, Outcome};

static CORPUS: LazyLock<Corpus> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Corpus::new(sim_fuzz::corpus(&root).expect("the corpus is readable"))
});

/// Makes input `index` of run `seed` for `target` and runs it.
fn check(seed: u64, index: u64, target: Target) -> Result<(), TestCaseError> {
    let registry = Registry::builtin();
    let mut rng = input_rng(seed, index);
    let (pick, text) = mutate(&mut rng, &CORPUS, target).expect("the corpus has both kinds");
    let outcome = match target {
        Target::Scenario => fuzzing::scenario(&text, &registry),
        Target::Sweep => fuzzing::sweep(&text, &CORPUS.seeds[pick].dir, &registry),
    };
    match outcome {
        Outcome::Ok => Ok(()),
        Outcome::Err(message) => {
            prop_assert!(!message.trim().is_empty(), "empty error for {text}");
            Ok(())
        }
        Outcome::Unclear(message) => Err(TestCaseError::fail(format!(
            "unclear error {message:?} for input:\n{text}"
        ))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_give_a_result_or_a_clear_error(seed in any::<u64>(), index in 0u64..1_000_000) {
        check(seed, index, Target::Scenario)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_sweeps_give_a_result_or_a_clear_error(seed in any::<u64>(), index in 0u64..1_000_000) {
        check(seed, index, Target::Sweep)?;
    }
}

#[test]
fn the_corpus_has_scenarios_and_sweeps() {
    let count = |t: Target| CORPUS.seeds.iter().filter(|s| s.target == t).count();
    assert!(count(Target::Scenario) >= 10, "{}", count(Target::Scenario));
    assert!(count(Target::Sweep) >= 3, "{}", count(Target::Sweep));
    // The embedded default scenario is in the corpus.
    assert!(
        CORPUS
            .seeds
            .iter()
            .any(|s| s.text == fabricsim_cli_default())
    );
}

/// The scenario `fabricsim` runs without a file.
fn fabricsim_cli_default() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join("experiments/default/scenario.toml")).expect("readable")
}
