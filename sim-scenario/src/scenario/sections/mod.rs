//! The sections of a scenario file, each with its schema (the [`Field`]s and [`Table`]s the
//! reference is rendered from) next to the [`Walker`] methods that read it.
//!
//! | module | tables |
//! |---|---|
//! | [`sim`] | `[sim]` |
//! | [`network`] | `[network]`, `[[network.links]]` |
//! | [`sites`] | `[sites.<site>]`, `[sites.<site>.clusters.<cluster>]` |
//! | [`buildouts`] | `[[buildouts]]` |
//! | [`catalog`] | `[catalog.*]` |
//! | [`jobs`] | `[jobs.<job>]`, `[job_generators.<prefix>]` |
//! | [`failures`] | `[failures]`, `[failures.categories.<category>]`, `[failures.params]` |
//! | [`policy`] | `[policy]` and its parameter tables |
//! | [`outages`] | `[[outages]]`, `[[background_outages]]`, `[[maintenance]]` |
//! | [`power`] | `[power.sites.<site>]`, `[[curtailments]]`, `[[random_curtailments]]`, `[[grid_outages]]` |
//! | [`commitments`] | `[commitments.<cloud>]` |
//! | [`carbon`] | `[carbon.<cloud>.<region>]` |
//! | [`serving`] | `[serving]`, `[[services]]`, `[[partitions]]`, `[random_partitions]` |
//!
//! [`Field`]: super::schema::Field
//! [`Table`]: super::schema::Table
//! [`Walker`]: super::walk::Walker

pub(crate) mod buildouts;
pub(crate) mod carbon;
pub(crate) mod catalog;
pub(crate) mod commitments;
pub(crate) mod failures;
pub(crate) mod jobs;
pub(crate) mod network;
pub(crate) mod outages;
pub(crate) mod policy;
pub(crate) mod power;
pub(crate) mod serving;
pub(crate) mod sim;
pub(crate) mod sites;
