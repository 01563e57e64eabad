//! An e-mail address declared to the court.

use crate::Invalid;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

const MALFORMED: Invalid = Invalid::new(
    "an e-mail address such as marie.delestable@example.fr",
    "L'adresse électronique n'est pas valide (exemple : marie.delestable@exemple.fr).",
);

impl Email {
    /// The most characters an address holds, and its local part.
    pub const MAX: usize = 254;
    const LOCAL_MAX: usize = 64;

    /// A pragmatic check: one `@`, a local part of 1 to 64 characters
    /// without spaces, control characters or `<>,;`, a domain of ASCII
    /// labels (letters, digits, inner hyphens) with at least one dot, at
    /// most 254 characters in all, nothing around. The domain is
    /// lower-cased; the local part is kept as given.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        if s.chars().count() > Self::MAX || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(MALFORMED);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(MALFORMED)?;
        let domain = domain.to_ascii_lowercase();
        let local_ok =
            !local.is_empty() && local.chars().count() <= Self::LOCAL_MAX && !local.contains(['@', '<', '>', ',', ';']);
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
            });
        if local_ok && domain_ok { Ok(Self(format!("{local}@{domain}"))) } else { Err(MALFORMED) }
    }

    /// The pattern of [`Email::parse`] (with `maxLength` [`Email::MAX`]).
    pub fn pattern() -> String {
        use crate::text::{CONTROL, WHITESPACE};
        let label = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
        format!("^[^{WHITESPACE}{CONTROL}@<>,;]{{1,{}}}@(?:{label}\\.)+{label}$", Self::LOCAL_MAX)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `m•••••@example.fr`, for pages that remind the user of his address.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or(("", ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}•••••@{domain}")
    }
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_parse_and_the_domain_is_lower_cased() {
        assert_eq!(Email::parse("Marie.Delestable@Example.FR").unwrap().as_str(), "Marie.Delestable@example.fr");
        assert!(Email::parse(" marie@example.fr").is_err(), "nothing around it");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for e in [
            "",
            "marie",
            "marie@",
            "@example.fr",
            "marie@example",
            "ma rie@example.fr",
            "marie@exa..mple.fr",
            "a@b@c",
            "marie@exemple.fr-",
            "marie@é.fr",
        ] {
            assert!(Email::parse(e).is_err(), "{e}");
        }
    }

    #[test]
    fn the_masked_form_hides_the_local_part() {
        assert_eq!(Email::parse("marie@example.fr").unwrap().masked(), "m•••••@example.fr");
    }
}
