//! The one stylesheet of the pages, assembled from the DSFR's npm package
//! (`@gouvfr/dsfr`, its `dist` directory) rather than its 1 MB bundle:
//! the core, the components the templates use with the dependencies each
//! component's README declares (in the order it gives), the rules of the
//! icons the templates use, the Marianne faces the pages need, then the
//! portal's own rules. Relative `url(…)`s (icons, fonts) are rewritten to
//! the files' hashed names.

use super::css;
use std::path::{Path, PathBuf};

/// The DSFR components the templates use. `assets_tests` fails when a
/// template uses a DSFR class that the assembled sheet lacks.
pub const COMPONENTS: &[&str] = &[
    "link",
    "button",
    "logo",
    "form",
    "input",
    "select",
    "checkbox",
    "radio",
    "upload",
    "stepper",
    "callout",
    "badge",
    "card",
    "table",
    "breadcrumb",
    "pagination",
    "summary",
    "notice",
    "alert",
    "connect",
    "skiplink",
    "header",
    "footer",
];

/// The Marianne faces kept (weight, style): regular for the text, bold for
/// headings and strong text. The medium weight of buttons falls back to
/// the regular face, and italics are synthesized: two files instead of
/// eight, ~115 KB on a first visit instead of ~175 KB.
pub const MARIANNE_FACES: &[(&str, &str)] = &[("400", "normal"), ("700", "normal")];

/// The face used above the fold on every page, preloaded.
pub const PRELOADED_FONT: &str = "fonts/Marianne-Regular.woff2";

/// What was assembled: the stylesheet, and the icons the templates use
/// that no DSFR icon family defines.
pub struct Assembled {
    pub css: String,
    pub unknown_icons: Vec<String>,
}

/// Assembles the stylesheet. `register` turns a file of `dist` (a path
/// relative to it, as the sheets reference it) into its URL, or `None`
/// when it cannot be read.
pub fn assemble(
    dist: &Path,
    icons: &[&str],
    own: &str,
    register: &mut dyn FnMut(&Path) -> Option<String>,
) -> std::io::Result<Assembled> {
    let mut out = String::new();
    if let Some(banner) = license_banner(&std::fs::read_to_string(dist.join("core/core.main.min.css"))?) {
        out.push_str(&banner);
        out.push('\n');
    }
    for part in parts(dist, COMPONENTS)? {
        let sheet = std::fs::read_to_string(dist.join(&part))?;
        let base = part.parent().map(Path::to_path_buf).unwrap_or_default();
        for rule in css::top_level_rules(&sheet) {
            if rule.starts_with("@font-face") && !wanted_face(&rule) {
                continue;
            }
            out.push_str(&css::rewrite_urls(&rule, |url| register(&normalize(&base.join(url))?)));
        }
    }
    let (icon_rules, unknown_icons) = icon_rules(dist, icons)?;
    for (base, rule) in icon_rules {
        out.push_str(&css::rewrite_urls(&rule, |url| register(&normalize(&base.join(url))?)));
    }
    out.push('\n');
    out.push_str(own);
    Ok(Assembled { css: out, unknown_icons })
}

/// The `/*! DSFR vX | SPDX-License-Identifier … */` comment that opens a
/// part: its license, kept once at the top.
fn license_banner(sheet: &str) -> Option<String> {
    let start = sheet.find("/*!")?;
    let end = start + sheet[start..].find("*/")? + 2;
    Some(sheet[start..end].to_owned())
}

fn wanted_face(rule: &str) -> bool {
    let family = css::descriptor(rule, "font-family").unwrap_or("");
    let weight = css::descriptor(rule, "font-weight").unwrap_or("400");
    let style = css::descriptor(rule, "font-style").unwrap_or("normal");
    family == "Marianne" && MARIANNE_FACES.iter().any(|(w, s)| *w == weight && *s == style)
}

/// The sheets to include, relative to `dist`, in order: each component's
/// README lists its sheets, dependencies first (`css/NAME/NAME.min.css`);
/// they are merged keeping that order, and the `.main` sheets are taken
/// (without the legacy browsers' rules).
pub fn parts(dist: &Path, components: &[&str]) -> std::io::Result<Vec<PathBuf>> {
    let mut names: Vec<String> = Vec::new();
    for component in components {
        let readme = std::fs::read_to_string(dist.join("component").join(component).join("README.md"))?;
        let mut declared: Vec<String> = readme
            .split("href=\"css/")
            .skip(1)
            .filter_map(|s| s.split('/').next())
            .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .map(str::to_owned)
            .collect();
        if !declared.iter().any(|d| d == component) {
            declared.push((*component).to_owned());
        }
        for name in declared {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Ok(names
        .into_iter()
        .map(|name| match name.as_str() {
            "core" => PathBuf::from("core/core.main.min.css"),
            _ => PathBuf::from(format!("component/{name}/{name}.main.min.css")),
        })
        .collect())
}

/// The rules of the icons named (`download-line` for `fr-icon-download-line`),
/// each with the directory its URLs are relative to, and the names that no
/// family has.
/// A rule of a sheet, with the directory its relative URLs start from.
type RuleIn = (PathBuf, String);

fn icon_rules(dist: &Path, icons: &[&str]) -> std::io::Result<(Vec<RuleIn>, Vec<String>)> {
    let mut found = Vec::new();
    let mut unknown: Vec<String> = icons.iter().map(|s| (*s).to_owned()).collect();
    let families = dist.join("utility/icons");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&families)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("icons-")))
        .collect();
    dirs.sort();
    for dir in dirs {
        let family = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let sheet = std::fs::read_to_string(dir.join(format!("{family}.main.min.css")))?;
        for rule in css::top_level_rules(&sheet) {
            let names: Vec<String> = icons_of(&rule);
            if names.iter().any(|n| unknown.contains(n)) {
                unknown.retain(|u| !names.contains(u));
                found.push((PathBuf::from(format!("utility/icons/{family}")), rule));
            }
        }
    }
    Ok((found, unknown))
}

/// The icon names a rule's selectors style (`.fr-icon-NAME:before`).
fn icons_of(rule: &str) -> Vec<String> {
    css::selectors(rule)
        .filter_map(|s| s.strip_prefix(".fr-icon-"))
        .filter_map(|s| s.split(':').next())
        .map(str::to_owned)
        .collect()
}

/// `a/b/../c` → `a/c`; `None` when the path leaves `dist`.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::Normal(p) => out.push(p),
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_package() {
        assert_eq!(
            normalize(Path::new("utility/icons/icons-system/../../../icons/system/x.svg")),
            Some(PathBuf::from("icons/system/x.svg"))
        );
        assert_eq!(normalize(Path::new("core/../../etc/passwd")), None);
    }

    #[test]
    fn only_the_kept_marianne_faces_are_declared() {
        assert!(wanted_face("@font-face{font-family:Marianne;font-style:normal;font-weight:700;src:url(x)}"));
        assert!(!wanted_face("@font-face{font-family:Marianne;font-style:italic;font-weight:700;src:url(x)}"));
        assert!(!wanted_face("@font-face{font-family:Marianne;font-style:normal;font-weight:300;src:url(x)}"));
        assert!(!wanted_face("@font-face{font-family:Spectral;font-style:normal;font-weight:400;src:url(x)}"));
    }

    #[test]
    fn an_icon_rule_names_its_icons() {
        assert_eq!(icons_of(".fr-icon-add-line:after,.fr-icon-add-line:before{x:1}"), ["add-line", "add-line"]);
    }
}
