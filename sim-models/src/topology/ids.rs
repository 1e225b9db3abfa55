//! Ids of the fabric's levels and the [`FailureDomain`] that names any one of them.
//!
//! Every id is a global index into its level, numbered in scenario file order: site `k` is
//! the `k`-th site of the file; clusters, racks, nodes and accelerators are numbered site
//! by site, cluster by cluster, so each cluster owns one contiguous range of each level.
//! The numbers are therefore stable for a given scenario (same file, same ids, every run)
//! but shift when a site or cluster is added before them. For anything that must survive
//! scenario edits (RNG stream keys, outputs, scripted injections) use the named key of
//! [`Fabric::domain_key`](super::Fabric::domain_key) instead.

use std::fmt;

use crate::catalog::{CloudId, RegionId};

/// Index of a site (datacenter) in its [`Fabric`](super::Fabric).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteId(pub u16);

/// Global index of a cluster in its fabric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClusterId(pub u32);

/// Global index of a rack in its fabric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RackId(pub u32);

/// Global index of a node (one server) in its fabric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// Global index of one accelerator chip in its fabric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AcceleratorId(pub u32);

/// One failure domain: any level of the fabric, from a whole cloud down to one chip.
///
/// Variants are declared outermost first, so the derived order sorts a cloud before its
/// regions, a region before its sites, and so on (for domains of different levels).
///
/// `Display` is numeric and compact, `<level>#<index>` (`site#3`, `accelerator#1234`),
/// stable for a given scenario; the scenario-independent form is
/// [`Fabric::domain_key`](super::Fabric::domain_key) (`site:aws-use1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureDomain {
    /// A whole cloud provider.
    Cloud(CloudId),
    /// A region of a cloud.
    Region(RegionId),
    /// A datacenter.
    Site(SiteId),
    /// A cluster of one accelerator kind.
    Cluster(ClusterId),
    /// A rack of nodes.
    Rack(RackId),
    /// A node (server).
    Node(NodeId),
    /// One accelerator chip.
    Accelerator(AcceleratorId),
}

impl FailureDomain {
    /// The level's name: `cloud`, `region`, `site`, `cluster`, `rack`, `node` or `accelerator`.
    pub fn level(&self) -> &'static str {
        match self {
            Self::Cloud(_) => "cloud",
            Self::Region(_) => "region",
            Self::Site(_) => "site",
            Self::Cluster(_) => "cluster",
            Self::Rack(_) => "rack",
            Self::Node(_) => "node",
            Self::Accelerator(_) => "accelerator",
        }
    }

    /// The id's index within its level.
    pub fn index(&self) -> u32 {
        match *self {
            Self::Cloud(CloudId(i)) | Self::Region(RegionId(i)) | Self::Site(SiteId(i)) => {
                u32::from(i)
            }
            Self::Cluster(ClusterId(i))
            | Self::Rack(RackId(i))
            | Self::Node(NodeId(i))
            | Self::Accelerator(AcceleratorId(i)) => i,
        }
    }
}

impl fmt::Display for FailureDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.level(), self.index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_level_and_index() {
        assert_eq!(FailureDomain::Site(SiteId(3)).to_string(), "site#3");
        assert_eq!(FailureDomain::Cloud(CloudId(0)).to_string(), "cloud#0");
        assert_eq!(
            FailureDomain::Accelerator(AcceleratorId(999_999)).to_string(),
            "accelerator#999999"
        );
    }

    #[test]
    fn levels_sort_outermost_first() {
        let mut d = [
            FailureDomain::Accelerator(AcceleratorId(0)),
            FailureDomain::Node(NodeId(0)),
            FailureDomain::Cloud(CloudId(9)),
            FailureDomain::Site(SiteId(1)),
        ];
        d.sort();
        let levels: Vec<_> = d.iter().map(|d| d.level()).collect();
        assert_eq!(levels, ["cloud", "site", "node", "accelerator"]);
    }
}
