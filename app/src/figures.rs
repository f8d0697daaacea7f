//! A domain's daily figures, as the portal records them (`server/src/figures.rs`), for the
//! dashboard's charts (`components::chart`), and their summary by month.

use serde::{Deserialize, Serialize};

/// How many days the charts cover, today included.
pub const WINDOW_DAYS: i64 = 365;

/// One recorded day; `day` counts UTC days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    pub day: i64,
    pub accounts: u32,
    /// Accounts seen in the seven days before the recording.
    pub active: u32,
    pub invitations_made: u32,
    pub invitations_used: u32,
}

/// The recorded days of the last [`WINDOW_DAYS`] (a day not there was not recorded: a gap).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// The last day of the window, by the portal's clock.
    pub today: i64,
    /// Sorted by day.
    pub days: Vec<DayFigures>,
}

/// A calendar month of the window, summed up for the table and the bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// The month's last recorded day, if any.
    pub last: Option<DayFigures>,
    pub invitations_made: u32,
    pub invitations_used: u32,
}

/// The civil (UTC) date of `day`.
pub fn date_of(day: i64) -> time::Date {
    time::OffsetDateTime::from_unix_timestamp(day.saturating_mul(86_400))
        .map(|t| t.date())
        .unwrap_or(time::Date::MIN)
}

impl Figures {
    /// The first day of the window.
    pub fn first_day(&self) -> i64 {
        self.today - WINDOW_DAYS + 1
    }

    /// The window's months, oldest first (the first and last may be partial), each with its
    /// sums.
    pub fn months(&self) -> Vec<Month> {
        let mut months: Vec<Month> = Vec::new();
        let mut days = self.days.iter().peekable();
        for day in self.first_day()..=self.today {
            let date = date_of(day);
            let (year, month) = (date.year(), date.month() as u8);
            if months
                .last()
                .is_none_or(|m| (m.year, m.month) != (year, month))
            {
                months.push(Month {
                    year,
                    month,
                    last: None,
                    invitations_made: 0,
                    invitations_used: 0,
                });
            }
            let current = months.last_mut().expect("pushed above");
            while let Some(recorded) = days.next_if(|d| d.day <= day) {
                if recorded.day == day {
                    current.last = Some(*recorded);
                    current.invitations_made += recorded.invitations_made;
                    current.invitations_used += recorded.invitations_used;
                }
            }
        }
        months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(day: i64, accounts: u32, made: u32) -> DayFigures {
        DayFigures {
            day,
            accounts,
            active: accounts / 2,
            invitations_made: made,
            invitations_used: 0,
        }
    }

    #[test]
    fn months_sum_their_days_and_keep_the_last() {
        // 2026-12-09 is day 20796; 2026-11-30 is day 20787.
        let figures = Figures {
            today: 20_796,
            days: vec![day(20_786, 4, 1), day(20_787, 5, 2), day(20_795, 7, 3)],
        };
        let months = figures.months();
        // December 2025 (from the 10th) to December 2026.
        assert_eq!(months.len(), 13);
        assert_eq!((months[0].year, months[0].month), (2025, 12));
        let november = months[11];
        assert_eq!((november.year, november.month), (2026, 11));
        assert_eq!(november.last.map(|d| d.accounts), Some(5));
        assert_eq!(november.invitations_made, 3);
        let december = months[12];
        assert_eq!(december.last.map(|d| d.accounts), Some(7));
        assert_eq!(december.invitations_made, 3);
        assert_eq!(months[5].last, None);
    }
}
