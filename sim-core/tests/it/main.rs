//! Integration tests of sim-core, one module per behaviour.
