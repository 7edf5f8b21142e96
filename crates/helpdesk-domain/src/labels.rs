//! Enums kept in the database by a stable text label (`"suspended"`,
//! `"mac_address"`), so a stored value survives a renamed variant.

use crate::{Error, error::Result};

/// An enum kept in the database by a stable label.
pub trait Labelled: Sized + Copy + 'static {
    /// Every value.
    const ALL: &'static [Self];
    /// The stored label.
    fn label(self) -> &'static str;
    /// Reads a stored label back; an unknown label is a data error.
    fn from_label(s: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.label() == s)
            .ok_or_else(|| Error::Internal(format!("unknown stored value {s:?}").into()))
    }
}
