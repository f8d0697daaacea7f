//! Reading the portal's HTML as a test asserts on it: an element's opening tag by id, a form
//! field's error, the text of `<main>`, the error a form's redirect carries.

/// The opening tag of the element with this id; panics if there is none.
pub fn tag<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no element {id}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

/// Whether the input with this id is checked.
pub fn is_checked(html: &str, id: &str) -> bool {
    tag(html, id).contains(" checked")
}

/// The text of a field's error (the `<p id="{id}-error">` of the input `id`), if shown.
pub fn field_error(html: &str, id: &str) -> Option<String> {
    let id = format!("{id}-error");
    if tag(html, &id).contains(" hidden") {
        return None;
    }
    let start = html.find(&format!("id=\"{id}\"")).unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</p>").unwrap();
    Some(unescape(&html[start..end]))
}

/// Text as it reads, from the page's HTML.
pub fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The HTML of the page's `<main>` (without the per-request token, nonces and the address it
/// was asked at, which live outside it).
pub fn main_html(html: &str) -> &str {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap();
    &html[start..end]
}

/// What the page says in `<main>`, as it reads (without the tags).
pub fn main_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in main_html(html).chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    unescape(&text)
}

/// `path` with the error of a form's redirect (`…?__path=…&__err=…`); panics if the redirect
/// carries no error.
pub fn with_error(path: &str, location: &str) -> String {
    let (_, query) = location
        .split_once('?')
        .unwrap_or_else(|| panic!("an error in the URL: {location}"));
    assert!(query.contains("__err="), "{location}");
    format!("{path}?{query}")
}

/// The fields of a form as a browser sends them: `defaults`, with `overrides` replacing or
/// adding fields.
pub fn form<'a>(
    defaults: &[(&'static str, &'a str)],
    overrides: &[(&'static str, &'a str)],
) -> Vec<(&'static str, &'a str)> {
    let mut fields = defaults.to_vec();
    for (name, value) in overrides {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

/// The opening tags of the elements carrying the attribute `name="value"`, e.g. a `data-*`
/// marker the app sets for tests (`data-state="pending"`): how a test finds what it asserts on
/// without depending on the wording.
pub fn marked<'a>(html: &'a str, name: &str, value: &str) -> Vec<&'a str> {
    tags_with(html, &format!(" {name}=\"{value}\""))
}

/// The opening tags that carry the attribute `name`, whatever its value.
pub fn marked_with<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    tags_with(html, &format!(" {name}=\""))
}

fn tags_with<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    html.match_indices(marker)
        .map(|(at, _)| {
            let start = html[..at].rfind('<').unwrap();
            let end = at + html[at..].find('>').unwrap();
            &html[start..=end]
        })
        .collect()
}

/// The value of the attribute `name` in an opening tag (as [`tag`] and [`marked`] return).
pub fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = start + tag[start..].find('"')?;
    Some(&tag[start..end])
}

/// The directive `name` of a Content-Security-Policy (`script-src 'nonce-…'`), if it has one.
pub fn csp_directive<'a>(policy: &'a str, name: &str) -> Option<&'a str> {
    policy
        .split(';')
        .map(str::trim)
        .find(|d| d.split_whitespace().next() == Some(name))
}
