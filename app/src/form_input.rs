//! What the server read of a submitted form before its server function decodes it (the
//! server's `web::form_input` middleware puts it in the request, the server functions' context
//! carries it), so that a form the decoding refuses gets an error on the right field: a value
//! that is not UTF-8 text, or a choice that is none of those offered.

/// A form as submitted, field by field.
#[derive(Clone, Default)]
pub struct SubmittedForm {
    /// The first field whose name or value is not UTF-8 once percent-decoded: the server
    /// function is then not run at all.
    pub invalid_text: Option<String>,
    fields: Vec<(String, String)>,
}

impl SubmittedForm {
    pub fn new(fields: Vec<(String, String)>, invalid_text: Option<String>) -> Self {
        SubmittedForm {
            invalid_text,
            fields,
        }
    }

    /// The name of the first field submitted with `value`.
    pub fn field_with_value(&self, value: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(_, v)| v == value)
            .map(|(name, _)| name.as_str())
    }
}

/// Names only: the values include passwords, and must not reach a log.
impl std::fmt::Debug for SubmittedForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmittedForm")
            .field("invalid_text", &self.invalid_text)
            .field(
                "fields",
                &self.fields.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish()
    }
}
