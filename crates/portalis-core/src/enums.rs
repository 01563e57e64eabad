//! `french_enum!` declares an enumeration whose values travel as French terms
//! in lower-case ASCII snake_case (the court API's convention) and are shown
//! to litigants with a French label.

macro_rules! french_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what_en:literal, $what_fr:literal {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used by the API and stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The French label shown to litigants.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses an API code (exact, lower case).
            pub fn parse(code: &str) -> Result<Self, $crate::Invalid> {
                match code {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::Invalid::new(
                        concat!("the ", $what_en, " must be one of: ", $($code, " "),+),
                        concat!($what_fr, " n'est pas reconnu."),
                    )),
                }
            }

            /// The codes, for documentation and OpenAPI.
            pub fn codes() -> Vec<&'static str> {
                vec![$($code),+]
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Invalid;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use french_enum;
