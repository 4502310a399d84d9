"""Small groups, and groups that subtraction would expose, are never shown."""

from groundswell.pulse.suppression import hidden_groups

ORG, DEPT, BIG, SMALL = "org", "dept", "team-10", "team-2"


def test_a_group_below_the_minimum_is_hidden():
    counts = {ORG: 30, "a": 26, "b": 4}
    parents = {ORG: None, "a": ORG, "b": ORG}
    assert "b" in hidden_groups(counts, parents, 5)


def test_department_of_12_beside_a_team_of_10_does_not_reveal_the_other_2():
    counts = {ORG: 12, DEPT: 12, BIG: 10, SMALL: 2}
    parents = {ORG: None, DEPT: ORG, BIG: DEPT, SMALL: DEPT}

    hidden = hidden_groups(counts, parents, 5)

    assert SMALL in hidden
    assert BIG in hidden  # otherwise 12 - 10 gives the small team away
    shown_children = [c for c in (BIG, SMALL) if c not in hidden]
    assert counts[DEPT] - sum(counts[c] for c in shown_children) >= 5


def test_the_next_smallest_sibling_is_hidden_not_the_biggest():
    counts = {DEPT: 40, "t3": 3, "t8": 8, "t29": 29}
    parents = {DEPT: None, "t3": DEPT, "t8": DEPT, "t29": DEPT}

    assert hidden_groups(counts, parents, 5) == {"t3", "t8"}


def test_two_small_siblings_still_need_a_third_when_together_under_the_minimum():
    counts = {DEPT: 30, "a": 2, "b": 2, "c": 6, "d": 20}
    parents = {DEPT: None, "a": DEPT, "b": DEPT, "c": DEPT, "d": DEPT}

    assert hidden_groups(counts, parents, 5) == {"a", "b", "c"}


def test_parent_is_hidden_when_no_sibling_can_cover():
    counts = {ORG: 20, DEPT: 7, "only": 7, "other": 13, "tiny": 0}
    parents = {ORG: None, DEPT: ORG, "only": DEPT, "other": ORG}
    counts_small = {ORG: 20, DEPT: 8, "t4": 4, "t4b": 4, "other": 12}
    parents_small = {ORG: None, DEPT: ORG, "t4": DEPT, "t4b": DEPT, "other": ORG}

    assert hidden_groups(counts, parents, 5) == set()
    hidden = hidden_groups(counts_small, parents_small, 5)
    assert {"t4", "t4b"} <= hidden  # both under 5; together 8, so the department may show


def test_hiding_cascades_down_and_protects_across_levels():
    # A department hidden to protect a small sibling department hides its teams too,
    # or the teams would add up to it again.
    counts = {ORG: 25, "d-small": 3, "d-big": 22, "t1": 11, "t2": 11, "s1": 3}
    parents = {
        ORG: None,
        "d-small": ORG,
        "d-big": ORG,
        "t1": "d-big",
        "t2": "d-big",
        "s1": "d-small",
    }

    hidden = hidden_groups(counts, parents, 5)

    assert {"d-small", "d-big", "t1", "t2", "s1"} <= hidden
    assert ORG not in hidden


def test_a_remainder_from_a_single_hidden_group_is_never_left():
    counts = {ORG: 100, "a": 50, "b": 45, "c": 5}
    parents = {ORG: None, "a": ORG, "b": ORG, "c": ORG}
    assert hidden_groups(counts, parents, 5) == set()
    counts["c"], counts["b"] = 4, 46
    assert hidden_groups(counts, parents, 5) == {"c", "b"}
