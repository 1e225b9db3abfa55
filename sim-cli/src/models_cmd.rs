//! `fabricsim models`: the placement policies, failover policies and failure models of the
//! binary's registry, with their one-line summaries (a plug-in binary lists its own too).

use sim_models::policy::Registry;

use sim_report::table::{Align, Table};
use sim_scenario::models::sections;

/// The three lists as aligned tables, or with `csv` one table `kind,name,summary`.
pub fn render(registry: &Registry, csv: bool) -> String {
    let sections = sections(registry);
    if csv {
        let mut t = Table::new(&[
            ("kind", Align::Left),
            ("name", Align::Left),
            ("summary", Align::Left),
        ]);
        for s in &sections {
            for (name, summary) in &s.entries {
                t.push(vec![
                    s.kind.to_owned(),
                    (*name).to_owned(),
                    (*summary).to_owned(),
                ]);
            }
        }
        return t.to_csv();
    }
    let mut out = String::new();
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{} ({})\n", s.title, s.key));
        let mut t = Table::new(&[("name", Align::Left), ("what it does", Align::Left)]);
        for (name, summary) in &s.entries {
            t.push(vec![(*name).to_owned(), (*summary).to_owned()]);
        }
        if s.entries.is_empty() {
            t.push(vec!["(none)".to_owned(), String::new()]);
        }
        out.push_str(&t.to_text());
    }
    out
}
