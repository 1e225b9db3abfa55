//! `fabricsim validate`: what fabricsim understood of a scenario, as tables.

use std::fmt::Write as _;

use sim_core::time::SimTime;
use sim_models::inference::service::{Arrivals, Service};
use sim_report::describe::{basis_mark, serving_setup};

use sim_report::table::{Align, Table};
use sim_scenario::resolve::Resolved;

/// The resolved summary: accelerators per cloud and kind, power per site against its cap,
/// totals, the RTT matrix between the sites in use, and the inference services.
pub fn summary(r: &Resolved) -> String {
    let mut out = String::new();
    header(&mut out, r);
    kinds_table(&mut out, r);
    power_tables(&mut out, r);
    rtt_matrix(&mut out, r);
    if !r.serving.services.is_empty() {
        out.push_str(&services(r));
    }
    out.push_str(&cost(r));
    out
}

/// The scenario, its horizon, seed and fleet, its jobs, failures, outages and policies.
fn header(out: &mut String, r: &Resolved) {
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
        "{} training jobs ({} generated), failures: {}, {} outages and maintenance windows",
        r.jobs.len(),
        generated,
        r.failures.name,
        r.outages.len()
    );
    let _ = writeln!(
        out,
        "policies: {}{}\n",
        sim_report::describe::policies_line(r),
        match r.policy.decisions {
            Some(n) => format!(", decisions kept ({n} options each)"),
            None => String::new(),
        }
    );
}

/// Accelerators per cloud and kind, with their peak compute and IT power.
fn kinds_table(out: &mut String, r: &Resolved) {
    let f = &r.fabric;
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
}

/// Peak power per site against its cap, the fleet's totals and the sites over their cap.
fn power_tables(out: &mut String, r: &Resolved) {
    let f = &r.fabric;
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
}

/// Round-trip times between the sites, each marked with where it comes from.
fn rtt_matrix(out: &mut String, r: &Resolved) {
    let f = &r.fabric;
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
}

/// The resource guard's estimate of a run: events and memory per source, and the totals
/// against the default limits.
fn cost(r: &Resolved) -> String {
    let e = sim_scenario::guard::estimate_of(r);
    let mut out = format!(
        "\nestimated cost of a run: {} events, {} of memory (refused above --max-events and \
         --max-memory, default 2e9 and 8 GiB)\n",
        sim_scenario::numbers::sci(e.events()),
        sim_scenario::numbers::size(e.memory_bytes()),
    );
    for line in sim_scenario::guard::lines(&e) {
        let _ = writeln!(out, "  {line}");
    }
    out
}

/// Per service, its replicas and what the roofline model makes of them: prefill time of
/// the mean prompt, time per output token at batch 1 and at `max_batch` for the mean
/// context (the prompt plus half the output), decode throughput at `max_batch`, and the
/// largest batch HBM holds at that context; then the offered load against that capacity.
fn services(r: &Resolved) -> String {
    let mut out = String::new();
    let horizon = SimTime::ZERO + r.scenario.horizon;
    let _ = writeln!(out, "\nInference services ({})", serving_setup(&r.serving));
    for service in &r.serving.services {
        let load = Load::of(service, horizon);
        let m = &service.model;
        let _ = writeln!(
            out,
            "\n{}: {:.1}B params x {} B, KV {:.0} KiB/token, prefill MFU {}; max_batch {}, \
             routing {}, SLO TTFT {} / TPOT {}, {} retries, startup {}",
            service.name,
            m.params / 1e9,
            m.bytes_per_param,
            m.kv_bytes_per_token / 1024.0,
            m.mfu,
            service.max_batch,
            service.routing.name(),
            service.slo_ttft,
            service.slo_tpot,
            service.max_retries,
            service.startup,
        );
        let _ = writeln!(
            out,
            "mean prompt {:.0} tokens, mean output {:.0} tokens, mean context {} tokens",
            load.prompt, load.output, load.context
        );
        let b = service.max_batch;
        let mut t = Table::new(&[
            ("site/cluster", Align::Left),
            ("accelerator", Align::Left),
            ("replicas", Align::Right),
            ("chips", Align::Right),
            ("prefill ms", Align::Right),
            ("TPOT ms b=1", Align::Right),
            (&format!("TPOT ms b={b}"), Align::Right),
            (&format!("tok/s b={b}"), Align::Right),
            ("HBM batch", Align::Right),
        ]);
        let mut capacity = 0.0;
        let mut short = Vec::new();
        for g in &service.replicas {
            let place = match (g.site, g.cluster) {
                (Some(site), Some(cluster)) => format!(
                    "{}/{}",
                    r.fabric.site(site).name,
                    r.fabric.cluster(cluster).name
                ),
                _ => "(placement policy)".to_owned(),
            };
            let prompt = load.prompt.round().max(1.0) as u32;
            let limit = g.speed.max_batch(load.context);
            let batch = b.min(limit).max(1);
            capacity += f64::from(g.count) * g.speed.tokens_per_s(batch, load.context);
            if limit < b {
                short.push(format!("{place} holds {limit}"));
            }
            t.push(vec![
                place,
                r.catalog.accelerator(g.kind).name.clone(),
                g.count.to_string(),
                g.chips.to_string(),
                format!("{:.1}", 1000.0 * g.speed.prefill_s(prompt)),
                format!("{:.1}", 1000.0 * g.speed.tpot_s(1, load.context)),
                format!("{:.1}", 1000.0 * g.speed.tpot_s(b, load.context)),
                format!("{:.0}", g.speed.tokens_per_s(b, load.context)),
                limit.to_string(),
            ]);
        }
        out.push_str(&t.to_text());
        if !short.is_empty() {
            let _ = writeln!(
                out,
                "Note: HBM cannot hold max_batch {b} sequences of {} tokens: {}; the decode \
                 capacity below uses what fits.",
                load.context,
                short.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "Offered load {:.2} requests/s, {:.0} output tokens/s, against a decode capacity \
             of {:.0} tokens/s ({:.0}% busy at full batches)",
            load.rate_per_s,
            load.tokens_per_s,
            capacity,
            100.0 * load.tokens_per_s / capacity
        );
    }
    out
}

/// What a service's users ask of it, on average over the horizon.
struct Load {
    /// Mean prompt tokens.
    prompt: f64,
    /// Mean output tokens.
    output: f64,
    /// Mean context while decoding: the prompt plus half the output, tokens.
    context: u32,
    /// Requests per second over all users.
    rate_per_s: f64,
    /// Output tokens per second over all users.
    tokens_per_s: f64,
}

impl Load {
    /// Rate users at their profile's long-run mean with the service's token
    /// distributions; trace users at their rows before `horizon`, with their own tokens.
    fn of(service: &Service, horizon: SimTime) -> Self {
        let horizon_s = horizon.as_secs_f64().max(f64::MIN_POSITIVE);
        let (mut requests, mut prompt, mut output) = (0.0, 0.0, 0.0);
        for u in &service.users {
            match &u.arrivals {
                Arrivals::Profile(p) => {
                    let n = p.mean_rate() * horizon_s;
                    requests += n;
                    prompt += n * service.prompt_tokens.mean();
                    output += n * service.output_tokens.mean();
                }
                Arrivals::Trace(records) => {
                    for rec in records.iter().take_while(|rec| rec.at < horizon) {
                        requests += 1.0;
                        prompt += f64::from(rec.prompt_tokens);
                        output += f64::from(rec.output_tokens);
                    }
                }
            }
        }
        let (prompt, output) = if requests > 0.0 {
            (prompt / requests, output / requests)
        } else {
            (service.prompt_tokens.mean(), service.output_tokens.mean())
        };
        Self {
            prompt,
            output,
            context: (prompt + output / 2.0).round().max(1.0) as u32,
            rate_per_s: requests / horizon_s,
            tokens_per_s: requests * output / horizon_s,
        }
    }
}
