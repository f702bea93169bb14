//! The lease rule against a fake clock.

use super::*;

const LEASE: Duration = Duration::from_secs(20);

#[test]
fn a_missing_row_is_taken_at_once_and_ones_own_row_left_by_an_earlier_run_after_the_duration() {
    let mut observed = None;
    let start = Instant::now();
    assert_eq!(
        decide(None, "a", &mut observed, start, LEASE),
        Decision::TakeNew
    );
    let own = decide(Some(("a", 7)), "a", &mut observed, start, LEASE);
    assert_eq!(own, Decision::Wait, "it may be a live twin's");
    let later = decide(Some(("a", 7)), "a", &mut observed, start + LEASE, LEASE);
    assert_eq!(later, Decision::TakeOver(7));
}

#[test]
fn a_row_under_ones_own_id_whose_fence_moves_is_a_twins() {
    let mut observed = None;
    let start = Instant::now();
    decide(Some(("a", 7)), "a", &mut observed, start, LEASE);
    let moved = decide(Some(("a", 8)), "a", &mut observed, start, LEASE);
    assert_eq!(moved, Decision::Twin);
}

#[test]
fn a_released_lease_is_taken_at_once() {
    let mut observed = None;
    let now = Instant::now();
    let released = decide(Some(("", 9)), "a", &mut observed, now, LEASE);
    assert_eq!(released, Decision::TakeOver(9));
}

#[test]
fn anothers_lease_is_taken_only_once_its_fence_stood_still_for_the_duration() {
    let mut observed = None;
    let start = Instant::now();
    let at = |s: u64| start + Duration::from_secs(s);
    assert_eq!(
        decide(Some(("b", 3)), "a", &mut observed, at(0), LEASE),
        Decision::Wait
    );
    assert_eq!(
        decide(Some(("b", 3)), "a", &mut observed, at(19), LEASE),
        Decision::Wait
    );
    // The holder renewed: the clock starts again.
    assert_eq!(
        decide(Some(("b", 4)), "a", &mut observed, at(19), LEASE),
        Decision::Wait
    );
    assert_eq!(
        decide(Some(("b", 4)), "a", &mut observed, at(38), LEASE),
        Decision::Wait
    );
    assert_eq!(
        decide(Some(("b", 4)), "a", &mut observed, at(39), LEASE),
        Decision::TakeOver(4),
        "20 s without a renewal: the holder is gone"
    );
}

#[test]
fn a_new_holder_is_watched_from_scratch() {
    let mut observed = None;
    let start = Instant::now();
    let at = |s: u64| start + Duration::from_secs(s);
    decide(Some(("b", 3)), "a", &mut observed, at(0), LEASE);
    assert_eq!(
        decide(Some(("c", 4)), "a", &mut observed, at(25), LEASE),
        Decision::Wait
    );
    assert_eq!(
        decide(Some(("c", 4)), "a", &mut observed, at(45), LEASE),
        Decision::TakeOver(4)
    );
}
