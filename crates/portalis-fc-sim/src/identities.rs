//! The fictitious people the simulator knows (ameli credentials: their NIR
//! and the code confidentiel `123456`): the three of the demonstration and,
//! when asked for (`PORTALIS_FC_SIM_POPULATION`), a generated population for
//! load benchmarks, whose NIRs [`population_nir`] computes.

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

/// A person the simulator can sign in, as its pages and claims use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub given_name: String,
    pub family_name: String,
    pub gender: String,
    pub birthdate: String,
    pub birthplace: String,
    pub birthcountry: String,
    pub email: String,
    pub nir: String,
}

impl Person {
    /// "Mme Marie DELESTABLE née le 15/07/1980", as FranceConnect greets.
    pub fn greeting(&self) -> String {
        let (title, born) = if self.gender == "female" { ("Mme", "née") } else { ("M.", "né") };
        let d: Vec<&str> = self.birthdate.split('-').collect();
        format!("{title} {} {} {born} le {}/{}/{}", self.given_name, self.family_name, d[2], d[1], d[0])
    }
}

impl From<&TestIdentity> for Person {
    fn from(i: &TestIdentity) -> Self {
        Person {
            given_name: i.given_name.into(),
            family_name: i.family_name.into(),
            gender: i.gender.into(),
            birthdate: i.birthdate.into(),
            birthplace: i.birthplace.into(),
            birthcountry: i.birthcountry.into(),
            email: i.email.into(),
            nir: i.nir.into(),
        }
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

/// The code confidentiel of every generated person.
pub const POPULATION_CODE: &str = "123456";

/// The largest population the NIR scheme can number.
pub const MAX_POPULATION: usize = 1_000_000;

/// The NIR of the `k`-th generated person: a man born in January 1990
/// abroad (department 99), `k` in the six digits of country and order, then
/// the key (97 minus the number modulo 97).
pub fn population_nir(k: usize) -> String {
    let body = format!("1900199{k:06}");
    let n: u64 = body.parse().expect("13 digits");
    format!("{body}{:02}", 97 - n % 97)
}

/// The person with this index: first the fixed identities, then the
/// generated population.
pub fn person(index: usize, population: usize) -> Option<Person> {
    if let Some(i) = IDENTITIES.get(index) {
        return Some(i.into());
    }
    let k = index - IDENTITIES.len();
    (k < population).then(|| Person {
        given_name: "Camille".into(),
        family_name: format!("ESSAI-{k}"),
        gender: "male".into(),
        birthdate: "1990-01-01".into(),
        birthplace: "99100".into(),
        birthcountry: "99100".into(),
        email: format!("usager{k}@essai.example.org"),
        nir: population_nir(k),
    })
}

/// The index of the person whose NIR (spaces allowed) and code match.
pub fn find(nir: &str, code: &str, population: usize) -> Option<usize> {
    let nir: String = nir.chars().filter(|c| !c.is_whitespace()).collect();
    let code = code.trim();
    if let Some(i) = IDENTITIES.iter().position(|i| i.nir == nir && i.code == code) {
        return Some(i);
    }
    let k: usize = nir.strip_prefix("1900199")?.get(..6)?.parse().ok()?;
    (k < population && population_nir(k) == nir && code == POPULATION_CODE).then_some(IDENTITIES.len() + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marie_is_greeted_as_in_the_guide() {
        assert_eq!(person(0, 0).unwrap().greeting(), "Mme Marie DELESTABLE née le 15/07/1980");
        assert_eq!(person(1, 0).unwrap().greeting(), "M. Nicolas LARRET né le 03/05/1975");
    }

    #[test]
    fn credentials_are_checked() {
        assert_eq!(find("2 80 07 97 411 234 18", "123456", 0), Some(0));
        assert_eq!(find("280079741123418", "000000", 0), None);
    }

    #[test]
    fn the_generated_population_signs_in_only_within_its_size() {
        let nir = population_nir(41);
        assert_eq!(nir.len(), 15);
        assert_eq!(find(&nir, POPULATION_CODE, 42), Some(IDENTITIES.len() + 41));
        assert_eq!(find(&nir, POPULATION_CODE, 41), None, "beyond the population");
        assert_eq!(find(&nir, "000000", 42), None, "wrong code");
        let mut wrong_key = nir.clone();
        wrong_key.replace_range(13.., "00");
        assert_eq!(find(&wrong_key, POPULATION_CODE, 42), None, "wrong key");
        assert_eq!(person(IDENTITIES.len() + 41, 42).unwrap().nir, nir);
        assert_eq!(person(IDENTITIES.len() + 42, 42), None);
    }
}
