//! Just enough of CSS to assemble a stylesheet from the DSFR's minified
//! parts: split a sheet into its top-level rules, read an `@font-face`'s
//! descriptors, find the classes a sheet defines, rewrite `url(…)`.
//! Comments are dropped; strings are kept whole.

/// The top-level rules of `css` (a qualified rule with its block, or an
/// at-rule with its block or up to its `;`), without comments.
pub fn top_level_rules(css: &str) -> Vec<String> {
    let mut rules = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
            }
            '"' | '\'' => {
                current.push(c);
                while let Some(n) = chars.next() {
                    current.push(n);
                    if n == '\\' {
                        if let Some(escaped) = chars.next() {
                            current.push(escaped);
                        }
                    } else if n == c {
                        break;
                    }
                }
            }
            '{' => {
                depth += 1;
                current.push(c);
            }
            '}' => {
                current.push(c);
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    push_rule(&mut rules, &mut current);
                }
            }
            ';' if depth == 0 => {
                current.push(c);
                push_rule(&mut rules, &mut current);
            }
            _ => current.push(c),
        }
    }
    push_rule(&mut rules, &mut current);
    rules
}

fn push_rule(rules: &mut Vec<String>, current: &mut String) {
    let rule = current.trim();
    if !rule.is_empty() {
        rules.push(rule.to_owned());
    }
    current.clear();
}

/// The value of `descriptor` in a rule's block (`font-weight` in
/// `@font-face{font-weight:700;…}`), unquoted.
pub fn descriptor<'a>(rule: &'a str, descriptor: &str) -> Option<&'a str> {
    let block = &rule[rule.find('{')? + 1..];
    block
        .trim_end_matches('}')
        .split(';')
        .filter_map(|d| d.split_once(':'))
        .find(|(name, _)| name.trim() == descriptor)
        .map(|(_, value)| value.trim().trim_matches(|c| c == '"' || c == '\''))
}

/// The selector list of a qualified rule (what precedes its block).
pub fn selectors(rule: &str) -> impl Iterator<Item = &str> {
    rule.split('{').next().unwrap_or("").split(',').map(str::trim)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Whether `css` styles the class `class` (`.class` not followed by more of
/// a class name).
pub fn defines_class(css: &str, class: &str) -> bool {
    let needle = format!(".{class}");
    css.match_indices(&needle).any(|(at, _)| !css[at + needle.len()..].chars().next().is_some_and(is_name_char))
}

/// `css` with each relative `url(…)` replaced by what `resolve` makes of
/// it; `data:` URLs, fragments and absolute URLs are kept. `resolve` gets
/// the URL without its quotes, query or fragment and answers `None` to
/// keep it as it is.
pub fn rewrite_urls(css: &str, mut resolve: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        out.push_str(&rest[..at + 4]);
        rest = &rest[at + 4..];
        let Some(end) = url_end(rest) else { break };
        let raw = rest[..end].trim();
        let url = raw.trim_matches(|c| c == '"' || c == '\'');
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let keep = url.is_empty()
            || url.starts_with("data:")
            || url.starts_with('#')
            || url.starts_with('/')
            || url.contains("://");
        match (!keep).then(|| resolve(path)).flatten() {
            Some(href) => out.push_str(&href),
            None => out.push_str(raw),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where the argument of a `url(` that `rest` starts after ends: at the
/// first `)` after its closing quote when it is quoted.
fn url_end(rest: &str) -> Option<usize> {
    let start = rest.len() - rest.trim_start().len();
    match rest[start..].chars().next() {
        Some(q @ ('"' | '\'')) => {
            let close = start + 1 + rest[start + 1..].find(q)?;
            Some(close + rest[close..].find(')')?)
        }
        _ => rest.find(')'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_splits_into_its_top_level_rules_without_comments() {
        let css = "/*! DSFR */a{color:red}@media (min-width:36em){/*! media sm */.b{x:\"}\"}}@charset \"utf-8\";.c{}";
        assert_eq!(
            top_level_rules(css),
            ["a{color:red}", "@media (min-width:36em){.b{x:\"}\"}}", "@charset \"utf-8\";", ".c{}"]
        );
    }

    #[test]
    fn a_font_face_tells_its_descriptors() {
        let rule =
            "@font-face{font-display:swap;font-family:\"Marianne\";font-style:normal;font-weight:700;src:url(a.woff2)}";
        assert_eq!(descriptor(rule, "font-family"), Some("Marianne"));
        assert_eq!(descriptor(rule, "font-weight"), Some("700"));
        assert_eq!(descriptor(rule, "font-stretch"), None);
    }

    #[test]
    fn a_class_is_defined_only_by_its_whole_name() {
        let css = ".fr-btn--sm{x:1}.fr-btns-group>li{}";
        assert!(defines_class(css, "fr-btn--sm"));
        assert!(defines_class(css, "fr-btns-group"));
        assert!(!defines_class(css, "fr-btn"));
        assert!(!defines_class(css, "fr-btn--s"));
    }

    #[test]
    fn relative_urls_are_rewritten_and_the_others_kept() {
        let css = "a{b:url(../icons/x.svg);c:url(\"../f.woff2?v=1\") format(\"woff2\");d:url(data:image/svg+xml;x);e:url(#f);g:url(/h);i:url(\"data:x,(1)\")}";
        let out = rewrite_urls(css, |u| Some(format!("/static/{}", u.rsplit('/').next().unwrap())));
        assert_eq!(
            out,
            "a{b:url(/static/x.svg);c:url(/static/f.woff2) format(\"woff2\");d:url(data:image/svg+xml;x);e:url(#f);g:url(/h);i:url(\"data:x,(1)\")}"
        );
    }
}
