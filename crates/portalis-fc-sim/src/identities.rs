//! The fictitious people the simulator knows (ameli credentials: their NIR
//! and the code confidentiel `123456`).

#[derive(Debug, Clone, Copy)]
pub struct TestIdentity {
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub gender: &'static str,
    pub birthdate: &'static str,
    pub birthplace: &'static str,
    pub birthcountry: &'static str,
    pub email: &'static str,
    pub nir: &'static str,
    pub code: &'static str,
}

impl TestIdentity {
    /// "Mme Marie DELESTABLE née le 15/07/1980", as FranceConnect greets.
    pub fn greeting(&self) -> String {
        let (title, born) = if self.gender == "female" { ("Mme", "née") } else { ("M.", "né") };
        let d: Vec<&str> = self.birthdate.split('-').collect();
        format!("{title} {} {} {born} le {}/{}/{}", self.given_name, self.family_name, d[2], d[1], d[0])
    }
}

pub const IDENTITIES: &[TestIdentity] = &[
    TestIdentity {
        given_name: "Marie",
        family_name: "DELESTABLE",
        gender: "female",
        birthdate: "1980-07-15",
        birthplace: "97411",
        birthcountry: "99100",
        email: "marie.delestable@example.org",
        nir: "280079741123418",
        code: "123456",
    },
    TestIdentity {
        given_name: "Nicolas",
        family_name: "LARRET",
        gender: "male",
        birthdate: "1975-05-03",
        birthplace: "75112",
        birthcountry: "99100",
        email: "nicolas.larret@example.org",
        nir: "175057511234534",
        code: "123456",
    },
    TestIdentity {
        given_name: "Sophie",
        family_name: "MARTIN",
        gender: "female",
        birthdate: "1965-12-21",
        birthplace: "33063",
        birthcountry: "99100",
        email: "sophie.martin@example.org",
        nir: "265123306300142",
        code: "123456",
    },
];

/// The identity whose NIR (spaces allowed) and code match.
pub fn find(nir: &str, code: &str) -> Option<usize> {
    let nir: String = nir.chars().filter(|c| !c.is_whitespace()).collect();
    IDENTITIES.iter().position(|i| i.nir == nir && i.code == code.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marie_is_greeted_as_in_the_guide() {
        assert_eq!(IDENTITIES[0].greeting(), "Mme Marie DELESTABLE née le 15/07/1980");
        assert_eq!(IDENTITIES[1].greeting(), "M. Nicolas LARRET né le 03/05/1975");
    }

    #[test]
    fn credentials_are_checked() {
        assert_eq!(find("2 80 07 97 411 234 18", "123456"), Some(0));
        assert_eq!(find("280079741123418", "000000"), None);
    }
}
