//! WAVE, the text form of component values the wasmtime CLI's `--invoke` takes and prints
//! (<https://github.com/bytecodealliance/wasm-tools/tree/main/crates/wasm-wave>): the golden
//! calls' arguments written in it, and the CLI's answers read back, untyped, as JSON.

use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use wasmtime::component::Val;

/// `val` as WAVE.
pub(crate) fn write(val: &Val) -> String {
    match val {
        Val::Bool(b) => b.to_string(),
        Val::U8(n) => n.to_string(),
        Val::U16(n) => n.to_string(),
        Val::U32(n) => n.to_string(),
        Val::S32(n) => n.to_string(),
        Val::U64(n) => n.to_string(),
        Val::String(s) => string(s),
        Val::Enum(case) | Val::Variant(case, None) => label(case),
        Val::Option(None) => "none".into(),
        Val::Option(Some(inner)) => format!("some({})", write(inner)),
        Val::List(items) => format!(
            "[{}]",
            items.iter().map(write).collect::<Vec<_>>().join(", ")
        ),
        Val::Record(fields) if fields.is_empty() => "{:}".into(),
        Val::Record(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", label(k), write(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Val::Variant(case, Some(payload)) => format!("{}({})", label(case), write(payload)),
        other => panic!("no WAVE for {other:?}"),
    }
}

/// A label, `%`-escaped where it is a WAVE keyword.
fn label(name: &str) -> String {
    const KEYWORDS: [&str; 8] = ["true", "false", "some", "none", "ok", "err", "inf", "nan"];
    if KEYWORDS.contains(&name) {
        format!("%{name}")
    } else {
        name.to_string()
    }
}

fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A WAVE value as JSON, without its type: strings, numbers, booleans, lists, records as
/// objects, `none` as `null`, `some(x)` as `x`, and a case `c` or `c(x)` as
/// `{"case": c, "value": x}`.
pub(crate) fn read(text: &str) -> Value {
    let mut reader = Reader {
        text: text.trim().as_bytes(),
        at: 0,
    };
    reader.value()
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn skip(&mut self) {
        while self.at < self.text.len() && self.text[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip();
        let found = self.text.get(self.at) == Some(&byte);
        self.at += usize::from(found);
        found
    }

    fn value(&mut self) -> Value {
        self.skip();
        match self.text[self.at] {
            b'"' => Value::String(self.string()),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                while !self.eat(b']') {
                    items.push(self.value());
                    self.eat(b',');
                }
                Value::Array(items)
            }
            b'{' => {
                self.at += 1;
                let mut fields = Map::new();
                self.eat(b':');
                while !self.eat(b'}') {
                    let name = self.label();
                    self.eat(b':');
                    fields.insert(name, self.value());
                    self.eat(b',');
                }
                Value::Object(fields)
            }
            _ => {
                let word = self.label();
                if self.eat(b'(') {
                    let inner = self.value();
                    self.eat(b')');
                    return if word == "some" {
                        inner
                    } else {
                        json!({"case": word, "value": inner})
                    };
                }
                match word.as_str() {
                    "none" => Value::Null,
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    w if w.starts_with(|c: char| c.is_ascii_digit() || c == '-') => {
                        serde_json::from_str(w).unwrap_or(Value::String(word))
                    }
                    _ => json!({"case": word}),
                }
            }
        }
    }

    fn label(&mut self) -> String {
        self.skip();
        self.eat(b'%');
        let start = self.at;
        while self.at < self.text.len()
            && (self.text[self.at].is_ascii_alphanumeric() || b"-_.".contains(&self.text[self.at]))
        {
            self.at += 1;
        }
        String::from_utf8_lossy(&self.text[start..self.at]).into_owned()
    }

    fn string(&mut self) -> String {
        self.at += 1;
        let mut out = Vec::new();
        while self.text[self.at] != b'"' {
            if self.text[self.at] == b'\\' {
                self.at += 1;
                match self.text[self.at] {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'u' => {
                        let end = self.text[self.at..]
                            .iter()
                            .position(|b| *b == b'}')
                            .unwrap();
                        let hex = String::from_utf8_lossy(&self.text[self.at + 2..self.at + end]);
                        let c = char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap();
                        out.extend(c.to_string().bytes());
                        self.at += end;
                    }
                    other => out.push(other),
                }
            } else {
                out.push(self.text[self.at]);
            }
            self.at += 1;
        }
        self.at += 1;
        String::from_utf8(out).expect("UTF-8 text")
    }
}

#[test]
fn values_written_as_wave_read_back() {
    let record = Val::Record(vec![
        ("table-name".into(), Val::String("a \"b\"\n".into())),
        ("limit".into(), Val::Option(Some(Box::new(Val::U32(5))))),
        ("format".into(), Val::Option(None)),
        ("kind".into(), Val::Enum("plain".into())),
    ]);
    let call = Val::Variant("access-key".into(), Some(Box::new(record)));
    let back = read(&write(&call));
    assert_eq!(
        back,
        json!({"case": "access-key", "value": {"table-name": "a \"b\"\n", "limit": 5,
                                                 "format": null, "kind": {"case": "plain"}}})
    );
}
