//! [`Name`]: an immutable, shared string for the keys and labels a rule pack defines (row and
//! column keys, printed labels). Every fact read carries the names of its row and column; with a
//! shared string, a page of thousands of reports holds each name once per pack rather than once
//! per figure. It reads like a `String` (`as_str`, comparisons with `str` and `String`,
//! `Display`, dereferencing to `str`).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An immutable, cheaply cloned string: one pointer (a thin `Arc` of a boxed `str`), so a fact
/// holding five names takes 40 bytes for them rather than 80.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<Box<str>>);

impl Name {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name of `s`.
    fn of(s: Box<str>) -> Self {
        Name(Arc::new(s))
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::of(Box::default())
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name::of(s.into_boxed_str())
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name::of(s.into())
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name::of(s.as_str().into())
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        n.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn reads_like_a_string() {
        let n = Name::from("apply.new");
        let m = n.clone();
        assert_eq!(n, m);
        assert!(n == "apply.new");
        assert!(n == *"apply.new");
        let owned = String::from("apply.new");
        assert!(n == owned);
        assert!(owned == n);
        assert_eq!(n.as_str(), "apply.new");
        assert_eq!(format!("{n}[total]"), "apply.new[total]");
        assert_eq!(format!("{n:?}"), "\"apply.new\"");
        assert!(n.starts_with("apply"));
        assert_eq!(String::from(n), "apply.new");
        assert!(Name::default().is_empty());
    }
}
