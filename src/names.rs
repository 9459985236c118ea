//! Enums that travel as text (frame columns, file fields, messages) get one spelling each: `as_str`, `Display`,
//! `FromStr` ([`ChisoError::UnknownValue`](crate::ChisoError::UnknownValue) naming the word and listing the valid
//! spellings, never a silent `None`) and `serde::Serialize` as that text.

/// `named_enum!(Type, "what it is" { Variant => "spelling", … })` implements the text conversions of a fieldless
/// enum declared next to it.
macro_rules! named_enum {
    ($t:ident, $what:literal { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),+];

            /// The spelling used in files, frames and messages.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($t::$v => $s),+
                }
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $t {
            type Err = crate::error::ChisoError;

            fn from_str(s: &str) -> Result<$t, Self::Err> {
                match s {
                    $($s => Ok($t::$v),)+
                    _ => Err(crate::error::ChisoError::UnknownValue {
                        what: $what.to_string(),
                        value: s.to_string(),
                        expected: vec![$($s.to_string()),+],
                    }),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<$t, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        // A value compares equal to its spelling, as the string field it replaced did (`row.measure == "score"`).
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
