//! The plan of one cycle against a fake clock: take, share, claim, hand over, lineage.

use super::*;
use serde_json::json;

const LEASE: Duration = Duration::from_secs(20);

fn listed(id: &str, parent: Option<&str>, finished: bool) -> Listed {
    Listed {
        id: id.into(),
        parent: parent.map(str::to_string),
        finished,
    }
}

fn row(owner: &str, fence: u64) -> Value {
    json!({"owner": owner, "fence": fence})
}

fn plan_at(
    listing: &[Listed],
    rows: &HashMap<String, Value>,
    held: &[&str],
    now: Instant,
    observed: &mut HashMap<String, crate::lease::Observed>,
) -> Plan {
    let held: Vec<String> = held.iter().map(|s| (*s).to_string()).collect();
    let view = View {
        listing,
        rows,
        held: &held,
        me: "a",
        now,
        duration: LEASE,
    };
    plan(&view, observed)
}

fn taken(plan: &Plan) -> Vec<&str> {
    plan.take.iter().map(|(id, _)| id.as_str()).collect()
}

#[test]
fn a_lone_replica_takes_every_readable_shard() {
    let listing = [listed("s1", None, false), listed("s2", None, false)];
    let plan = plan_at(
        &listing,
        &HashMap::new(),
        &[],
        Instant::now(),
        &mut HashMap::new(),
    );
    assert_eq!(taken(&plan), ["s1", "s2"]);
    assert_eq!(plan.take[0].1, Decision::TakeNew);
    assert_eq!(plan.claim, None);
}

#[test]
fn a_child_waits_for_its_parent_to_be_finished_by_whoever_held_it() {
    let listing = [listed("p", None, false), listed("c", Some("p"), false)];
    let rows = HashMap::from([("p".to_string(), row("b", 4))]);
    let start = Instant::now();
    let mut observed = HashMap::new();
    let plan = plan_at(&listing, &rows, &[], start, &mut observed);
    assert!(
        plan.take.is_empty(),
        "the parent is b's and the child not readable yet"
    );
    let mut done = row("", 5);
    done["done"] = json!(true);
    let rows = HashMap::from([("p".to_string(), done)]);
    let plan = plan_at(&listing, &rows, &[], start, &mut observed);
    assert_eq!(taken(&plan), ["c"]);
}

#[test]
fn a_dead_holders_lease_is_taken_after_its_fence_stood_still_for_the_duration() {
    let listing = [listed("s1", None, false)];
    let rows = HashMap::from([("s1".to_string(), row("b", 9))]);
    let start = Instant::now();
    let mut observed = HashMap::new();
    assert!(plan_at(&listing, &rows, &[], start, &mut observed)
        .take
        .is_empty());
    let later = start + Duration::from_secs(19);
    assert!(plan_at(&listing, &rows, &[], later, &mut observed)
        .take
        .is_empty());
    let expired = plan_at(&listing, &rows, &[], start + LEASE, &mut observed);
    assert_eq!(expired.take, [("s1".to_string(), Decision::TakeOver(9))]);
}

#[test]
fn a_replica_below_its_share_claims_one_lease_of_the_busiest_and_no_more() {
    let listing: Vec<Listed> = (1..=4)
        .map(|i| listed(&format!("s{i}"), None, false))
        .collect();
    let mut rows: HashMap<String, Value> =
        (1..=4).map(|i| (format!("s{i}"), row("b", i))).collect();
    let plan = plan_at(&listing, &rows, &[], Instant::now(), &mut HashMap::new());
    assert!(plan.take.is_empty());
    let (shard, fence) = plan.claim.clone().expect("b holds 4 of 4; a's share is 2");
    assert_eq!(rows[&shard]["fence"], fence);
    rows.get_mut(&shard).unwrap()["claim"] = json!("a");
    let again = plan_at(&listing, &rows, &[], Instant::now(), &mut HashMap::new());
    assert_eq!(again.claim, None, "one claim at a time");
}

#[test]
fn a_balanced_replica_claims_nothing_and_hands_over_a_claimed_or_finished_lease() {
    let listing = [
        listed("s1", None, false),
        listed("s2", None, false),
        listed("s3", None, true),
    ];
    let mut rows = HashMap::from([
        ("s1".to_string(), row("a", 3)),
        ("s2".to_string(), row("b", 3)),
        ("s3".to_string(), row("a", 3)),
    ]);
    let plan = plan_at(
        &listing,
        &rows,
        &["s1", "s3"],
        Instant::now(),
        &mut HashMap::new(),
    );
    assert_eq!(
        plan,
        Plan {
            release: vec!["s3".into()],
            ..Plan::default()
        }
    );
    rows.get_mut("s1").unwrap()["claim"] = json!("c");
    let plan = plan_at(
        &listing,
        &rows,
        &["s1"],
        Instant::now(),
        &mut HashMap::new(),
    );
    assert_eq!(plan.release, ["s1"]);
}
