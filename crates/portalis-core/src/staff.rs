//! Court staff and what they may do. An agent signed in with ProConnect acts
//! only through the roles the portal grants him, each in one court: being
//! signed in grants nothing by itself.

/// A role in one court; each includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The service d'accueil unique du justiciable: informs about any
    /// court's cases, acts on its own court's parties.
    Sauj,
    /// The greffe: the SAUJ's rights, and its court's online filings.
    Greffe,
    /// The greffe's, and its court's directory entry, API keys and staff.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Sauj, Role::Greffe, Role::Admin];

    /// As stored and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Sauj => "sauj",
            Role::Greffe => "greffe",
            Role::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// As an agent reads it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Sauj => "Accueil du justiciable (SAUJ)",
            Role::Greffe => "Greffe",
            Role::Admin => "Administration",
        }
    }

    /// Whether this role includes what `needed` may do.
    pub fn includes(self, needed: Role) -> bool {
        self >= needed
    }
}

/// A professional e-mail address as roles are granted to it: a valid ASCII
/// address, trimmed, in ASCII lower case (ProConnect's providers do not
/// agree on case). `None` for anything else: no Unicode case folding may
/// make two different addresses one.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim();
    if !email.is_ascii() {
        return None;
    }
    crate::email::Email::parse(email).ok().map(|e| e.as_str().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_reads_back_as_stored_and_includes_the_ones_before_it() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert!(Role::Admin.includes(Role::Greffe) && Role::Greffe.includes(Role::Sauj));
        assert!(!Role::Sauj.includes(Role::Greffe) && !Role::Greffe.includes(Role::Admin));
    }

    #[test]
    fn addresses_compare_without_case_or_spaces() {
        assert_eq!(normalize_email(" Paul.Hoarau@Justice.FR ").as_deref(), Some("paul.hoarau@justice.fr"));
        // The Kelvin sign lower-cases to `k` in Unicode: not an address here.
        assert_eq!(normalize_email("\u{212a}evin@justice.fr"), None);
        assert_eq!(normalize_email("paul hoarau@justice.fr"), None);
        assert_eq!(normalize_email("paul"), None);
    }
}
