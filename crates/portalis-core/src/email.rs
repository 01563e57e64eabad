//! An e-mail address declared to the court.

use crate::Invalid;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

const MALFORMED: Invalid = Invalid::new(
    "an e-mail address such as marie.delestable@example.fr",
    "L'adresse électronique n'est pas valide (exemple : marie.delestable@exemple.fr).",
);

impl Email {
    /// A pragmatic check: one `@`, a non-empty local part, a domain with a dot
    /// and no empty label, no spaces or control characters, at most 254
    /// characters. The domain is lower-cased; the local part is kept as given.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(MALFORMED);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(MALFORMED)?;
        let domain = domain.to_lowercase();
        let local_ok = !local.is_empty() && local.len() <= 64 && !local.contains(['@', '<', '>', ',', ';']);
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|l| {
                !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(format!("{local}@{domain}")))
        } else {
            Err(MALFORMED)
        }
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
        assert_eq!(Email::parse(" Marie.Delestable@Example.FR ").unwrap().as_str(), "Marie.Delestable@example.fr");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for e in ["", "marie", "marie@", "@example.fr", "marie@example", "ma rie@example.fr", "marie@exa..mple.fr", "a@b@c"] {
            assert!(Email::parse(e).is_err(), "{e}");
        }
    }

    #[test]
    fn the_masked_form_hides_the_local_part() {
        assert_eq!(Email::parse("marie@example.fr").unwrap().masked(), "m•••••@example.fr");
    }
}
