//! `[network]` and `[[network.links]]`: WAN bandwidth between sites.

use sim_models::network::{LinkSpec, NetworkSpec};
use sim_models::topology::SiteSpec;
use toml::de::{DeTable, DeValue};

use crate::scenario::diagnostic::dotted;
use crate::scenario::schema::{DefaultValue as D, Field, Kind, Table, def, opt, req};
use crate::scenario::walk::{Walker, closest, join};

/// The WAN bandwidth used when `[network]` or its `wan_gbit_default` is absent.
pub(crate) const DEFAULT_WAN_GBIT: f64 = 100.0;

/// `wan_gbit_default`.
pub(crate) const WAN_GBIT_DEFAULT: Field = def(
    "wan_gbit_default",
    Kind::PositiveNumber,
    D::Number(DEFAULT_WAN_GBIT),
    "WAN bandwidth between two sites in different regions, Gbit/s, unless a link says otherwise.",
);
/// The table.
pub(crate) const TABLE: Table = Table {
    header: "[network]",
    doc: "Optional, once. Wide-area network settings.",
    fields: &[WAN_GBIT_DEFAULT],
    children: &["links"],
};

/// `a`.
pub(crate) const A: Field = req("a", Kind::Str, "One end: a site key of this file.");
/// `b`.
pub(crate) const B: Field = req(
    "b",
    Kind::Str,
    "The other end: another site key of this file.",
);
/// `gbit`.
pub(crate) const GBIT: Field = req(
    "gbit",
    Kind::PositiveNumber,
    "Bandwidth between the two sites, Gbit/s.",
);
/// `rtt_ms`.
pub(crate) const RTT_MS: Field = opt(
    "rtt_ms",
    Kind::PositiveNumber,
    "measured or estimated from the regions",
    "Round-trip time between the two sites, ms.",
);
/// The array-of-tables element.
pub(crate) const LINK: Table = Table {
    header: "[[network.links]]",
    doc: "Optional, any number. A bandwidth (and RTT) override between two sites; \
          at most one link per pair of sites, in either order.",
    fields: &[A, B, GBIT, RTT_MS],
    children: &[],
};

impl Walker {
    /// `[network]` with its links, checked against the file's `sites`; the defaults when absent.
    pub(crate) fn network(&mut self, root: &DeTable<'_>, sites: &[SiteSpec]) -> NetworkSpec {
        let mut spec = NetworkSpec {
            wan_gbit_default: DEFAULT_WAN_GBIT,
            links: Vec::new(),
        };
        let path = vec!["network".to_owned()];
        let Some(t) = self.optional_table(root, &[], "network", TABLE.header) else {
            return spec;
        };
        self.check_keys(t, &path, &TABLE);
        if let Some(x) = self.number(t, &path, &WAN_GBIT_DEFAULT) {
            spec.wan_gbit_default = x;
        }
        let lp = join(&path, "links");
        let items = match t.get("links").map(|v| (v, v.get_ref())) {
            None => return spec,
            Some((_, DeValue::Array(items))) => items,
            Some((v, _)) => {
                self.wrong_type(v, &lp, "an array of tables [[network.links]]");
                return spec;
            }
        };
        // (unordered pair of site keys, path of the link that joined them first)
        let mut seen: Vec<((String, String), Vec<String>)> = Vec::new();
        let site_names: Vec<&str> = sites.iter().map(|s| s.name.as_str()).collect();
        for (i, item) in items.iter().enumerate() {
            let p = join(&lp, &i.to_string());
            let Some(t) = self.table(item, &p, LINK.header) else {
                continue;
            };
            self.check_keys(t, &p, &LINK);
            let a = self.str(t, &p, &A);
            let b = self.str(t, &p, &B);
            let gbit = self.number(t, &p, &GBIT);
            let rtt_ms = self.number(t, &p, &RTT_MS);
            for (end, key) in [(&a, "a"), (&b, "b")] {
                if let Some(name) = end
                    && !site_names.contains(&name.as_str())
                {
                    let kp = join(&p, key);
                    let span = self.map.span(&kp);
                    self.error(
                        span,
                        &kp,
                        format!(
                            "unknown site `{name}`: a link joins two site keys of this file \
                             ({})",
                            site_names.join(", ")
                        ),
                        closest(name, &site_names),
                    );
                }
            }
            if let (Some(a), Some(b)) = (&a, &b) {
                let pair = if a <= b {
                    (a.clone(), b.clone())
                } else {
                    (b.clone(), a.clone())
                };
                if a == b {
                    let span = self.map.span(&p);
                    self.error(span, &p, format!("link joins site `{a}` to itself"), None);
                } else if let Some((_, first)) = seen.iter().find(|(q, _)| *q == pair) {
                    let (line, _) = self.map.line_column(self.map.span(first).start);
                    let message = format!(
                        "a second link between `{a}` and `{b}` (the first is {} at line \
                         {line}); give each pair of sites at most one link",
                        dotted(first)
                    );
                    let span = self.map.span(&p);
                    self.error(span, &p, message, None);
                } else {
                    seen.push((pair, p.clone()));
                }
            }
            spec.links.push(LinkSpec {
                a: a.unwrap_or_default(),
                b: b.unwrap_or_default(),
                gbit: gbit.unwrap_or_default(),
                rtt_ms,
            });
        }
        spec
    }
}
