//! Who a session belongs to. Litigants sign in with FranceConnect; the
//! court's agents (the console, under `/juridiction`) with ProConnect. A session of one
//! realm is never accepted where the other's is expected, whatever cookie
//! carries it.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Realm {
    Litigant,
    Staff,
}

impl Realm {
    /// As stored (`sessions.realm`).
    pub fn code(self) -> &'static str {
        match self {
            Realm::Litigant => "litigant",
            Realm::Staff => "staff",
        }
    }

    pub fn parse(code: &str) -> Option<Realm> {
        match code {
            "litigant" => Some(Realm::Litigant),
            "staff" => Some(Realm::Staff),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Realm;

    #[test]
    fn a_realm_reads_back_as_stored_and_nothing_else_is_one() {
        for r in [Realm::Litigant, Realm::Staff] {
            assert_eq!(Realm::parse(r.code()), Some(r));
        }
        assert_eq!(Realm::parse("Litigant"), None);
        assert_eq!(Realm::parse(""), None);
    }
}
