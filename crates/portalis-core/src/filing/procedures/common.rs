//! Fields several procedures ask alike.

use crate::filing::form::Field;
use crate::filing::values::{DateBound, Kind};

/// An address line, the most a French postal address's line holds
/// generously.
pub const ADDRESS_MAX: usize = 200;
pub const NAME_MAX: usize = 100;
/// The free texts (« pourquoi »): about two pages.
pub const REASONS_MAX: usize = 6000;

pub const ADDRESS: Field =
    Field::required("adresse", "Adresse", Kind::Line(ADDRESS_MAX)).hint("Numéro, voie, complément (bâtiment, étage…)");
pub const POSTCODE: Field = Field::required("code_postal", "Code postal", Kind::PostCode);
pub const TOWN: Field = Field::required("commune", "Commune", Kind::Line(NAME_MAX));
pub const EMAIL: Field = Field::required("courriel", "Adresse électronique", Kind::Email)
    .hint("Le tribunal vous écrira à cette adresse. Format attendu : nom@domaine.fr");
pub const MOBILE: Field =
    Field::optional("mobile", "Téléphone mobile (facultatif)", Kind::Mobile).hint("Format attendu : 06 12 34 56 78");
pub const FAMILY_NAME: Field = Field::required("nom", "Nom de naissance", Kind::Line(NAME_MAX));
pub const GIVEN_NAMES: Field = Field::required("prenoms", "Prénoms", Kind::Line(NAME_MAX));
pub const BIRTH_DATE: Field =
    Field::required("naissance", "Date de naissance", Kind::Date(DateBound::Past)).hint("Format attendu : JJ/MM/AAAA");
