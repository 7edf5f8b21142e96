//! How devices are identified: MAC address and serial number.
//!
//! A MAC address is 48 bits, written as 12 hexadecimal digits. Labels, admin
//! portals and the device itself print it in different ways: `2C:54:91:88:C9:E3`,
//! `2c-54-91-88-c9-e3`, `2C54.9188.C9E3` (Cisco's dotted form) or bare. The
//! help desk accepts all of them, in any case, and keeps the bare upper-case form.
//! Only the full 12 digits are accepted: a part of a MAC matches many devices
//! of other customers' sites and is not a search the help desk supports.

use std::fmt;

use crate::{Error, error::Result};

/// A device's MAC address, canonical form `2C549188C9E3`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddress(String);

impl MacAddress {
    /// Parses 12 hex digits, optionally separated by `:`, `-` or `.`, any case.
    pub fn parse(raw: &str) -> Result<Self> {
        let mut hex = String::with_capacity(12);
        for c in raw.trim().chars() {
            match c {
                ':' | '-' | '.' => {}
                c if c.is_ascii_hexdigit() => hex.push(c.to_ascii_uppercase()),
                _ => {
                    return Err(Error::invalid(
                        "a MAC address has only hexadecimal digits (0-9, A-F), optionally separated by ':', '-' or '.'",
                    ));
                }
            }
        }
        if hex.len() != 12 {
            return Err(Error::invalid("a MAC address has 12 hexadecimal digits"));
        }
        Ok(MacAddress(hex))
    }

    /// `2C549188C9E3`: what the store keeps and compares.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `2C:54:91:88:C9:E3`: how people read it.
    pub fn colon_form(&self) -> String {
        let pairs: Vec<&str> = (0..6).map(|i| &self.0[i * 2..i * 2 + 2]).collect();
        pairs.join(":")
    }
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A manufacturer's serial number, such as `FCH2231A0BC`: 6 to 20 letters and
/// digits with at least one of each, compared case-insensitively (kept upper-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SerialNumber(String);

impl SerialNumber {
    /// Parses a serial number; anything else is rejected.
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let ok = (6..=20).contains(&s.len())
            && s.chars().all(|c| c.is_ascii_alphanumeric())
            && s.chars().any(|c| c.is_ascii_digit())
            && s.chars().any(|c| c.is_ascii_alphabetic());
        if !ok {
            return Err(Error::invalid("a serial number has 6 to 20 letters and digits, such as FCH2231A0BC"));
        }
        Ok(SerialNumber(s.to_ascii_uppercase()))
    }

    /// The canonical upper-case value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SerialNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_way_of_writing_a_mac_is_the_same_mac() {
        for raw in ["2C:54:91:88:C9:E3", "2c-54-91-88-c9-e3", "2C54.9188.C9E3", "2c549188c9e3", " 2C549188C9E3 "] {
            assert_eq!(MacAddress::parse(raw).unwrap().as_str(), "2C549188C9E3", "{raw}");
        }
        assert_eq!(MacAddress::parse("2c549188c9e3").unwrap().colon_form(), "2C:54:91:88:C9:E3");
    }

    #[test]
    fn a_partial_mac_is_rejected_with_a_message_the_agent_understands() {
        let err = MacAddress::parse("2C:54:91:88").unwrap_err();
        assert_eq!(err.to_string(), "a MAC address has 12 hexadecimal digits");
        assert!(MacAddress::parse("2C:54:91:88:C9:E3:00").is_err());
        assert!(MacAddress::parse("2C:54:91:88:C9:EZ").is_err());
    }

    #[test]
    fn a_serial_number_needs_letters_and_digits() {
        assert_eq!(SerialNumber::parse("fch2231a0bc").unwrap().as_str(), "FCH2231A0BC");
        for bad in ["smith", "123456", "FCH", "FCH-2231"] {
            assert!(SerialNumber::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_mac_survives_any_separator_and_case(bytes in proptest::array::uniform6(any::<u8>()), sep in prop_oneof![Just(""), Just(":"), Just("-")], lower in any::<bool>()) {
            let canonical: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
            let typed = bytes.iter().map(|b| if lower { format!("{b:02x}") } else { format!("{b:02X}") }).collect::<Vec<_>>().join(sep);
            let mac = MacAddress::parse(&typed).unwrap();
            prop_assert_eq!(mac.as_str(), canonical.as_str());
            prop_assert_eq!(MacAddress::parse(&mac.colon_form()).unwrap(), mac);
        }

        #[test]
        fn fewer_or_more_than_12_digits_is_never_a_mac(hex in "[0-9A-F]{1,11}|[0-9A-F]{13,20}") {
            prop_assert!(MacAddress::parse(&hex).is_err());
        }
    }
}
