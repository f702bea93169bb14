//! The detectors of personal data: what a value can look like ([`Kind`]), what an
//! attribute's name says ([`Hint`]), and each kind's strict check (a checksum where the
//! format has one) on a whole value ([`whole`]) or inside free text ([`within`]).

mod whole;
mod within;

use aws_sdk_dynamodb::types::AttributeValue;
use std::net::{Ipv4Addr, Ipv6Addr};
use whole::{
    aws_access_key, aws_secret_key, credit_card, date, email, iban, person_name, phone, ssn,
};

/// What a value can look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// E-mail addresses.
    Email,
    /// Phone numbers.
    Phone,
    /// Card numbers that pass the Luhn check.
    CreditCard,
    /// IBANs that pass the mod-97 check.
    Iban,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// US social security numbers.
    UsSsn,
    /// AWS access key IDs.
    AwsAccessKey,
    /// AWS secret access keys.
    AwsSecretKey,
    /// Street addresses (a house number and a street word).
    StreetAddress,
    /// Passwords, tokens and other secrets (by the attribute's name).
    Secret,
    /// Person names (by the attribute's name).
    PersonName,
    /// Dates of birth (by the attribute's name).
    DateOfBirth,
}

/// Every kind, in output order.
pub const KINDS: [Kind; 13] = [
    Kind::Email,
    Kind::Phone,
    Kind::CreditCard,
    Kind::Iban,
    Kind::Ipv4,
    Kind::Ipv6,
    Kind::UsSsn,
    Kind::AwsAccessKey,
    Kind::AwsSecretKey,
    Kind::StreetAddress,
    Kind::Secret,
    Kind::PersonName,
    Kind::DateOfBirth,
];

impl Kind {
    /// The kind's name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email-address",
            Kind::Phone => "phone-number",
            Kind::CreditCard => "credit-card-number",
            Kind::Iban => "iban",
            Kind::Ipv4 => "ipv4-address",
            Kind::Ipv6 => "ipv6-address",
            Kind::UsSsn => "us-social-security-number",
            Kind::AwsAccessKey => "aws-access-key-id",
            Kind::AwsSecretKey => "aws-secret-access-key",
            Kind::StreetAddress => "street-address",
            Kind::Secret => "secret",
            Kind::PersonName => "person-name",
            Kind::DateOfBirth => "date-of-birth",
        }
    }

    /// The `OpenMetadata` tag: `PII.Sensitive` for what identifies a person directly or
    /// opens an account, `PII.NonSensitive` for what identifies only with other data.
    pub fn tag(self) -> &'static str {
        match self {
            Kind::PersonName | Kind::Ipv4 | Kind::Ipv6 => "PII.NonSensitive",
            _ => "PII.Sensitive",
        }
    }

    /// What the values are, for the reason text.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Email => "e-mail addresses",
            Kind::Phone => "phone numbers",
            Kind::CreditCard => "credit card numbers (Luhn-checked)",
            Kind::Iban => "IBANs (mod-97-checked)",
            Kind::Ipv4 => "IPv4 addresses",
            Kind::Ipv6 => "IPv6 addresses",
            Kind::UsSsn => "US social security numbers",
            Kind::AwsAccessKey => "AWS access key IDs",
            Kind::AwsSecretKey => "AWS secret access keys",
            Kind::StreetAddress => "street addresses",
            Kind::Secret => "passwords or other secrets (the attribute's name says so)",
            Kind::PersonName => "person names (the attribute's name says so)",
            Kind::DateOfBirth => "dates of birth (the attribute's name says so)",
        }
    }

    /// Whether `text` (a whole value, or somewhere inside it for the kinds that can sit in
    /// free text) is of this kind.
    fn matches(self, hint: Hint, text: &str) -> bool {
        match self {
            Kind::Email => email(text) || within::emails(text),
            Kind::Phone => phone(text, hint == Hint::Phone) || within::phones(text),
            Kind::CreditCard => credit_card(text) || within::digit_runs(text, credit_card),
            Kind::Iban => iban(text) || within::ibans(text),
            Kind::Ipv4 => text.parse::<Ipv4Addr>().is_ok(),
            Kind::Ipv6 => text.contains(':') && text.parse::<Ipv6Addr>().is_ok(),
            Kind::UsSsn => {
                ssn(text, hint == Hint::Ssn) || within::digit_runs(text, |run| ssn(run, false))
            }
            Kind::AwsAccessKey => within::words(text).any(aws_access_key),
            Kind::AwsSecretKey => within::words(text).any(aws_secret_key),
            Kind::StreetAddress => within::street_address(text),
            Kind::Secret => hint == Hint::Secret && !text.is_empty(),
            Kind::PersonName => hint == Hint::Name && person_name(text),
            Kind::DateOfBirth => hint == Hint::Birth && date(text),
        }
    }
}

/// What an attribute's name says about its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// The name says nothing.
    None,
    /// A person's name (`name`, `firstName`, ...).
    Name,
    /// A date of birth (`dob`, `birthDate`, ...).
    Birth,
    /// A phone number (`phone`, `mobile`, ...).
    Phone,
    /// A social security number (`ssn`, ...).
    Ssn,
    /// A password or another secret (`password`, `apiToken`, ...).
    Secret,
}

/// The hint of the last segment of a column path (`customer.firstName` → name): person
/// names and dates of birth by the whole word, phone numbers and secrets by a word inside
/// it (`contactPhone`, `api_token`).
pub fn hint(path: &str) -> Hint {
    const PHONE_WORDS: [&str; 4] = ["phone", "mobile", "fax", "msisdn"];
    const PHONE: [&str; 3] = ["tel", "cell", "cellnumber"];
    const SECRET_WORDS: [&str; 8] = [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "credential",
        "passphrase",
    ];
    const BIRTH: [&str; 5] = ["dob", "dateofbirth", "birthdate", "birthday", "birthdt"];
    const NAMES: [&str; 21] = [
        "name",
        "firstname",
        "lastname",
        "fullname",
        "givenname",
        "surname",
        "familyname",
        "middlename",
        "customername",
        "contactname",
        "personname",
        "contact",
        "owner",
        "holder",
        "cardholder",
        "accountholder",
        "recipient",
        "sender",
        "author",
        "customer",
        "employee",
    ];
    let last = path.rsplit(['.', '[']).next().unwrap_or(path);
    let word: String = last
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| word.contains(w));
    match word.as_str() {
        w if NAMES.contains(&w) => Hint::Name,
        w if BIRTH.contains(&w) => Hint::Birth,
        w if PHONE.contains(&w) || has(&PHONE_WORDS) => Hint::Phone,
        "ssn" | "socialsecuritynumber" => Hint::Ssn,
        "pwd" | "pin" => Hint::Secret,
        _ if has(&SECRET_WORDS) => Hint::Secret,
        _ => Hint::None,
    }
}

/// The text a detector looks at: a string, or a number's digits.
pub fn text(value: &AttributeValue) -> Option<&str> {
    match value {
        AttributeValue::S(s) | AttributeValue::N(s) => Some(s.trim()),
        _ => None,
    }
}

/// The kinds `text`, a value of a column with `hint`, looks like.
pub fn kinds(hint: Hint, text: &str) -> impl Iterator<Item = Kind> + '_ {
    KINDS.into_iter().filter(move |k| k.matches(hint, text))
}

#[cfg(test)]
mod tests;
