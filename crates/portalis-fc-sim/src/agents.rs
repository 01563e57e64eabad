//! The fictitious court agents the ProConnect simulator knows: the staff of
//! the demonstration's Tribunal judiciaire de Saint-Denis-de-La-Réunion,
//! each signed in by the ministry's directory with his e-mail and the
//! password [`AGENT_PASSWORD`], and one agent of the Tribunal judiciaire de
//! Paris to whom the demonstration grants no role (signing in with
//! ProConnect grants nothing by itself).
//!
//! The roles are not the simulator's business: the portal grants them
//! (`portalis staff add`); the demonstration grants each agent the role
//! named here.

/// An agent as the ministry's directory knows him.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAgent {
    pub given_name: &'static str,
    pub usual_name: &'static str,
    pub email: &'static str,
    /// His identifier at the directory (ProConnect's `uid`).
    pub uid: &'static str,
    pub organizational_unit: &'static str,
    pub phone: &'static str,
    /// The court the demonstration grants him a role in, and the role's
    /// code (`sauj`, `greffe`, `admin`); `None`: no role.
    pub role: Option<(&'static str, &'static str)>,
}

/// Every demonstration agent's password at the ministry's directory.
pub const AGENT_PASSWORD: &str = "justice974";

/// The e-mail domain of the ministry's directory in the simulator.
pub const DIRECTORY_DOMAIN: &str = "justice.example.org";

/// The directory's name, as its login page shows it.
pub const DIRECTORY_NAME: &str = "Annuaire du ministère de la Justice";

/// The ministry's SIRET in the simulator (fictitious; the Luhn key holds).
pub const SIRET: &str = "11000001000014";

/// ProConnect's `idp_id` for the ministry's directory in the simulator.
pub const IDP_ID: &str = "demo-annuaire-justice";

pub const AGENTS: &[DemoAgent] = &[
    DemoAgent {
        given_name: "Nathalie",
        usual_name: "PAYET",
        email: "nathalie.payet@justice.example.org",
        uid: "npayet",
        organizational_unit: "TJ Saint-Denis-de-La-Réunion — SAUJ",
        phone: "0262 00 00 10",
        role: Some(("tj-saint-denis-reunion", "sauj")),
    },
    DemoAgent {
        given_name: "Thierry",
        usual_name: "HOARAU",
        email: "thierry.hoarau@justice.example.org",
        uid: "thoarau",
        organizational_unit: "TJ Saint-Denis-de-La-Réunion — Greffe civil",
        phone: "0262 00 00 11",
        role: Some(("tj-saint-denis-reunion", "greffe")),
    },
    DemoAgent {
        given_name: "Isabelle",
        usual_name: "GRONDIN",
        email: "isabelle.grondin@justice.example.org",
        uid: "igrondin",
        organizational_unit: "TJ Saint-Denis-de-La-Réunion — Direction de greffe",
        phone: "0262 00 00 12",
        role: Some(("tj-saint-denis-reunion", "admin")),
    },
    DemoAgent {
        given_name: "Julien",
        usual_name: "FONTAINE",
        email: "julien.fontaine@justice.example.org",
        uid: "jfontaine",
        organizational_unit: "TJ Paris — Greffe",
        phone: "01 00 00 00 10",
        role: None,
    },
];

/// The agent these credentials sign in at the directory: the address
/// without case or surrounding spaces, the password exactly.
pub(crate) fn find(email: &str, password: &str) -> Option<usize> {
    let email = email.trim();
    AGENTS.iter().position(|a| {
        a.email.eq_ignore_ascii_case(email)
            && portalis_core::secret::constant_time_eq(password.as_bytes(), AGENT_PASSWORD.as_bytes())
    })
}

/// Whether an address belongs to the directory's domain.
pub(crate) fn in_directory(email: &str) -> bool {
    email
        .trim()
        .rsplit_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.eq_ignore_ascii_case(DIRECTORY_DOMAIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_signs_in_with_his_address_in_any_case_and_the_exact_password() {
        assert_eq!(find(" Nathalie.Payet@Justice.Example.org ", AGENT_PASSWORD), Some(0));
        assert_eq!(find("nathalie.payet@justice.example.org", "JUSTICE974"), None);
        assert_eq!(find("personne@justice.example.org", AGENT_PASSWORD), None);
    }

    #[test]
    fn the_directory_holds_its_domain_only() {
        assert!(in_directory("quelqu.un@JUSTICE.example.org"));
        assert!(!in_directory("@justice.example.org"));
        assert!(!in_directory("marie@example.org"));
        assert!(!in_directory("marie@evil-justice.example.org"));
    }

    #[test]
    fn the_siret_has_a_valid_luhn_key() {
        let sum: u32 = SIRET
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0') * if i % 2 == 1 { 2 } else { 1 };
                if d > 9 { d - 9 } else { d }
            })
            .sum();
        assert_eq!((SIRET.len(), sum % 10), (14, 0));
    }
}
