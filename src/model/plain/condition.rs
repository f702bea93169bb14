//! Conditions (and filters, and key conditions) as plain JSON: leaves
//! `{"attr": PATH, OPERATOR: OPERAND}` combined by `{"and": [...]}`, `{"or": [...]}` and
//! `{"not": {...}}`; see docs/expressions.md.

use super::{path_at, type_at, Builder, Operand};
use crate::error::{Error, Result};
use crate::model::values::TypeCode;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value};

use super::path::Path;

/// The most values an `in` takes.
pub const MAX_IN: usize = 100;

/// A condition tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every one holds.
    And(Vec<Condition>),
    /// At least one holds.
    Or(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
    /// A test of one attribute.
    Leaf(Leaf),
}

/// A test of one attribute (or of its size), and where it stood in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// Where the leaf stood, e.g. `filter.and[1]`.
    pub at: String,
    /// The attribute tested.
    pub subject: Path,
    /// Whether the test is of `size(subject)` rather than of its value.
    pub size: bool,
    /// The test.
    pub test: Test,
}

/// What a leaf tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `=`, `<>`, `<`, `<=`, `>`, `>=`.
    Compare(Comparator, Operand),
    /// `BETWEEN low AND high`.
    Between(Operand, Operand),
    /// `IN (...)`.
    In(Vec<Operand>),
    /// `begins_with`.
    BeginsWith(Operand),
    /// `contains`.
    Contains(Operand),
    /// `attribute_exists` (true) or `attribute_not_exists` (false).
    Exists(bool),
    /// `attribute_type`.
    Type(TypeCode),
}

/// A comparison operator, by its plain name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `eq`: `=`.
    Eq,
    /// `ne`: `<>`.
    Ne,
    /// `lt`: `<`.
    Lt,
    /// `lte`: `<=`.
    Lte,
    /// `gt`: `>`.
    Gt,
    /// `gte`: `>=`.
    Gte,
}

/// The comparators by plain name and expression symbol.
const COMPARATORS: [(&str, Comparator, &str); 6] = [
    ("eq", Comparator::Eq, "="),
    ("ne", Comparator::Ne, "<>"),
    ("lt", Comparator::Lt, "<"),
    ("lte", Comparator::Lte, "<="),
    ("gt", Comparator::Gt, ">"),
    ("gte", Comparator::Gte, ">="),
];

/// Every operator a leaf may have.
pub const OPERATORS: [&str; 14] = [
    "eq",
    "ne",
    "lt",
    "lte",
    "gt",
    "gte",
    "between",
    "in",
    "begins-with",
    "contains",
    "exists",
    "not-exists",
    "type",
    "size",
];

/// The operators a `size` object may have.
const SIZE_OPERATORS: [&str; 8] = ["eq", "ne", "lt", "lte", "gt", "gte", "between", "in"];

const SHAPE: &str = "must be a condition: {\"attr\": PATH, OPERATOR: VALUE}, \
     {\"and\": [...]}, {\"or\": [...]} or {\"not\": {...}}";

impl Condition {
    /// Parse the condition at `at`.
    pub fn parse(at: &str, value: &Value) -> Result<Condition> {
        let Value::Object(members) = value else {
            return Err(Error::invalid(at, SHAPE));
        };
        let only = |key: &str| members.len() == 1 && members.contains_key(key);
        if only("and") || only("or") {
            let (key, wrap): (&str, fn(Vec<Condition>) -> Condition) = if only("and") {
                ("and", Condition::And)
            } else {
                ("or", Condition::Or)
            };
            let field = format!("{at}.{key}");
            let Value::Array(children) = &members[key] else {
                return Err(Error::invalid(field, "must be a JSON array of conditions"));
            };
            if children.is_empty() {
                return Err(Error::invalid(field, "must hold at least one condition"));
            }
            let children = children
                .iter()
                .enumerate()
                .map(|(i, c)| Condition::parse(&format!("{field}[{i}]"), c))
                .collect::<Result<Vec<_>>>()?;
            return Ok(wrap(children));
        }
        if only("not") {
            let inner = Condition::parse(&format!("{at}.not"), &members["not"])?;
            return Ok(Condition::Not(Box::new(inner)));
        }
        if members.contains_key("attr") {
            return leaf(at, members).map(Condition::Leaf);
        }
        Err(Error::invalid(at, SHAPE))
    }

    /// The expression, its names and values joining `builder`'s.
    pub fn render(&self, builder: &mut Builder) -> String {
        match self {
            Condition::And(children) | Condition::Or(children) if children.len() == 1 => {
                children[0].render(builder)
            }
            Condition::And(children) => join(children, " AND ", builder),
            Condition::Or(children) => join(children, " OR ", builder),
            Condition::Not(inner) => {
                builder.operation();
                format!("NOT ({})", inner.render(builder))
            }
            Condition::Leaf(leaf) => leaf.render(builder),
        }
    }

    /// Every leaf, depth first.
    pub fn leaves(&self) -> Vec<&Leaf> {
        match self {
            Condition::And(children) | Condition::Or(children) => {
                children.iter().flat_map(Condition::leaves).collect()
            }
            Condition::Not(inner) => inner.leaves(),
            Condition::Leaf(leaf) => vec![leaf],
        }
    }
}

fn join(children: &[Condition], operator: &str, builder: &mut Builder) -> String {
    let parts: Vec<String> = children
        .iter()
        .map(|c| format!("({})", c.render(builder)))
        .collect();
    for _ in 1..parts.len() {
        builder.operation();
    }
    parts.join(operator)
}

/// A leaf: `attr`, one operator and, for operators that take values, an optional `as`.
fn leaf(at: &str, members: &Map<String, Value>) -> Result<Leaf> {
    let subject = path_at(&format!("{at}.attr"), &members["attr"])?;
    let (operator, operand) = one_operator(at, members, &OPERATORS)?;
    let field = format!("{at}.{operator}");
    let code = type_at(&format!("{at}.as"), members.get("as"))?;
    let takes_type = !matches!(operator, "exists" | "not-exists" | "type" | "size");
    if code.is_some() && !takes_type {
        return Err(Error::invalid(
            format!("{at}.as"),
            format!("types a value, and {operator} takes none"),
        ));
    }
    let (size, test) = match operator {
        "size" => {
            let Value::Object(inner) = operand else {
                return Err(Error::invalid(
                    field,
                    "must be a comparison of the size, e.g. {\"gt\": 3}",
                ));
            };
            let (op, operand) = one_operator(&field, inner, &SIZE_OPERATORS)?;
            let test = test(&format!("{field}.{op}"), op, operand, None)?;
            (true, test)
        }
        _ => (false, test(&field, operator, operand, code)?),
    };
    Ok(Leaf {
        at: at.to_string(),
        subject,
        size,
        test,
    })
}

/// The one operator of `members` (besides `attr` and `as`) among `allowed`.
fn one_operator<'a>(
    at: &str,
    members: &'a Map<String, Value>,
    allowed: &[&str],
) -> Result<(&'a str, &'a Value)> {
    let mut operators = members
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "attr" | "as"));
    let found = operators.next();
    if let Some((unknown, _)) = members
        .iter()
        .find(|(k, _)| !allowed.contains(&k.as_str()) && !matches!(k.as_str(), "attr" | "as"))
    {
        return Err(Error::invalid(
            format!("{at}.{unknown}"),
            format!("is not an operator (one of: {})", allowed.join(", ")),
        ));
    }
    match (found, operators.next()) {
        (Some((k, v)), None) => Ok((k.as_str(), v)),
        (None, _) => Err(Error::invalid(
            at,
            format!("needs one operator (one of: {})", allowed.join(", ")),
        )),
        (Some(_), Some((second, _))) => Err(Error::invalid(
            format!("{at}.{second}"),
            "is a second operator: a leaf has one (combine leaves with and/or)",
        )),
    }
}

/// The test `operator` makes with `operand` at `field`, values typed by `code`.
fn test(field: &str, operator: &str, operand: &Value, code: Option<TypeCode>) -> Result<Test> {
    let one = |v: &Value| Operand::parse(field, v, code);
    if let Some((_, comparator, _)) = COMPARATORS.iter().find(|(n, ..)| *n == operator) {
        return Ok(Test::Compare(*comparator, one(operand)?));
    }
    Ok(match operator {
        "between" => match operand {
            Value::Array(pair) if pair.len() == 2 => Test::Between(
                Operand::parse(&format!("{field}[0]"), &pair[0], code)?,
                Operand::parse(&format!("{field}[1]"), &pair[1], code)?,
            ),
            _ => return Err(Error::invalid(field, "must be [LOW, HIGH]")),
        },
        "in" => match operand {
            Value::Array(list) if (1..=MAX_IN).contains(&list.len()) => Test::In(
                list.iter()
                    .enumerate()
                    .map(|(i, v)| Operand::parse(&format!("{field}[{i}]"), v, code))
                    .collect::<Result<_>>()?,
            ),
            _ => {
                return Err(Error::invalid(
                    field,
                    format!("must be a JSON array of 1 to {MAX_IN} values"),
                ))
            }
        },
        "begins-with" => Test::BeginsWith(one(operand)?),
        "contains" => Test::Contains(one(operand)?),
        "exists" | "not-exists" => match operand {
            Value::Bool(b) => Test::Exists(*b == (operator == "exists")),
            _ => return Err(Error::invalid(field, "must be true or false")),
        },
        _ => match type_at(field, Some(operand))? {
            Some(code) => Test::Type(code),
            None => return Err(Error::invalid(field, "must be a type code")),
        },
    })
}

impl Leaf {
    fn render(&self, builder: &mut Builder) -> String {
        let path = builder.path(&self.subject);
        let subject = if self.size {
            builder.operation();
            format!("size({path})")
        } else {
            path.clone()
        };
        builder.operation();
        match &self.test {
            Test::Compare(comparator, operand) => {
                let symbol = COMPARATORS
                    .iter()
                    .find(|(_, c, _)| c == comparator)
                    .map_or("=", |(.., s)| *s);
                format!("{subject} {symbol} {}", builder.operand(operand))
            }
            Test::Between(low, high) => {
                let (low, high) = (builder.operand(low), builder.operand(high));
                format!("{subject} BETWEEN {low} AND {high}")
            }
            Test::In(list) => {
                let list: Vec<String> = list.iter().map(|o| builder.operand(o)).collect();
                format!("{subject} IN ({})", list.join(", "))
            }
            Test::BeginsWith(operand) => {
                format!("begins_with({path}, {})", builder.operand(operand))
            }
            Test::Contains(operand) => format!("contains({path}, {})", builder.operand(operand)),
            Test::Exists(true) => format!("attribute_exists({path})"),
            Test::Exists(false) => format!("attribute_not_exists({path})"),
            Test::Type(code) => {
                let code = builder.value(AttributeValue::S(code.as_str().to_string()));
                format!("attribute_type({path}, {code})")
            }
        }
    }

    /// The paths the leaf reads: its subject and any attribute operands.
    pub fn paths(&self) -> Vec<&Path> {
        let operands: Vec<&Operand> = match &self.test {
            Test::Compare(_, o) | Test::BeginsWith(o) | Test::Contains(o) => vec![o],
            Test::Between(a, b) => vec![a, b],
            Test::In(list) => list.iter().collect(),
            Test::Exists(_) | Test::Type(_) => Vec::new(),
        };
        let attrs = operands.into_iter().filter_map(|o| match o {
            Operand::Attr(path) => Some(path),
            Operand::Value(_) => None,
        });
        std::iter::once(&self.subject).chain(attrs).collect()
    }
}
