//! `[carbon.<cloud>.<region>]`: hourly grid carbon intensity.

use toml::de::DeTable;

use crate::scenario::power::CarbonProfile;
use crate::scenario::schema::{Field, Kind, Table, req};
use crate::scenario::walk::Walker;

/// `hourly_g_per_kwh`.
pub(crate) const HOURLY_G_PER_KWH: Field = req(
    "hourly_g_per_kwh",
    Kind::Profile,
    "Grid carbon intensity, gCO2e/kWh, one value per hour; hour `h` of the run uses \
     value `h mod length`: 24 values are a daily cycle, 8760 a year.",
);
/// The table.
pub(crate) const PROFILE: Table = Table {
    header: "[carbon.<cloud>.<region>]",
    doc: "Optional, at most one per region. Replaces the region's constant \
          `carbon_g_per_kwh` by an hourly profile; cloud, then region (checked against \
          the catalog when the run is built).",
    fields: &[HOURLY_G_PER_KWH],
    children: &[],
};

impl Walker {
    /// `[carbon.<cloud>.<region>]`, in file order.
    pub(crate) fn carbon_profiles(&mut self, root: &DeTable<'_>) -> Vec<CarbonProfile> {
        let mut out = Vec::new();
        if let Some(v) = root.get("carbon") {
            let path = vec!["carbon".to_owned()];
            for (cloud, t, p) in self.named(v, &path, "[carbon.<cloud>]", "cloud") {
                for (region, t, p) in self.tables_in(t, &p, PROFILE.header, "region") {
                    self.check_keys(t, &p, &PROFILE);
                    let hourly = self.profile(t, &p, &HOURLY_G_PER_KWH);
                    out.push(CarbonProfile {
                        cloud: cloud.clone(),
                        region,
                        hourly_g_per_kwh: hourly.unwrap_or_default(),
                    });
                }
            }
        }
        out
    }
}
