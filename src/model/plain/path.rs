//! Document paths as plain inputs write them: `a`, `a.b`, `a[3]`, `a.b[0].c`, and a name
//! holding `.`, `[`, `]` or `"` as a quoted segment (`"first.name"`, `a."x[1]".b`, with
//! `\"` and `\\` inside the quotes). Every other character is part of a name, exactly as
//! written (spaces, dashes, non-ASCII).

use crate::error::{Error, Result};

/// The deepest path `DynamoDB` takes (32 levels of nesting).
pub const MAX_DEPTH: usize = 32;

/// One step of a path: an attribute (or map member) name, or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A name, exactly as the attribute has it.
    Name(String),
    /// A list element.
    Index(u32),
}

/// A parsed document path: a top-level name, then names and indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Segment>);

impl Path {
    /// Parse `text`; `field` names it in errors.
    pub fn parse(field: &str, text: &str) -> Result<Path> {
        let bad = |why: &str| Error::invalid(field, format!("is not a document path: {why}"));
        let mut segments = Vec::new();
        let mut chars = text.chars().peekable();
        loop {
            segments.push(Segment::Name(name(&mut chars).map_err(&bad)?));
            while chars.peek() == Some(&'[') {
                chars.next();
                segments.push(Segment::Index(index(&mut chars).map_err(&bad)?));
            }
            match chars.next() {
                None => break,
                Some('.') => {}
                Some(_) => {
                    return Err(bad(
                        "a name or index must be followed by '.', '[' or the end",
                    ))
                }
            }
        }
        if segments.len() > MAX_DEPTH {
            return Err(bad(&format!("it is deeper than {MAX_DEPTH} levels")));
        }
        Ok(Path(segments))
    }

    /// The top-level attribute the path starts at.
    pub fn top(&self) -> &str {
        match self.0.first() {
            Some(Segment::Name(name)) => name,
            _ => "",
        }
    }

    /// Whether `self` is `other` or lies inside it (or the reverse): two such paths cannot
    /// both be written by one update.
    pub fn overlaps(&self, other: &Path) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a == b)
    }
}

impl std::fmt::Display for Path {
    /// The path as it would be written, quoting names that need it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Name(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if name.contains(['.', '[', ']', '"', '\\']) {
                        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
                        write!(f, "\"{escaped}\"")?;
                    } else {
                        f.write_str(name)?;
                    }
                }
            }
        }
        Ok(())
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// A name: quoted, or up to the next `.` or `[`.
fn name(chars: &mut Chars<'_>) -> std::result::Result<String, &'static str> {
    let mut name = String::new();
    if chars.peek() == Some(&'"') {
        chars.next();
        loop {
            match chars.next() {
                None => return Err("a quoted name is not closed"),
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some(c @ ('"' | '\\')) => name.push(c),
                    _ => return Err("inside quotes only \\\" and \\\\ are escapes"),
                },
                Some(c) => name.push(c),
            }
        }
    } else {
        while let Some(&c) = chars.peek() {
            match c {
                '.' | '[' => break,
                ']' | '"' => return Err("']' and '\"' belong in a quoted name"),
                _ => name.push(c),
            }
            chars.next();
        }
    }
    if name.is_empty() {
        return Err("a name is empty");
    }
    Ok(name)
}

/// A list index after `[`, up to and including `]`.
fn index(chars: &mut Chars<'_>) -> std::result::Result<u32, &'static str> {
    let mut digits = String::new();
    loop {
        match chars.next() {
            Some(']') => break,
            Some(c) if c.is_ascii_digit() => digits.push(c),
            _ => return Err("a list index is digits closed by ']'"),
        }
    }
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return Err("a list index is a number without leading zeros");
    }
    digits.parse().map_err(|_| "a list index is too large")
}
