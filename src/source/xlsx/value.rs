//! Cell values → the text a spreadsheet shows.

use calamine::Data;

/// Significant digits Excel displays for a number in the General format.
const EXCEL_DIGITS: usize = 15;

/// Format a number without float noise: rounded to 15 significant digits (as Excel shows it),
/// then printed in its shortest form without exponent (`12.0` → `12`, `78874.11` →
/// `78874.11`, `0.1 + 0.2` → `0.3`).
pub fn format_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let rounded: f64 = format!("{:.*e}", EXCEL_DIGITS - 1, f).parse().unwrap_or(f);
    if rounded == 0.0 {
        return "0".to_string();
    }
    // Display of f64 is the shortest round-trip form and never uses an exponent.
    rounded.to_string()
}

/// Text of one cell value.
pub fn format_cell(value: &Data) -> String {
    match value {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) if d.is_datetime() => format_serial_date(d.as_f64()),
        Data::DateTime(d) => format_number(d.as_f64()),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// An Excel serial date (1900 system) as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`.
fn format_serial_date(serial: f64) -> String {
    if !(0.0..3_000_000.0).contains(&serial) {
        return format_number(serial);
    }
    let mut days = serial.floor() as i64;
    let mut secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        days += 1;
        secs -= 86_400;
    }
    // Day 0 of the 1900 system is 1899-12-30 (this absorbs Excel's 1900 leap-year bug for
    // every date after February 1900). 1899-12-30 is day -25569 from 1970-01-01.
    let (y, m, d) = civil_from_days(days - 25_569);
    if secs == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

/// Proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_without_float_noise() {
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(78874.11), "78874.11");
        assert_eq!(format_number(78874.11 + 1e-11), "78874.11");
        assert_eq!(format_number(1.1 * 3.0), "3.3");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-3.5), "-3.5");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(1e21), "1000000000000000000000");
        assert_eq!(format_number(0.000123), "0.000123");
        assert_eq!(format_number(13810.0), "13810");
    }

    #[test]
    fn cells_and_dates() {
        assert_eq!(format_cell(&Data::Int(7)), "7");
        assert_eq!(format_cell(&Data::Empty), "");
        assert_eq!(format_cell(&Data::Bool(true)), "TRUE");
        assert_eq!(format_serial_date(45292.0), "2024-01-01");
        assert_eq!(format_serial_date(45292.5), "2024-01-01 12:00:00");
        assert_eq!(format_serial_date(61.0), "1900-03-01");
    }
}
