//! One translation mechanism for every user-facing string: Fluent files in `app/locales/`,
//! compiled into both the server and the WebAssembly bundle.

use fluent_templates::{fluent_bundle::FluentValue, static_loader, LanguageIdentifier, Loader};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::{borrow::Cow, collections::HashMap};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Isolation marks would end up inside form values and test assertions.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Fr,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The language's name in that language, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fr => "Français",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring q-values.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let Some(locale) = pieces.next().and_then(Locale::from_code) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    fn langid(self) -> LanguageIdentifier {
        self.code().parse().expect("static language tag")
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.langid(), key)
    }

    pub fn t_with(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            // Numbers go in as numbers so that plural forms select on them.
            .map(|(k, v)| {
                let value = v
                    .parse::<i64>()
                    .map(FluentValue::from)
                    .unwrap_or_else(|_| FluentValue::from(v.clone()));
                (Cow::Borrowed(*k), value)
            })
            .collect();
        LOCALES.lookup_with_args(&self.langid(), key, &args)
    }
}

/// The locale of the current page; the server decides it per request and the browser reads it back
/// from the page, so both render the same text.
pub fn use_locale() -> Locale {
    use_context::<crate::context::RequestContext>()
        .map(|c| c.locale)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn message_ids(locale: &str) -> BTreeSet<String> {
        let dir = format!("{}/locales/{locale}", env!("CARGO_MANIFEST_DIR"));
        let mut ids = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let resource =
                fluent_syntax::parser::parse(source.as_str()).expect("valid Fluent syntax");
            for entry in resource.body {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    ids.insert(m.id.name.to_string());
                }
            }
        }
        ids
    }

    #[test]
    fn french_and_english_have_the_same_messages() {
        let en = message_ids("en");
        let fr = message_ids("fr");
        assert!(!en.is_empty());
        assert_eq!(
            en.symmetric_difference(&fr).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "messages present in only one language"
        );
    }

    #[test]
    fn negotiation_follows_q_values_and_falls_back_to_english() {
        assert_eq!(Locale::negotiate("fr-FR,fr;q=0.9,en;q=0.8"), Locale::Fr);
        assert_eq!(Locale::negotiate("de-DE,en;q=0.5,fr;q=0.7"), Locale::Fr);
        assert_eq!(Locale::negotiate("de-DE"), Locale::En);
        assert_eq!(Locale::negotiate(""), Locale::En);
        assert_eq!(Locale::negotiate("fr;q=0"), Locale::En);
    }

    #[test]
    fn lookups_translate_and_substitute() {
        assert_eq!(Locale::Fr.t("login-submit"), "Se connecter");
        assert!(Locale::En
            .t_with("account-created", &[("jid", "a@b.test".into())])
            .contains("a@b.test"));
        assert!(Locale::Fr
            .t_with("login-error-throttled", &[("minutes", "1".into())])
            .contains("une minute"));
        assert!(Locale::En
            .t_with("login-error-throttled", &[("minutes", "15".into())])
            .contains("15 minutes"));
    }
}
