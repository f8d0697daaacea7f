//! XEP-0050 `<command/>` elements: building requests and reading replies.
//! Pure functions, so that the whole protocol mapping is unit-testable.

use xmpp_parsers::data_forms::{DataForm, DataFormType, Field, FieldType};
use xmpp_parsers::minidom::{rxml::xml_ncname, Element};
use xmpp_parsers::ns;
use xmpp_parsers::stanza_error::StanzaError;

use super::error::{
    classify_failure, classify_prosody_note, classify_stanza_error, Failure, XmppError, FAILURE_NS,
};

pub const COMMANDS_NS: &str = "http://jabber.org/protocol/commands";
/// FORM_TYPE of the XEP-0133 service administration forms.
pub const ADMIN_FORM_TYPE: &str = "http://jabber.org/protocol/admin";

/// A form field to submit: its `var` and its values (several for `jid-multi`).
pub type FormField = (String, Vec<String>);

/// What a completed command returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutcome {
    /// Fields of the returned form, in order, without FORM_TYPE.
    pub fields: Vec<FormField>,
    /// Informational and warning notes (error notes are turned into errors).
    pub notes: Vec<Note>,
}

impl CommandOutcome {
    /// An outcome with these fields and informational notes, for unit tests of reply parsing.
    #[cfg(test)]
    pub(crate) fn for_test(fields: &[(&str, &[&str])], notes: &[&str]) -> CommandOutcome {
        CommandOutcome {
            fields: fields
                .iter()
                .map(|(var, values)| {
                    (
                        var.to_string(),
                        values.iter().map(|v| v.to_string()).collect(),
                    )
                })
                .collect(),
            notes: notes
                .iter()
                .map(|text| Note {
                    kind: NoteKind::Info,
                    text: text.to_string(),
                })
                .collect(),
        }
    }

    /// All values of a field; empty when the field is absent.
    pub fn values(&self, var: &str) -> &[String] {
        self.fields
            .iter()
            .find(|(name, _)| name == var)
            .map(|(_, values)| values.as_slice())
            .unwrap_or_default()
    }

    /// The first non-empty value of a field.
    pub fn value(&self, var: &str) -> Option<&str> {
        self.values(var)
            .iter()
            .map(String::as_str)
            .find(|value| !value.is_empty())
    }

    /// Texts of the informational notes.
    pub fn info_notes(&self) -> impl Iterator<Item = &str> {
        self.notes
            .iter()
            .filter(|note| note.kind == NoteKind::Info)
            .map(|note| note.text.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Info,
    Warn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Execute,
    Complete,
}

/// The payload of an IQ reply, as handed over by the connection.
#[derive(Debug)]
pub enum IqReply {
    Result(Option<Element>),
    Error(StanzaError),
}

/// Where a command stands after a reply.
#[derive(Debug, PartialEq, Eq)]
pub enum Stage {
    Completed(CommandOutcome),
    /// The server wants (more) form data in the session `sessionid`.
    Executing {
        sessionid: String,
    },
}

/// XEP-0133 commands use the admin FORM_TYPE; Prosody's own commands use
/// their node as FORM_TYPE.
pub fn form_type_for(node: &str) -> &str {
    match node.split_once('#') {
        Some((ADMIN_FORM_TYPE, _)) => ADMIN_FORM_TYPE,
        _ => node,
    }
}

/// Builds a `<command/>`. An `execute` carries a form only when there are
/// fields, so that commands without a form run in one round trip; a
/// `complete` always answers the server's form (Prosody fails on one without).
pub fn command_element(
    node: &str,
    action: Action,
    sessionid: Option<&str>,
    fields: &[FormField],
) -> Element {
    let action_name = match action {
        Action::Execute => "execute",
        Action::Complete => "complete",
    };
    let mut builder = Element::builder("command", COMMANDS_NS)
        .attr(xml_ncname!("node").to_owned(), node)
        .attr(xml_ncname!("action").to_owned(), action_name);
    if let Some(sessionid) = sessionid {
        builder = builder.attr(xml_ncname!("sessionid").to_owned(), sessionid);
    }
    if action == Action::Complete || !fields.is_empty() {
        let fields = fields
            .iter()
            .map(|(var, values)| Field {
                values: values.clone(),
                ..Field::new(var, FieldType::TextSingle)
            })
            .collect();
        let form = DataForm::new(DataFormType::Submit, form_type_for(node), fields);
        builder = builder.append(Element::from(form));
    }
    builder.build()
}

/// Reads the reply to a `<command/>` request, mapping both failure styles:
/// IQ errors and completed commands carrying an error note (with, from our own
/// modules, a `<failure/>` condition, which is what is read then).
pub fn parse_reply(reply: IqReply) -> Result<Stage, XmppError> {
    let command = match reply {
        IqReply::Error(error) => return Err(classify_stanza_error(&error)),
        IqReply::Result(Some(command)) if command.is("command", COMMANDS_NS) => command,
        IqReply::Result(other) => {
            return Err(XmppError::Protocol(format!(
                "expected a <command/> in the result, got {:?}",
                other.map(|element| element.name().to_owned())
            )))
        }
    };

    let mut notes = Vec::new();
    for note in command
        .children()
        .filter(|child| child.is("note", COMMANDS_NS))
    {
        let text = note.text();
        match note.attr("type").unwrap_or("info") {
            "error" => return Err(command_error(&command, &text)),
            "warn" => notes.push(Note {
                kind: NoteKind::Warn,
                text,
            }),
            _ => notes.push(Note {
                kind: NoteKind::Info,
                text,
            }),
        }
    }

    match command.attr("status") {
        Some("completed") => Ok(Stage::Completed(CommandOutcome {
            fields: form_fields(&command)?,
            notes,
        })),
        Some("executing") => match command.attr("sessionid") {
            Some(sessionid) => Ok(Stage::Executing {
                sessionid: sessionid.to_owned(),
            }),
            None => Err(XmppError::Protocol(
                "executing command without a sessionid".into(),
            )),
        },
        Some("canceled") => Err(XmppError::CommandFailed(
            "the server canceled the command".into(),
        )),
        other => Err(XmppError::Protocol(format!(
            "unexpected command status {other:?}"
        ))),
    }
}

/// The error of a command that failed with an error note: our own modules' `<failure/>`
/// condition, or else (Prosody's own commands) the note's text.
fn command_error(command: &Element, note: &str) -> XmppError {
    let Some(failure) = command.get_child("failure", FAILURE_NS) else {
        return classify_prosody_note(note);
    };
    let value = failure.text();
    classify_failure(Failure {
        condition: failure.attr("condition").unwrap_or_default(),
        field: failure.attr("field"),
        value: Some(value.as_str()).filter(|value| !value.is_empty()),
        note: note.trim(),
    })
}

fn form_fields(command: &Element) -> Result<Vec<FormField>, XmppError> {
    let Some(form) = command.get_child("x", ns::DATA_FORMS) else {
        return Ok(Vec::new());
    };
    let form = DataForm::try_from(form.clone())
        .map_err(|error| XmppError::Protocol(format!("invalid data form: {error}")))?;
    Ok(form
        .fields
        .into_iter()
        .filter_map(|field| match field.var {
            Some(var) if var != "FORM_TYPE" => Some((var, field.values)),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(xml: &str) -> IqReply {
        IqReply::Result(Some(xml.parse().expect("test XML")))
    }

    #[test]
    fn command_with_form() {
        let element = command_element(
            "http://jabber.org/protocol/admin#delete-user",
            Action::Execute,
            None,
            &[(
                "accountjids".into(),
                vec!["a@example.test".into(), "b@example.test".into()],
            )],
        );
        assert!(element.is("command", COMMANDS_NS));
        assert_eq!(
            element.attr("node"),
            Some("http://jabber.org/protocol/admin#delete-user")
        );
        assert_eq!(element.attr("action"), Some("execute"));
        assert_eq!(element.attr("sessionid"), None);
        let form = DataForm::try_from(
            element
                .get_child("x", ns::DATA_FORMS)
                .expect("form")
                .clone(),
        )
        .expect("valid form");
        assert_eq!(form.type_, DataFormType::Submit);
        assert_eq!(form.form_type(), Some(ADMIN_FORM_TYPE));
        let accountjids = form
            .fields
            .iter()
            .find(|field| field.var.as_deref() == Some("accountjids"))
            .expect("accountjids field");
        assert_eq!(accountjids.values, ["a@example.test", "b@example.test"]);
    }

    #[test]
    fn execute_without_fields_has_no_form() {
        let element = command_element("urn:xmpp:invite#create-account", Action::Execute, None, &[]);
        assert_eq!(element.attr("action"), Some("execute"));
        assert!(element.get_child("x", ns::DATA_FORMS).is_none());
    }

    #[test]
    fn complete_always_has_a_form() {
        let element = command_element(
            "http://jabber.org/protocol/admin#get-online-users-list",
            Action::Complete,
            Some("s1"),
            &[],
        );
        assert_eq!(element.attr("action"), Some("complete"));
        assert_eq!(element.attr("sessionid"), Some("s1"));
        let form = element.get_child("x", ns::DATA_FORMS).expect("form");
        assert_eq!(form.attr("type"), Some("submit"));
    }

    #[test]
    fn form_types() {
        assert_eq!(
            form_type_for("http://jabber.org/protocol/admin#add-user"),
            ADMIN_FORM_TYPE
        );
        assert_eq!(
            form_type_for("http://prosody.im/protocol/modules#load"),
            "http://prosody.im/protocol/modules#load"
        );
    }

    #[test]
    fn completed_with_result_form_and_info_note() {
        let stage = parse_reply(reply(
            "<command xmlns='http://jabber.org/protocol/commands' status='completed' \
               node='http://jabber.org/protocol/admin#user-stats' sessionid='x'>\
               <note type='info'>Done</note>\
               <x xmlns='jabber:x:data' type='result'>\
                 <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/admin</value></field>\
                 <field var='ipaddresses' type='text-multi'><value/><value>127.0.0.1</value></field>\
                 <field var='rostersize' type='text-single'>\
                   <validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:integer'/>\
                   <value>3</value></field>\
               </x></command>",
        ))
        .expect("completed");
        let Stage::Completed(outcome) = stage else {
            panic!("not completed: {stage:?}");
        };
        assert_eq!(outcome.values("ipaddresses"), ["", "127.0.0.1"]);
        assert_eq!(outcome.value("ipaddresses"), Some("127.0.0.1"));
        assert_eq!(outcome.value("rostersize"), Some("3"));
        assert!(outcome.values("FORM_TYPE").is_empty());
        assert_eq!(outcome.info_notes().collect::<Vec<_>>(), ["Done"]);
    }

    #[test]
    fn completed_without_note_is_success() {
        // ejabberd style: success is a bare completed command.
        let stage = parse_reply(reply(
            "<command xmlns='http://jabber.org/protocol/commands' status='completed' node='n'/>",
        ));
        assert_eq!(stage, Ok(Stage::Completed(CommandOutcome::default())));
    }

    #[test]
    fn completed_with_error_note_is_failure() {
        let stage = parse_reply(reply(
            "<command xmlns='http://jabber.org/protocol/commands' status='completed' node='n'>\
               <note type='error'>Account already exists</note></command>",
        ));
        assert_eq!(stage, Err(XmppError::AlreadyExists));
    }

    #[test]
    fn our_modules_failure_condition_wins_over_the_note() {
        let stage = parse_reply(reply(
            "<command xmlns='http://jabber.org/protocol/commands' status='completed' node='n'>\
               <note type='error'>Contact does not exist: bob@b.test</note>\
               <failure xmlns='urn:domaine:error' condition='contact-not-found' \
                 field='contact'>bob@b.test</failure></command>",
        ));
        assert_eq!(stage, Err(XmppError::ContactNotFound("bob@b.test".into())));
        // The note's words do not matter once there is a condition.
        let stage = parse_reply(reply(
            "<command xmlns='http://jabber.org/protocol/commands' status='completed' node='n'>\
               <note type='error'>Konto existiert</note>\
               <failure xmlns='urn:domaine:error' condition='account-exists'/></command>",
        ));
        assert_eq!(stage, Err(XmppError::AlreadyExists));
    }

    #[test]
    fn executing_needs_sessionid() {
        let stage = parse_reply(reply(
            "<command xmlns='http://jabber.org/protocol/commands' status='executing' \
               node='n' sessionid='abc'><actions execute='complete'><complete/></actions>\
               <x xmlns='jabber:x:data' type='form'/></command>",
        ));
        assert_eq!(
            stage,
            Ok(Stage::Executing {
                sessionid: "abc".into()
            })
        );
        let stage = parse_reply(reply(
            "<command xmlns='http://jabber.org/protocol/commands' status='executing' node='n'/>",
        ));
        assert!(matches!(stage, Err(XmppError::Protocol(_))));
    }

    #[test]
    fn iq_error_is_mapped() {
        let error: Element = "<error xmlns='jabber:client' type='auth'>\
               <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
            .parse()
            .expect("test XML");
        let error = StanzaError::try_from(error).expect("stanza error");
        assert_eq!(
            parse_reply(IqReply::Error(error)),
            Err(XmppError::Forbidden)
        );
    }

    #[test]
    fn unexpected_payloads_are_protocol_errors() {
        assert!(matches!(
            parse_reply(IqReply::Result(None)),
            Err(XmppError::Protocol(_))
        ));
        assert!(matches!(
            parse_reply(reply("<query xmlns='jabber:iq:version'/>")),
            Err(XmppError::Protocol(_))
        ));
        assert!(matches!(
            parse_reply(reply(
                "<command xmlns='http://jabber.org/protocol/commands' node='n'/>"
            )),
            Err(XmppError::Protocol(_))
        ));
    }
}
