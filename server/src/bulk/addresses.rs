//! Reading a list of e-mail addresses, pasted or uploaded: one address per line, or a CSV file
//! (cells separated by commas, semicolons or tabs, quoted or not) whose address is in the
//! column headed `email` (or `e-mail`, `mail`, `courriel`, `adresse`), else in the first cell
//! of the line that holds an `@`. Blank lines are skipped; every other line is reported by its
//! number: an address, or why not.

use app::{
    bulk::MAX_ADDRESSES,
    error::{ErrorKind, Field},
};
use std::collections::HashMap;

/// What a line of a list gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based, as an editor numbers it.
    pub number: u32,
    /// The address, or the line as written (for the report).
    pub text: String,
    /// `None`: an address to invite; else why the line is left out.
    pub refused: Option<ErrorKind>,
}

/// The longest line text a report keeps.
const MAX_TEXT_CHARS: usize = 200;

/// The header names of an address column.
const HEADERS: [&str; 6] = ["email", "e-mail", "mail", "courriel", "adresse", "address"];

/// Every line of `list` that is not blank, in order; an error if there is no line at all or
/// more than [`MAX_ADDRESSES`].
pub fn read(list: &str) -> Result<Vec<Line>, ErrorKind> {
    let mut column = None;
    let mut first_seen: HashMap<String, u32> = HashMap::new();
    let mut lines = Vec::new();
    // A file saved with a byte-order mark starts with it.
    let list = list.trim_start_matches('\u{feff}');
    for (i, raw) in list.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let cells = cells(trimmed);
        // A header line: the first line, with no address and several cells or a known name.
        if lines.is_empty() && column.is_none() && !trimmed.contains('@') {
            let named = cells
                .iter()
                .position(|c| HEADERS.contains(&c.to_lowercase().as_str()));
            if named.is_some() || cells.len() > 1 {
                column = named.or(Some(usize::MAX));
                continue;
            }
        }
        let cell = column
            .and_then(|c| cells.get(c))
            .filter(|c| c.contains('@'))
            .or_else(|| cells.iter().find(|c| c.contains('@')))
            .map(|c| unbracket(c));
        let line = match cell {
            Some(address) if address.parse::<lettre::Address>().is_ok() => {
                let key = address.to_lowercase();
                let refused = match first_seen.get(&key) {
                    Some(line) => Some(ErrorKind::DuplicateAddress { line: *line }),
                    None => {
                        first_seen.insert(key, number);
                        None
                    }
                };
                Line {
                    number,
                    text: address.to_string(),
                    refused,
                }
            }
            _ => Line {
                number,
                text: trimmed.chars().take(MAX_TEXT_CHARS).collect(),
                refused: Some(ErrorKind::InvalidEmail),
            },
        };
        lines.push(line);
        if lines.len() > MAX_ADDRESSES {
            return Err(ErrorKind::TooManyAddresses { max: MAX_ADDRESSES });
        }
    }
    if lines.is_empty() {
        return Err(ErrorKind::Required {
            field: Field::Addresses,
        });
    }
    Ok(lines)
}

/// A line's cells, trimmed and unquoted.
fn cells(line: &str) -> Vec<String> {
    line.split([',', ';', '\t'])
        .map(|c| c.trim().trim_matches('"').trim().to_string())
        .collect()
}

/// `Name <address>` gives the address.
fn unbracket(cell: &str) -> &str {
    match (cell.rfind('<'), cell.rfind('>')) {
        (Some(open), Some(close)) if open < close => cell[open + 1..close].trim(),
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(lines: &[Line]) -> Vec<(u32, ErrorKind)> {
        lines
            .iter()
            .filter_map(|l| l.refused.map(|r| (l.number, r)))
            .collect()
    }

    fn addresses(lines: &[Line]) -> Vec<&str> {
        lines
            .iter()
            .filter(|l| l.refused.is_none())
            .map(|l| l.text.as_str())
            .collect()
    }

    #[test]
    fn one_address_a_line_with_bad_lines_numbered() {
        let lines = read("ann@example.net\r\n\nnot an address\nbob@example.org \n@nope\n").unwrap();
        assert_eq!(addresses(&lines), ["ann@example.net", "bob@example.org"]);
        assert_eq!(
            refused(&lines),
            [(3, ErrorKind::InvalidEmail), (5, ErrorKind::InvalidEmail)]
        );
        assert_eq!(lines[1].text, "not an address");
    }

    #[test]
    fn a_repeated_address_is_invited_once() {
        let lines = read("ann@example.net\nAnn@Example.net\nann@example.net").unwrap();
        assert_eq!(addresses(&lines), ["ann@example.net"]);
        assert_eq!(
            refused(&lines),
            [
                (2, ErrorKind::DuplicateAddress { line: 1 }),
                (3, ErrorKind::DuplicateAddress { line: 1 })
            ]
        );
    }

    #[test]
    fn a_csv_file_gives_its_address_column() {
        let csv =
            "\u{feff}Name;Courriel;Phone\n\"Ann\";\"ann@example.net\";123\nBob;bob.example.org;4\n";
        let lines = read(csv).unwrap();
        assert_eq!(addresses(&lines), ["ann@example.net"]);
        assert_eq!(refused(&lines), [(3, ErrorKind::InvalidEmail)]);
        // Without a header, the first cell with an @.
        let lines = read("Ann,Ann Martin <ann@example.net>,x@\n").unwrap();
        assert_eq!(addresses(&lines), ["ann@example.net"]);
    }

    #[test]
    fn an_empty_or_too_long_list_is_refused() {
        assert_eq!(
            read(" \n\n"),
            Err(ErrorKind::Required {
                field: Field::Addresses
            })
        );
        let long: String = (0..=MAX_ADDRESSES)
            .map(|i| format!("u{i}@example.net\n"))
            .collect();
        assert_eq!(
            read(&long),
            Err(ErrorKind::TooManyAddresses { max: MAX_ADDRESSES })
        );
        let full: String = (0..MAX_ADDRESSES)
            .map(|i| format!("u{i}@example.net\n"))
            .collect();
        assert_eq!(read(&full).unwrap().len(), MAX_ADDRESSES);
    }
}
