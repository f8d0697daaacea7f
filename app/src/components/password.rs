//! The two fields of a new password (password and confirmation), with the minimum length and,
//! with JavaScript, a strength hint as the user types.

use crate::{
    components::form::{field_error, LabelledField},
    error::{AppError, Field},
    i18n::use_locale,
};
use leptos::prelude::*;

/// How guessable a new password looks; a hint, not a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    Weak,
    Fair,
    Strong,
}

impl Strength {
    /// Rough: length counts most, mixing kinds of characters a little.
    pub fn of(password: &str) -> Strength {
        let len = password.chars().count();
        let kinds = [
            password.chars().any(|c| c.is_lowercase()),
            password.chars().any(|c| c.is_uppercase()),
            password.chars().any(|c| c.is_numeric()),
            password.chars().any(|c| !c.is_alphanumeric()),
        ]
        .into_iter()
        .filter(|k| *k)
        .count();
        match (len, kinds) {
            (16.., _) | (12.., 3..) => Strength::Strong,
            (10.., 2..) | (12.., _) => Strength::Fair,
            _ => Strength::Weak,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Strength::Weak => "password-strength-weak",
            Strength::Fair => "password-strength-fair",
            Strength::Strong => "password-strength-strong",
        }
    }
}

#[component]
pub fn NewPasswordFields(min_length: usize, error: Signal<Option<AppError>>) -> impl IntoView {
    let l = use_locale();
    let typed = RwSignal::new(String::new());
    let strength = move || {
        let password = typed.get();
        (!password.is_empty()).then(|| {
            let s = Strength::of(&password);
            view! {
                <span class=format!("strength strength--{s:?}").to_lowercase()>{l.t(s.key())}</span>
            }
        })
    };
    view! {
        <LabelledField id="password" label=l.t("password-new") error=field_error(error, Field::Password)>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="new-password"
                required
                minlength=min_length.to_string()
                aria-describedby="password-hint password-error"
                on:input=move |ev| typed.set(event_target_value(&ev))
            />
            <p class="field__hint" id="password-hint" aria-live="polite">
                {l.t_with("password-hint", &[("min", min_length.to_string())])}
                " "
                {strength}
            </p>
        </LabelledField>
        <LabelledField id="confirm" label=l.t("password-confirm") error=field_error(error, Field::Confirm)>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password" required aria-describedby="confirm-error"/>
        </LabelledField>
    }
}

#[cfg(test)]
mod tests {
    use super::Strength;

    #[test]
    fn length_matters_most() {
        assert_eq!(Strength::of("abc"), Strength::Weak);
        assert_eq!(Strength::of("abcdefghij"), Strength::Weak);
        assert_eq!(Strength::of("abcdefgh1j"), Strength::Fair);
        assert_eq!(Strength::of("correct horse battery"), Strength::Strong);
        assert_eq!(Strength::of("Abcdefgh1j!x"), Strength::Strong);
    }
}
