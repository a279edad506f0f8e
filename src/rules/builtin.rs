//! The built-in packs as parsed at build time (`build.rs`): for each file of `rules/`, a static
//! tree of spanned values, deserialised here into the pack's raw structs exactly as toml's own
//! deserialiser would from the text (same values, same spans), without parsing the TOML again.
//! A tree that does not deserialise (never, for the packs a test compares) leaves the pack to
//! toml at run time. A built-in pack that is not valid TOML, or holds a float or a date, fails
//! the build (`build.rs`), not the lint.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_spanned::de::{is_spanned, SpannedDeserializer};
use std::fmt;

/// A value with its byte span in the pack file.
#[derive(Debug)]
pub(crate) struct Item {
    /// First byte.
    start: u32,
    /// One past the last byte.
    end: u32,
    /// The value.
    node: Node,
}

/// A key and its value, in a table.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The key, unquoted: offset and length in [`TEXT`].
    key: (u32, u32),
    /// First byte of the key.
    start: u32,
    /// One past the last byte of the key.
    end: u32,
    /// The value.
    value: Item,
}

/// A TOML value (a built-in pack has no floats and no dates).
#[derive(Debug)]
pub(crate) enum Node {
    /// A string: offset and length in [`TEXT`].
    Str(u32, u32),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An array: its first item in [`ITEMS`] and how many there are.
    Array(u32, u32),
    /// A table, its entries in the order toml visits them: the first in [`ENTRIES`] and how
    /// many there are.
    Table(u32, u32),
}

// Every `rules/*.toml` file as `TREES` (file name, index of its tree in `ITEMS`), and the
// lists the trees are made of: `ITEMS`, `ENTRIES` and `TEXT`.
include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// The string at `(offset, length)` of [`TEXT`] (`build.rs` writes only whole strings).
fn text((at, len): (u32, u32)) -> &'static str {
    let at = at as usize;
    TEXT.get(at..at + len as usize).unwrap_or("")
}

/// The `len` entries of list `all` from `first`.
fn run<T>(all: &'static [T], first: u32, len: u32) -> &'static [T] {
    let first = first as usize;
    all.get(first..first + len as usize).unwrap_or(&[])
}

/// A span of a tree (built-in packs are far smaller than 4 GiB: `build.rs` checks).
fn span(start: u32, end: u32) -> std::ops::Range<usize> {
    start as usize..end as usize
}

/// The tree of built-in pack `name` (a file name of `rules/`).
pub(crate) fn tree(name: &str) -> Option<&'static Item> {
    TREES
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, t)| ITEMS.get(*t as usize))
}

/// The syntax tree of the built-in prose pattern `template` (as `pattern.rs` parses it), built
/// without parsing; `None` for any other text.
pub(crate) fn hir(template: &str) -> Option<regex_syntax::hir::Hir> {
    use regex_syntax::hir::{
        Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, Look, Repetition,
    };
    let num = super::pattern::num_hir;
    include!(concat!(env!("OUT_DIR"), "/builtin_hirs.rs"))
}

/// Deserialise `T` from `item` (a tree of [`TREES`]).
pub(crate) fn from_tree<T: de::DeserializeOwned>(item: &'static Item) -> Result<T, Error> {
    T::deserialize(ItemDe(item))
}

/// Why a tree did not deserialise.
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Error(msg.to_string())
    }
}

/// Deserialiser of one value, as toml's `ValueDeserializer`.
#[derive(Clone, Copy)]
struct ItemDe(&'static Item);

impl<'de> IntoDeserializer<'de, Error> for ItemDe {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for ItemDe {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0.node {
            Node::Str(at, len) => visitor.visit_borrowed_str(text((*at, *len))),
            Node::Int(i) => visitor.visit_i64(*i),
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::Array(first, len) => visitor.visit_seq(Items(run(ITEMS, *first, *len).iter())),
            Node::Table(first, len) => visitor.visit_map(Entries {
                iter: run(ENTRIES, *first, *len).iter(),
                value: None,
            }),
        }
    }

    /// A value present is `Some` (a missing field is `None`, as the derive decides).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if is_spanned(name) {
            return visitor.visit_map(SpannedDeserializer::new(
                self,
                span(self.0.start, self.0.end),
            ));
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.0.node {
            Node::Str(at, len) => visitor.visit_enum(text((*at, *len)).into_deserializer()),
            _ => Err(de::Error::custom("wanted a string for an enum")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 char str string seq
        bytes byte_buf map unit u128 i128
        ignored_any unit_struct tuple_struct tuple identifier
    }
}

/// The items of an array.
struct Items(std::slice::Iter<'static, Item>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|i| seed.deserialize(ItemDe(i)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a table.
struct Entries {
    iter: std::slice::Iter<'static, Entry>,
    value: Option<&'static Item>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(e) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(&e.value);
        seed.deserialize(KeyDe(e)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(ItemDe(v)),
            None => Err(de::Error::custom("a value asked for before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// Deserialiser of a key, as toml's `KeyDeserializer` (a string, spanned when asked).
struct KeyDe(&'static Entry);

impl<'de> de::Deserializer<'de> for KeyDe {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(text(self.0.key))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if is_spanned(name) {
            let key: &'static str = text(self.0.key);
            return visitor.visit_map(SpannedDeserializer::<&str, Error>::new(
                key,
                span(self.0.start, self.0.end),
            ));
        }
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 char str string seq
        bytes byte_buf map unit u128 i128 option newtype_struct enum
        ignored_any unit_struct tuple_struct tuple identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::raw::RawPack;
    use crate::rules::registry::BUILTIN;

    /// Every built-in pack has a tree, and it deserialises to what toml reads from the text:
    /// the same values with the same spans.
    #[test]
    fn every_tree_reads_as_its_text() {
        assert_eq!(TREES.len(), BUILTIN.len());
        for (name, text) in BUILTIN {
            let item = tree(name).unwrap_or_else(|| panic!("no tree for {name}"));
            let ours: RawPack = from_tree(item).expect("the tree deserialises");
            let toml: RawPack = toml::from_str(text).expect("the pack parses");
            assert_eq!(format!("{ours:?}"), format!("{toml:?}"), "{name}");
        }
    }

    /// The tree built for every built-in prose pattern is the one parsing it gives.
    #[test]
    fn every_built_tree_is_the_parsed_one() {
        let reg = crate::rules::Registry::builtin().expect("built-in packs");
        let mut built = 0;
        for pattern in reg.prose_patterns() {
            let t = pattern.template();
            let ours = hir(t).unwrap_or_else(|| panic!("no tree built for {t}"));
            let parsed = crate::rules::pattern::parse(t).expect("parses");
            assert_eq!(ours, parsed, "{t}");
            built += 1;
        }
        assert!(built > 50, "{built} patterns");
        assert!(hir("not a built-in pattern").is_none());
    }
}
