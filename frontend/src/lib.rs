//! The browser entry point: reads the request context the server wrote into the page, then
//! hydrates the server-rendered markup.

use app::context::{RequestContext, CONTEXT_ELEMENT_ID};
use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let ctx: RequestContext = document()
        .get_element_by_id(CONTEXT_ELEMENT_ID)
        .and_then(|el| el.text_content())
        .and_then(|json| serde_json::from_str(&json).ok())
        .expect("the server writes the request context into every page");
    leptos::mount::hydrate_body(move || {
        provide_context(ctx);
        view! { <app::App/> }
    });
}
