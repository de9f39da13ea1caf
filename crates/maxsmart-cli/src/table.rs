//! Aligned text tables with optional styling per cell.

use anstyle::Style;

use crate::text;

/// The alignment of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Padded on the right.
    Left,
    /// Padded on the left, for numbers.
    Right,
}

/// A column heading and its alignment.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The heading, in capitals by convention.
    pub title: &'static str,
    /// The alignment of the heading and the cells.
    pub align: Align,
}

impl Column {
    /// Creates a left-aligned column.
    pub const fn left(title: &'static str) -> Self {
        Column {
            title,
            align: Align::Left,
        }
    }

    /// Creates a right-aligned column.
    pub const fn right(title: &'static str) -> Self {
        Column {
            title,
            align: Align::Right,
        }
    }
}

/// One cell: its text and the style to draw it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text, without escape sequences.
    pub text: String,
    /// The style; the default style adds no escape sequences.
    pub style: Style,
}

impl Cell {
    /// Creates an unstyled cell.
    pub fn plain(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            style: Style::new(),
        }
    }

    /// Creates a cell drawn in `style`.
    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Cell {
            text: text.into(),
            style,
        }
    }
}

/// Renders a heading line and one line per row, columns two spaces apart.
///
/// Widths count characters, not bytes, so names with accents line up. Cell text goes through
/// [`text::printable`], because much of it comes from the device, so only the cell styles add
/// escape sequences. Trailing spaces are removed from every line.
pub fn render(columns: &[Column], rows: &[Vec<Cell>]) -> String {
    let heading: Vec<Cell> = columns
        .iter()
        .map(|column| Cell::plain(column.title))
        .collect();
    let printable: Vec<Vec<Cell>> = std::iter::once(&heading)
        .chain(rows)
        .map(|row| row.iter().map(printable_cell).collect())
        .collect();
    let widths = column_widths(columns, &printable);
    let mut out = String::new();
    for row in &printable {
        out.push_str(render_line(columns, &widths, row).trim_end());
        out.push('\n');
    }
    out
}

/// Returns `cell` with its text made safe to print.
fn printable_cell(cell: &Cell) -> Cell {
    Cell::styled(text::printable(&cell.text), cell.style)
}

/// Returns the width of each column in characters: its widest cell, heading included.
fn column_widths(columns: &[Column], rows: &[Vec<Cell>]) -> Vec<usize> {
    (0..columns.len())
        .map(|index| {
            rows.iter()
                .filter_map(|row| row.get(index))
                .map(|cell| cell.text.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// Renders one row, each cell padded to its column's width and drawn in its style.
fn render_line(columns: &[Column], widths: &[usize], row: &[Cell]) -> String {
    let mut line = String::new();
    for (index, cell) in row.iter().enumerate() {
        let (Some(column), Some(width)) = (columns.get(index), widths.get(index)) else {
            continue;
        };
        if index > 0 {
            line.push_str("  ");
        }
        let padding = " ".repeat(width.saturating_sub(cell.text.chars().count()));
        let styled = format!(
            "{}{}{}",
            cell.style.render(),
            cell.text,
            cell.style.render_reset()
        );
        match column.align {
            Align::Left => line.push_str(&(styled + &padding)),
            Align::Right => line.push_str(&(padding + &styled)),
        }
    }
    line
}

/// Formats an optional number with `decimals` digits after the point, or `-` when absent.
pub fn number(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(value) => format!("{value:.decimals$}"),
        None => String::from("-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_by_characters() {
        let columns = [Column::left("NAME"), Column::right("WATTS")];
        let rows = vec![
            vec![Cell::plain("Congélateur"), Cell::plain("5.00")],
            vec![Cell::plain("TV"), Cell::plain("120.50")],
        ];
        let text = render(&columns, &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "NAME          WATTS");
        assert_eq!(lines[1], "Congélateur    5.00");
        assert_eq!(lines[2], "TV           120.50");
    }

    #[test]
    fn styles_do_not_change_widths() {
        let bold = Style::new().bold();
        let columns = [Column::left("A"), Column::left("B")];
        let rows = vec![vec![Cell::styled("on", bold), Cell::plain("x")]];
        let text = render(&columns, &rows);
        let second = text.lines().nth(1).unwrap();
        assert_eq!(
            second,
            format!("{}on{}  x", bold.render(), bold.render_reset())
        );
    }

    #[test]
    fn control_characters_are_replaced_before_padding() {
        let columns = [Column::left("NAME"), Column::left("STATE")];
        let rows = vec![
            vec![Cell::plain("TV\u{1b}[2J"), Cell::plain("on")],
            vec![Cell::plain("Congélateur"), Cell::plain("off")],
        ];
        let text = render(&columns, &rows);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "TV\u{FFFD}[2J       on");
        assert_eq!(lines[2], "Congélateur  off");
    }

    #[test]
    fn missing_number_is_a_dash() {
        assert_eq!(number(None, 2), "-");
        assert_eq!(number(Some(1.5), 2), "1.50");
    }
}
