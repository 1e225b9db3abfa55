//! `fabricsim validate`: what fabricsim understood of a scenario, as tables.

use std::fmt::Write as _;

use sim_models::network::RttBasis;

use crate::output::table::{Align, Table};
use crate::resolve::Resolved;

/// The resolved summary: accelerators per cloud and kind, power per site against its cap,
/// totals, and the RTT matrix between the sites in use.
pub fn summary(r: &Resolved) -> String {
    let mut out = String::new();
    let s = &r.scenario;
    let f = &r.fabric;
    let _ = writeln!(
        out,
        "scenario {}: {}",
        s.name.as_deref().unwrap_or("(unnamed)"),
        s.source.file
    );
    let _ = writeln!(
        out,
        "horizon {}, seed {}, {} sites, {} clusters, {} racks, {} nodes, {} accelerators\n",
        s.horizon,
        s.seed,
        f.sites().len(),
        f.clusters().len(),
        f.rack_count(),
        f.node_count(),
        f.accelerator_count()
    );

    let generated = r.jobs.len() - s.jobs.len();
    let _ = writeln!(
        out,
        "{} training jobs ({} generated), failures: {}, {} outages and maintenance windows\n",
        r.jobs.len(),
        generated,
        r.failures.name,
        r.outages.len()
    );

    out.push_str("Accelerators per cloud and kind\n");
    let mut kinds = Table::new(&[
        ("cloud", Align::Left),
        ("accelerator", Align::Left),
        ("count", Align::Right),
        ("peak PFLOP/s bf16", Align::Right),
        ("peak IT MW", Align::Right),
    ]);
    for (cloud, kind, count) in f.counts_by_cloud_and_kind() {
        let spec = r.catalog.accelerator(kind);
        let chip_it_w = spec.tdp_w + spec.host_w_per_chip;
        kinds.push(vec![
            r.catalog.cloud(cloud).name.clone(),
            spec.name.clone(),
            count.to_string(),
            format!("{:.1}", f64::from(count) * spec.bf16_tflops / 1000.0),
            format!("{:.2}", f64::from(count) * chip_it_w / 1e6),
        ]);
    }
    out.push_str(&kinds.to_text());

    out.push_str("\nPower per site (peak: every accelerator at TDP)\n");
    let mut sites = Table::new(&[
        ("site", Align::Left),
        ("cloud/region", Align::Left),
        ("online", Align::Right),
        ("accelerators", Align::Right),
        ("IT MW", Align::Right),
        ("PUE", Align::Right),
        ("facility MW", Align::Right),
        ("cap MW", Align::Right),
        ("use of cap", Align::Right),
        ("gCO2/kWh", Align::Right),
    ]);
    for site in f.sites() {
        let region = r.catalog.region(site.region);
        sites.push(vec![
            site.name.clone(),
            format!("{}/{}", region.cloud, region.name),
            site.online_from.to_string(),
            site.accelerator_count().to_string(),
            format!("{:.2}", site.peak_it_w / 1e6),
            format!("{:.2}", site.pue),
            format!("{:.2}", site.peak_facility_w() / 1e6),
            format!("{:.2}", site.power_cap_w / 1e6),
            format!(
                "{:.0}%{}",
                100.0 * site.peak_facility_w() / site.power_cap_w,
                if site.headroom_w() < 0.0 { " OVER" } else { "" }
            ),
            format!("{:.0}", region.carbon_g_per_kwh),
        ]);
    }
    out.push_str(&sites.to_text());

    let _ = writeln!(
        out,
        "\nTotal: {} accelerators, {:.1} PFLOP/s peak bf16, {:.2} MW peak IT, {:.2} MW peak facility, {:.2} MW of caps",
        f.accelerator_count(),
        f.peak_bf16_pflops(),
        f.peak_it_power_w() / 1e6,
        f.peak_facility_power_w() / 1e6,
        f.sites().iter().map(|s| s.power_cap_w).sum::<f64>() / 1e6,
    );
    let over: Vec<&str> = f.over_cap_sites().map(|s| s.name.as_str()).collect();
    if !over.is_empty() {
        let _ = writeln!(
            out,
            "Note: at full load {} would exceed their power cap (power capping arrives with the power model).",
            over.join(", ")
        );
    }

    let _ = writeln!(
        out,
        "\nRound-trip time between sites, ms (m measured, e catalog estimate, r same region, \
         x same metro, g great-circle fit, s scenario); WAN default {} Gbit/s",
        r.wan.default_gbit()
    );
    let names: Vec<&str> = f.sites().iter().map(|s| s.name.as_str()).collect();
    let mut columns = vec![("", Align::Left)];
    columns.extend(names.iter().map(|n| (*n, Align::Right)));
    let mut matrix = Table::new(&columns);
    for a in 0..names.len() {
        let mut row = vec![names[a].to_owned()];
        for b in 0..names.len() {
            row.push(if a == b {
                "-".to_owned()
            } else {
                let path = r.wan.path(a, b, &r.rtt, &r.prices);
                format!("{:.0}{}", path.rtt.ms, basis_mark(path.rtt.basis))
            });
        }
        matrix.push(row);
    }
    out.push_str(&matrix.to_text());
    out
}

/// One-letter mark of where an RTT comes from.
pub fn basis_mark(basis: RttBasis) -> &'static str {
    match basis {
        RttBasis::Measured => "m",
        RttBasis::CatalogEstimate => "e",
        RttBasis::SameRegion => "r",
        RttBasis::SameMetro => "x",
        RttBasis::GreatCircle => "g",
        RttBasis::Scenario => "s",
    }
}
