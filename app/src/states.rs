//! States that travel as text: in database columns, form values, URLs and Prosody's fields.
//! Each is an enum declared with [`text_enum!`], which gives every variant one name, used
//! everywhere (database, forms, serde, Prosody), a parser that names what it could not read
//! instead of guessing, and, with a label prefix, the one function that says the state in the
//! user's language (the key `PREFIX` + name, in `app/locales`).
//!
//! The server decodes these once, in its row structs: `#[sqlx(try_from = "String")]` on the
//! field (through the `TryFrom<String>` given here, since this crate has no sqlx), so a value
//! in the database that is none of the names fails with [`UnknownName`], naming the column.

use std::fmt;

/// A name that is none of a [`text_enum!`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being read ("registration mode").
    pub what: &'static str,
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.name)
    }
}

impl std::error::Error for UnknownName {}

/// Declares an enum whose variants travel as fixed names:
///
/// ```ignore
/// text_enum! {
///     /// Docs.
///     pub enum Color("color"), label "color-" {
///         Red = "red",
///         DarkBlue = "dark-blue",
///     }
/// }
/// ```
///
/// gives `Color::ALL`, `as_str`, `parse` (`None` for another name), `Display`, `FromStr` and
/// `TryFrom<String>` (both failing with [`UnknownName`]), serde under the same names, and,
/// with `label`, `label(locale)` reading the key `color-red`.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($what:literal), label $prefix:literal {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $crate::text_enum! {
            $(#[$meta])*
            $vis enum $name($what) { $($(#[$vmeta])* $variant = $text),+ }
        }

        impl $name {
            /// This state in the user's language.
            pub fn label(self, locale: $crate::i18n::Locale) -> String {
                locale.t(match self {
                    $($name::$variant => concat!($prefix, $text)),+
                })
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($what:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The name stored, sent and shown in URLs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The state named `s`, exactly as [`Self::as_str`] writes it.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::states::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| $crate::states::UnknownName {
                    what: $what,
                    name: s.to_owned(),
                })
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::states::UnknownName;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::i18n::Locale;

    text_enum! {
        enum Sample("sample"), label "mode-" {
            Open = "open",
            InviteOnly = "invite-only",
        }
    }

    #[test]
    fn names_round_trip_and_unknown_ones_say_what() {
        for state in Sample::ALL {
            assert_eq!(state.as_str().parse::<Sample>(), Ok(state));
            assert_eq!(Sample::try_from(state.to_string()), Ok(state));
        }
        let err = "Open".parse::<Sample>().unwrap_err();
        assert_eq!(err.to_string(), "unknown sample \"Open\"");
        assert_eq!(Sample::parse(""), None);
    }

    #[test]
    fn serde_uses_the_names() {
        let json = serde_json::to_string(&Sample::InviteOnly).unwrap();
        assert_eq!(json, "\"invite-only\"");
        assert_eq!(
            serde_json::from_str::<Sample>("\"open\"").unwrap(),
            Sample::Open
        );
    }

    #[test]
    fn labels_come_from_the_locales() {
        assert_eq!(Sample::InviteOnly.label(Locale::En), "Invitation only");
        assert_ne!(Sample::InviteOnly.label(Locale::Fr), "Invitation only");
    }
}
