//! `fabricsim catalog ...`: the catalog as tables (text, or CSV with `--csv`): the built-in
//! one plus the accelerator families the binary's registry adds.

use sim_models::catalog::{Catalog, RegionId};
use sim_models::network::{RttModel, great_circle_km};
use sim_models::policy::Registry;

use crate::args::{CatalogArgs, CatalogWhat};
use sim_report::describe::basis_mark;
use sim_report::numbers::plain;
use sim_report::table::{Align, Table};

/// Renders the requested catalog listing of `registry`'s catalog.
pub fn render(args: &CatalogArgs, registry: &Registry) -> anyhow::Result<String> {
    let catalog = registry.catalog().map_err(model_errors)?;
    let table = match args.what {
        CatalogWhat::Accelerators => accelerators(&catalog),
        CatalogWhat::Regions => regions(&catalog),
        CatalogWhat::Offerings => offerings(&catalog),
        CatalogWhat::Rtt => rtt(&catalog, args.all)?,
    };
    let mut out = if args.csv {
        table.to_csv()
    } else {
        table.to_text()
    };
    if !args.csv && matches!(args.what, CatalogWhat::Rtt) {
        let model = RttModel::from_catalog(&catalog).map_err(model_errors)?;
        let fit = model.fit();
        out.push_str(&format!(
            "\nFit over {} measured pairs: rtt = {:.2} ms + {:.3} x great-circle fibre RTT (2/3 c); \
             relative error in-sample median {:.1}% max {:.1}%, leave-one-out median {:.1}% max {:.1}%\n",
            fit.pairs,
            fit.intercept_ms,
            fit.inflation,
            100.0 * fit.in_sample.median,
            100.0 * fit.in_sample.max,
            100.0 * fit.leave_one_out.median,
            100.0 * fit.leave_one_out.max,
        ));
    }
    Ok(out)
}

fn model_errors(errors: Vec<sim_models::ModelError>) -> anyhow::Error {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::anyhow!(
        "the catalog is inconsistent (a bug in fabricsim or in a catalog this binary \
         registers: please report it with these lines):\n{}",
        lines.join("\n")
    )
}

fn accelerators(c: &Catalog) -> Table {
    let mut t = Table::new(&[
        ("name", Align::Left),
        ("display name", Align::Left),
        ("vendor", Align::Left),
        ("bf16 TFLOP/s", Align::Right),
        ("HBM GB", Align::Right),
        ("HBM TB/s", Align::Right),
        ("TDP W", Align::Right),
        ("idle W", Align::Right),
        ("host W/chip", Align::Right),
        ("scale-up GB/s", Align::Right),
        ("domain", Align::Right),
        ("scale-out Gbit/s", Align::Right),
        ("per node", Align::Right),
        ("clouds", Align::Left),
        ("status", Align::Left),
    ]);
    for a in c.accelerators() {
        let clouds: Vec<&str> = c
            .offerings()
            .iter()
            .filter(|o| o.accelerator == a.name)
            .map(|o| o.cloud.as_str())
            .collect();
        t.push(vec![
            a.name.clone(),
            a.display_name.clone(),
            a.vendor.clone(),
            plain(a.bf16_tflops),
            plain(a.hbm_gb),
            plain(a.hbm_tbps),
            plain(a.tdp_w),
            plain(a.idle_w),
            plain(a.host_w_per_chip),
            plain(a.scaleup_gbps),
            a.scaleup_domain.to_string(),
            plain(a.scaleout_gbit),
            a.instance_chips.to_string(),
            clouds.join(" "),
            a.provenance.status.to_string(),
        ]);
    }
    t
}

fn regions(c: &Catalog) -> Table {
    let mut t = Table::new(&[
        ("cloud", Align::Left),
        ("region", Align::Left),
        ("metro", Align::Left),
        ("lat", Align::Right),
        ("lon", Align::Right),
        ("PUE", Align::Right),
        ("gCO2/kWh", Align::Right),
        ("status", Align::Left),
    ]);
    for r in c.regions() {
        t.push(vec![
            r.cloud.clone(),
            r.name.clone(),
            r.metro.clone(),
            plain(r.lat),
            plain(r.lon),
            plain(r.pue),
            plain(r.carbon_g_per_kwh),
            r.provenance.status.to_string(),
        ]);
    }
    t
}

fn offerings(c: &Catalog) -> Table {
    let mut t = Table::new(&[
        ("cloud", Align::Left),
        ("accelerator", Align::Left),
        ("USD/chip-h", Align::Right),
        ("status", Align::Left),
    ]);
    for o in c.offerings() {
        t.push(vec![
            o.cloud.clone(),
            o.accelerator.clone(),
            o.usd_per_chip_hour
                .map_or_else(|| "unknown".to_owned(), plain),
            o.provenance.status.to_string(),
        ]);
    }
    t
}

/// Measured pairs with the fitted estimate, or (with `all`) every pair of regions.
fn rtt(c: &Catalog, all: bool) -> anyhow::Result<Table> {
    let model = RttModel::from_catalog(c).map_err(model_errors)?;
    let key = |id: RegionId| {
        let r = c.region(id);
        format!("{}/{}", r.cloud, r.name)
    };
    if all {
        let mut t = Table::new(&[
            ("a", Align::Left),
            ("b", Align::Left),
            ("km", Align::Right),
            ("rtt ms", Align::Right),
            ("basis", Align::Left),
        ]);
        let n = c.regions().len() as u16;
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (RegionId(i), RegionId(j));
                let (ra, rb) = (c.region(a), c.region(b));
                let est = model.rtt_ms(a, b);
                t.push(vec![
                    key(a),
                    key(b),
                    format!("{:.0}", great_circle_km(ra.lat, ra.lon, rb.lat, rb.lon)),
                    format!("{:.1}", est.ms),
                    basis_mark(est.basis).to_owned(),
                ]);
            }
        }
        return Ok(t);
    }
    let mut t = Table::new(&[
        ("a", Align::Left),
        ("b", Align::Left),
        ("km", Align::Right),
        ("measured ms", Align::Right),
        ("fit ms", Align::Right),
        ("error", Align::Right),
        ("leave-one-out ms", Align::Right),
    ]);
    for p in model.fit_pairs() {
        t.push(vec![
            key(p.a),
            key(p.b),
            format!("{:.0}", p.distance_km),
            plain(p.measured_ms),
            format!("{:.1}", p.estimate_ms),
            format!("{:+.1}%", 100.0 * (p.estimate_ms / p.measured_ms - 1.0)),
            format!("{:.1}", p.loo_estimate_ms),
        ]);
    }
    Ok(t)
}
