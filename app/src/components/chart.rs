//! Small charts drawn on the server as inline SVG (readable without JavaScript): lines of a
//! daily series, where a day without a figure breaks the line, and bars by month. Colours come
//! from the style sheet's custom properties (`--chart-*`), so the dark theme applies; each
//! chart is an image with a title and a description, next to a table of its figures.
//!
//! The geometry is pure ([`runs`], [`bars`], [`nice_top`]); the components only lay it out.

use crate::{
    figures::{date_of, Figures, Month},
    format::month_name,
    i18n::{use_locale, Locale},
};
use leptos::prelude::*;

/// The drawing's size in SVG units: a phone's width, scaled up on wider screens.
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 170.0;
/// The plotting area inside it (room for the axis labels).
const AREA: Area = Area {
    left: 34.0,
    top: 8.0,
    width: WIDTH - 34.0 - 6.0,
    height: HEIGHT - 8.0 - 22.0,
};

/// Where values are drawn, in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Area {
    fn bottom(&self) -> f64 {
        self.top + self.height
    }

    /// The height of `value` on a scale from 0 to `top` (0 at the bottom).
    fn y(&self, value: u32, top: u32) -> f64 {
        self.bottom() - f64::from(value) / f64::from(top.max(1)) * self.height
    }
}

/// An unbroken stretch of a daily series: its first and last day and its SVG path.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub first: i64,
    pub last: i64,
    pub path: String,
}

/// The lines of `points` (day, value; sorted by day) over `days` days from `first_day`, on a
/// scale from 0 to `top`: one [`Run`] per stretch of consecutive days. A lone day is a
/// zero-length segment, which round line caps draw as a dot.
pub fn runs(points: &[(i64, u32)], first_day: i64, days: i64, top: u32, area: &Area) -> Vec<Run> {
    let step = area.width / (days - 1).max(1) as f64;
    let x = |day: i64| area.left + (day - first_day) as f64 * step;
    let mut runs: Vec<Run> = Vec::new();
    for &(day, value) in points {
        if day < first_day || day >= first_day + days {
            continue;
        }
        let point = format!("{:.1},{:.1}", x(day), area.y(value, top));
        match runs.last_mut() {
            Some(run) if run.last + 1 == day => {
                run.path.push_str(&format!(" L{point}"));
                run.last = day;
            }
            _ => runs.push(Run {
                first: day,
                last: day,
                path: format!("M{point}"),
            }),
        }
    }
    for run in &mut runs {
        if run.first == run.last {
            run.path.push_str(" h0");
        }
    }
    runs
}

/// A bar: its rectangle in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Side by side bars for each group of `values` (one slot per group, `values[i]` the group's
/// bars, left to right), on a scale from 0 to `top`.
pub fn bars(values: &[Vec<u32>], top: u32, area: &Area) -> Vec<Vec<Bar>> {
    let slot = area.width / values.len().max(1) as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let width = slot * 0.8 / group.len().max(1) as f64;
            group
                .iter()
                .enumerate()
                .map(|(j, &value)| {
                    let y = area.y(value, top);
                    Bar {
                        x: area.left + i as f64 * slot + slot * 0.1 + j as f64 * width,
                        y,
                        width,
                        height: area.bottom() - y,
                    }
                })
                .collect()
        })
        .collect()
}

/// The top of a scale that holds `max`: 1, 2 or 5 times a power of ten.
pub fn nice_top(max: u32) -> u32 {
    let mut power = 1u32;
    loop {
        for factor in [1, 2, 5] {
            let top = power.saturating_mul(factor);
            if top >= max || top == u32::MAX {
                return top;
            }
        }
        power = power.saturating_mul(10);
    }
}

/// "Dec 2026": a month's short name and year, in the reader's language.
fn month_label(locale: Locale, year: i32, month: u8) -> String {
    format!("{} {year}", month_name(locale, month, true))
}

/// The dashboard's charts: accounts and weekly active accounts by day, invitations made and
/// used by month, then the same figures as a table.
#[component]
pub fn FiguresCharts(figures: Figures) -> impl IntoView {
    let l = use_locale();
    let body = if figures.days.is_empty() {
        view! { <p class="muted" data-figures="none">{l.t("figures-none")}</p> }.into_any()
    } else {
        let months = figures.months();
        view! {
            <AccountsChart figures=figures.clone() months=months.clone()/>
            <InvitationsChart months=months.clone()/>
            <FiguresTable months/>
        }
        .into_any()
    };
    view! {
        <section class="card stack" aria-labelledby="figures-heading" data-figures="">
            <h2 id="figures-heading" class="card__title">{l.t("figures-heading")}</h2>
            {body}
        </section>
    }
}

/// The month labels under a chart, every other month so that they fit a phone.
fn month_ticks(figures_first: i64, today: i64, locale: Locale) -> impl IntoView {
    let days = today - figures_first + 1;
    let step = AREA.width / (days - 1).max(1) as f64;
    (figures_first..=today)
        .filter(|&day| date_of(day).day() == 1)
        .enumerate()
        .map(|(i, day)| {
            let x = AREA.left + (day - figures_first) as f64 * step;
            let month = date_of(day).month() as u8;
            let label = (i % 2 == 0).then(|| month_label_at(x, month_name(locale, month, true)));
            view! {
                <line class="chart__grid" x1=format!("{x:.1}") x2=format!("{x:.1}") y1=format!("{:.1}", AREA.bottom()) y2=format!("{:.1}", AREA.bottom() + 4.0)/>
                {label}
            }
        })
        .collect_view()
}

/// A month's name under the chart, centred on `x`.
fn month_label_at(x: f64, name: &'static str) -> impl IntoView {
    view! {
        <text class="chart__label" x=format!("{x:.1}") y=format!("{:.1}", AREA.bottom() + 15.0) text-anchor="middle">
            {name}
        </text>
    }
}

/// The scale on the left: 0 and `top`, with a grid line at each.
fn scale(top: u32) -> impl IntoView {
    [0, top]
        .into_iter()
        .map(|value| {
            let y = AREA.y(value, top);
            view! {
                <line class="chart__grid" x1=format!("{:.1}", AREA.left) x2=format!("{:.1}", AREA.left + AREA.width) y1=format!("{y:.1}") y2=format!("{y:.1}")/>
                <text class="chart__label" x=format!("{:.1}", AREA.left - 4.0) y=format!("{:.1}", y + 3.5) text-anchor="end">{value}</text>
            }
        })
        .collect_view()
}

#[component]
fn AccountsChart(figures: Figures, months: Vec<Month>) -> impl IntoView {
    let l = use_locale();
    let first = figures.first_day();
    let top = nice_top(figures.days.iter().map(|d| d.accounts).max().unwrap_or(0));
    let series = [
        (
            "accounts",
            figures
                .days
                .iter()
                .map(|d| (d.day, d.accounts))
                .collect::<Vec<_>>(),
        ),
        (
            "active",
            figures.days.iter().map(|d| (d.day, d.active)).collect(),
        ),
    ];
    let lines = series
        .into_iter()
        .map(|(name, points)| {
            runs(&points, first, crate::figures::WINDOW_DAYS, top, &AREA)
                .into_iter()
                .map(|run| {
                    view! {
                        <path class=format!("chart__line chart__line--{name}") d=run.path
                            data-series=name data-days=format!("{}-{}", run.first, run.last)/>
                    }
                })
                .collect_view()
        })
        .collect_view();
    let latest = figures.days.last().copied();
    let description = latest
        .map(|d| {
            l.t_with(
                "figures-accounts-description",
                &[
                    ("accounts", d.accounts.to_string()),
                    ("active", d.active.to_string()),
                ],
            )
        })
        .unwrap_or_default();
    let title = l.t_with(
        "figures-accounts-title",
        &[("span", span_label(l, &months))],
    );
    let keys = [
        ("accounts", l.t("figures-accounts")),
        ("active", l.t("figures-active")),
    ];
    view! {
        <Chart name="accounts" title description keys>
            {scale(top)}
            {month_ticks(first, figures.today, l)}
            {lines}
        </Chart>
    }
}

#[component]
fn InvitationsChart(months: Vec<Month>) -> impl IntoView {
    let l = use_locale();
    let values: Vec<Vec<u32>> = months
        .iter()
        .map(|m| vec![m.invitations_made, m.invitations_used])
        .collect();
    let top = nice_top(values.iter().flatten().copied().max().unwrap_or(0));
    let drawn = bars(&values, top, &AREA)
        .into_iter()
        .zip(&months)
        .enumerate()
        .map(|(i, (group, month))| {
            let rects = group
                .into_iter()
                .zip(["made", "used"])
                .map(|(bar, name)| {
                    view! {
                        <rect class=format!("chart__bar chart__bar--{name}")
                            x=format!("{:.1}", bar.x) y=format!("{:.1}", bar.y)
                            width=format!("{:.1}", bar.width) height=format!("{:.1}", bar.height)/>
                    }
                })
                .collect_view();
            let slot = AREA.width / months.len().max(1) as f64;
            let x = AREA.left + (i as f64 + 0.5) * slot;
            // Every other month, ending with this one.
            let label = (i % 2 == (months.len() - 1) % 2)
                .then(|| month_label_at(x, month_name(l, month.month, true)));
            view! { {rects}{label} }
        })
        .collect_view();
    let (made, used) = months.iter().fold((0, 0), |(m, u), month| {
        (m + month.invitations_made, u + month.invitations_used)
    });
    let description = l.t_with(
        "figures-invitations-description",
        &[("made", made.to_string()), ("used", used.to_string())],
    );
    let title = l.t_with(
        "figures-invitations-title",
        &[("span", span_label(l, &months))],
    );
    let keys = [("made", l.t("figures-made")), ("used", l.t("figures-used"))];
    view! {
        <Chart name="invitations" title description keys>
            {scale(top)}
            {drawn}
        </Chart>
    }
}

/// One chart: an image named by its title and described by `description` (for screen
/// readers), its drawing, and the legend of its two series (`keys`: CSS name and label).
#[component]
fn Chart(
    name: &'static str,
    title: String,
    description: String,
    keys: [(&'static str, String); 2],
    children: Children,
) -> impl IntoView {
    let legend = keys
        .into_iter()
        .map(|(key, label)| view! { <span class=format!("chart__key chart__key--{key}")>{label}</span> })
        .collect_view();
    view! {
        <figure class="chart">
            <svg class="chart__svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-labelledby=format!("chart-{name}-title chart-{name}-desc") data-chart=name>
                <title id=format!("chart-{name}-title")>{title}</title>
                <desc id=format!("chart-{name}-desc")>{description}</desc>
                {children()}
            </svg>
            <figcaption class="chart__legend">{legend}</figcaption>
        </figure>
    }
}

/// "Dec 2025 – Dec 2026".
fn span_label(l: Locale, months: &[Month]) -> String {
    match (months.first(), months.last()) {
        (Some(a), Some(b)) => format!(
            "{} – {}",
            month_label(l, a.year, a.month),
            month_label(l, b.year, b.month)
        ),
        _ => String::new(),
    }
}

/// The charts' figures as text: one row per month, newest first.
#[component]
fn FiguresTable(months: Vec<Month>) -> impl IntoView {
    let l = use_locale();
    let dash = || "–".to_string();
    let rows = months
        .into_iter()
        .rev()
        .map(|m| {
            let (accounts, active) = match m.last {
                Some(d) => (d.accounts.to_string(), d.active.to_string()),
                None => (dash(), dash()),
            };
            view! {
                <tr data-month=format!("{}-{:02}", m.year, m.month)
                    data-accounts=m.last.map(|d| d.accounts.to_string())
                    data-active=m.last.map(|d| d.active.to_string())
                    data-made=m.invitations_made.to_string() data-used=m.invitations_used.to_string()>
                    <th scope="row">{month_label(l, m.year, m.month)}</th>
                    <td>{accounts}</td>
                    <td>{active}</td>
                    <td>{m.invitations_made}</td>
                    <td>{m.invitations_used}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="chart__table">
            <summary>{l.t("figures-table")}</summary>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{l.t("figures-month")}</th>
                            <th scope="col">{l.t("figures-accounts-at-end")}</th>
                            <th scope="col">{l.t("figures-active-at-end")}</th>
                            <th scope="col">{l.t("figures-made")}</th>
                            <th scope="col">{l.t("figures-used")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLOT: Area = Area {
        left: 0.0,
        top: 0.0,
        width: 100.0,
        height: 50.0,
    };

    #[test]
    fn a_missing_day_breaks_the_line() {
        // Days 10, 11 and 13 of a window of 11 days from day 10 (x = 10 units a day).
        let lines = runs(&[(10, 0), (11, 5), (13, 10)], 10, 11, 10, &PLOT);
        assert_eq!(
            lines,
            vec![
                Run {
                    first: 10,
                    last: 11,
                    path: "M0.0,50.0 L10.0,25.0".into()
                },
                Run {
                    first: 13,
                    last: 13,
                    path: "M30.0,0.0 h0".into()
                },
            ]
        );
    }

    #[test]
    fn days_outside_the_window_are_left_out() {
        let lines = runs(&[(5, 1), (10, 1), (30, 1)], 10, 11, 1, &PLOT);
        assert_eq!(lines.len(), 1);
        assert_eq!((lines[0].first, lines[0].last), (10, 10));
    }

    #[test]
    fn bars_stand_side_by_side_in_their_slot() {
        let drawn = bars(&[vec![10, 5], vec![0, 0]], 10, &PLOT);
        let made = drawn[0][0];
        assert_eq!((made.x, made.y, made.height), (5.0, 0.0, 50.0));
        let used = drawn[0][1];
        assert_eq!(
            (used.x, used.width, used.y, used.height),
            (25.0, 20.0, 25.0, 25.0)
        );
        assert_eq!(drawn[1][0].height, 0.0);
        assert_eq!(drawn[1][0].x, 55.0);
    }

    #[test]
    fn scales_end_on_a_round_number() {
        assert_eq!(nice_top(0), 1);
        assert_eq!(nice_top(1), 1);
        assert_eq!(nice_top(3), 5);
        assert_eq!(nice_top(12), 20);
        assert_eq!(nice_top(20), 20);
        assert_eq!(nice_top(51), 100);
        assert_eq!(nice_top(u32::MAX), u32::MAX);
    }
}
