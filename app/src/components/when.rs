//! A moment on a page: the reader's date and time ([`crate::format::Dates`]) in a `<time>`
//! element whose `datetime` is the UTC instant, for machines (and tests).

use crate::format::{iso_utc, use_dates};
use leptos::prelude::*;

/// `at` (Unix seconds) as a date and time, or as a date with `date_only`.
#[component]
pub fn When(at: i64, #[prop(optional)] date_only: bool) -> impl IntoView {
    let dates = use_dates();
    let text = if date_only {
        dates.date(at)
    } else {
        dates.date_time(at)
    };
    // Erased: long lists of rows nest deep enough already.
    view! { <time datetime=iso_utc(at)>{text}</time> }.into_any()
}
