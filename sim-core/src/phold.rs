//! phold (in progress)
