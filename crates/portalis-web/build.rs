//! Lists the DSFR classes (`fr-…`) the templates put in `class` attributes,
//! for the stylesheet's assembly (`src/assets/`): the icons the pages use
//! are taken from it, and a test checks every class is styled.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=templates");
    let mut classes = std::collections::BTreeSet::new();
    scan(Path::new("templates"), &mut classes);
    let list: String = classes.iter().map(|c| format!("    {c:?},\n")).collect();
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("template_classes.rs");
    std::fs::write(out, format!("&[\n{list}]")).expect("OUT_DIR is writable");
}

fn scan(dir: &Path, classes: &mut std::collections::BTreeSet<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("templates/ is readable").filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            scan(&path, classes);
        } else if path.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(&path).expect("a template is UTF-8");
            for quote in ['"', '\''] {
                for attribute in text.split(&format!("class={quote}")).skip(1) {
                    let value = attribute.split(quote).next().unwrap_or("");
                    classes.extend(
                        value
                            .split(|c: char| c.is_whitespace() || "{}%".contains(c))
                            .filter(|t| t.starts_with("fr-"))
                            .map(str::to_owned),
                    );
                }
            }
        }
    }
}
