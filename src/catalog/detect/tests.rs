use super::*;

fn kinds_of(hint: Hint, text: &str) -> Vec<Kind> {
    kinds(hint, text).collect()
}

#[test]
fn each_detector_accepts_its_format_and_rejects_near_misses() {
    let none = Hint::None;
    assert_eq!(
        kinds_of(none, "rose.smith+tag@example.co.uk"),
        [Kind::Email]
    );
    assert!(kinds_of(none, "rose@localhost").is_empty());
    assert!(kinds_of(none, "rose..smith@example.com").is_empty());
    assert_eq!(kinds_of(none, "+44 20 7946 0958"), [Kind::Phone]);
    assert_eq!(kinds_of(none, "(212) 555-0100"), [Kind::Phone]);
    assert!(
        kinds_of(none, "2125550100").is_empty(),
        "digits alone need a name"
    );
    assert_eq!(kinds_of(Hint::Phone, "2125550100"), [Kind::Phone]);
    assert_eq!(kinds_of(none, "4111 1111 1111 1111"), [Kind::CreditCard]);
    assert!(
        kinds_of(none, "4111 1111 1111 1112").is_empty(),
        "Luhn fails"
    );
    assert_eq!(kinds_of(none, "GB82 WEST 1234 5698 7654 32"), [Kind::Iban]);
    assert!(kinds_of(none, "GB82 WEST 1234 5698 7654 33").is_empty());
    assert_eq!(kinds_of(none, "192.168.0.10"), [Kind::Ipv4]);
    assert!(kinds_of(none, "192.168.0.256").is_empty());
    assert_eq!(kinds_of(none, "2001:db8::8a2e:370:7334"), [Kind::Ipv6]);
    assert_eq!(kinds_of(none, "123-45-6789"), [Kind::UsSsn]);
    assert!(kinds_of(none, "666-45-6789").is_empty());
    assert!(kinds_of(none, "123456789").is_empty());
    assert_eq!(kinds_of(Hint::Ssn, "123456789"), [Kind::UsSsn]);
    assert_eq!(kinds_of(none, "AKIAIOSFODNN7EXAMPLE"), [Kind::AwsAccessKey]);
    assert!(kinds_of(none, "AKIAIOSFODNN7EXAMPL1").is_empty());
    assert!(
        kinds_of(none, "Rose Smith").is_empty(),
        "names need a name hint"
    );
    assert_eq!(
        kinds_of(Hint::Name, "Anne-Marie O'Neil"),
        [Kind::PersonName]
    );
    assert!(kinds_of(Hint::Name, "widget 42").is_empty());
    assert_eq!(kinds_of(Hint::Birth, "1990-02-28"), [Kind::DateOfBirth]);
    assert!(kinds_of(Hint::Birth, "1990-02-30").is_empty());
    assert_eq!(kinds_of(Hint::Birth, "29/02/2000"), [Kind::DateOfBirth]);
    assert!(kinds_of(none, "1990-02-28").is_empty());
}

#[test]
fn hints_come_from_the_last_path_segment() {
    assert_eq!(hint("customer.firstName"), Hint::Name);
    assert_eq!(hint("people[].last_name"), Hint::Name);
    assert_eq!(hint("date_of_birth"), Hint::Birth);
    assert_eq!(hint("mobile"), Hint::Phone);
    assert_eq!(hint("SSN"), Hint::Ssn);
    assert_eq!(hint("username"), Hint::None);
    assert_eq!(hint("name.first"), Hint::None);
}

#[test]
fn published_test_card_numbers_pass_and_their_neighbours_fail() {
    for number in [
        "4012888888881881",
        "5105105105105100",
        "378282246310005",
        "6011111111111117",
    ] {
        assert!(credit_card(number), "{number}");
        let last = number.len() - 1;
        let digit = (number.as_bytes()[last] - b'0' + 1) % 10;
        assert!(
            !credit_card(&format!("{}{digit}", &number[..last])),
            "{number}"
        );
    }
}

#[test]
fn personal_data_inside_text_and_in_other_spellings_is_found() {
    let none = Hint::None;
    let found = |text: &str, kind: Kind| kinds_of(none, text).contains(&kind);
    assert!(found("write to rose.smith@example.com today", Kind::Email));
    assert!(found("用户@例子.广告", Kind::Email), "internationalised");
    assert!(
        found("gb82 west 1234 5698 7654 32", Kind::Iban),
        "lower case"
    );
    assert!(found(
        "pay to GB82 WEST 1234 5698 7654 32 please",
        Kind::Iban
    ));
    assert!(found("4111.1111.1111.1111", Kind::CreditCard), "dots");
    assert!(found(
        "card 4111 1111 1111 1111 exp 12/29",
        Kind::CreditCard
    ));
    assert!(found("123 45 6789", Kind::UsSsn), "spaces");
    assert!(found("ssn is 123-45-6789.", Kind::UsSsn));
    assert!(found("call +44 20 7946 0958 after six", Kind::Phone));
    assert!(found("221B Baker Street, London", Kind::StreetAddress));
    assert!(found("Hauptstraße 5, Berlin", Kind::StreetAddress));
    assert!(found(
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Kind::AwsSecretKey
    ));
    assert!(found(
        "key AKIAIOSFODNN7EXAMPLE in a log line",
        Kind::AwsAccessKey
    ));
    assert_eq!(kinds_of(Hint::Secret, "hunter2"), [Kind::Secret]);
    assert_eq!(hint("user.password"), Hint::Secret);
    assert_eq!(hint("contact"), Hint::Name);
    assert_eq!(hint("contactPhone"), Hint::Phone);
    assert_eq!(kinds_of(hint("contactPhone"), "4155550100"), [Kind::Phone]);
    for plain in [
        "order 12 shipped",
        "version 1.2.3",
        "12 apples",
        "SKU-4111",
        "2024-01-15",
    ] {
        assert!(kinds_of(none, plain).is_empty(), "{plain}");
    }
}
