"""The one validator: each rule accepts exactly what it says, reads the short form, and says what it wants."""

from __future__ import annotations

import pytest

from reglab.rules import AnyOf, Flag, Interval, Invalid, OneOf, Optional, PerLayer, Sizes, invalid_key, invalid_option


@pytest.mark.parametrize(
    "rule, accepted, refused, words",
    [
        (Interval(float, 0, 1, "left"), [0, 0.5, 0.999], [1, -0.1, float("nan"), True, "0.5"], "a float in [0, 1)"),
        (Interval(float, 0, None, "neither"), [1e-12, 1e300], [0, float("inf")], "a float in (0, inf)"),
        (Interval(int, 1, 10**6, "both", integral_floats=True), [1, 10**6, 5.0], [0, 10**6 + 1, 2.5, 10**20], "an integer in [1, 1000000]"),
        (Interval(int, 10, None), [10, 11], [9, 100.0], "an integer in [10, inf)"),
        (OneOf(("relu", "tanh", None)), ["relu", None], ["RELU", 1], "one of {'relu', 'tanh', None}"),
        (Flag(), [True, False], [1, "true"], "true or false"),
        (Sizes(), [(64, 32), (), 8], [(0,), (1.5,), (200_000,), (True,)], "layer sizes such as 64x32, or none"),
        (Optional(Interval(float, 0, None, "neither")), [None, 2.0], [0, -1], "a float in (0, inf), or none"),
        (AnyOf((Interval(int, 1, None), OneOf(("full",)))), [5, "full"], [0, "half"], "an integer in [1, inf) or one of {'full'}"),
    ],
)
def test_rules_accept_exactly_what_they_describe(rule, accepted, refused, words):
    for value in accepted:
        rule.check(value)
    for value in refused:
        with pytest.raises(Invalid):
            rule.check(value)
    assert rule.describe() == words


def test_an_int_beyond_any_float_is_refused_not_an_overflow():
    with pytest.raises(Invalid, match="too large"):
        Interval(float, 0, None).check(10**400)


def test_parse_reads_text_and_leaves_the_judgement_to_check():
    assert Interval(int, 1, 5, "both", integral_floats=True).parse("1e20") == 10**20  # refused later by check
    with pytest.raises(Invalid):
        Interval(int, 1, None).parse("2.5")
    assert Flag().parse(" Yes ") is True and Flag().parse("off") is False
    assert Sizes().parse("none") == () and Sizes().parse("16x8") == (16, 8)
    assert Optional(Interval(float, 0, None)).parse("off") is None
    assert AnyOf((Interval(int, 1, None), OneOf(("full",)))).parse("FULL") == "full"


def test_per_layer_values_and_their_count():
    rule = PerLayer(Interval(float, 0, None), lambda values: len(values["hidden"]) + 1, "weight matrices")
    assert rule.parse("1e-3/0/0") == (0.001, 0.0, 0.0) and rule.parse("0.1") == 0.1
    assert rule.check([0.1, 0.2]) == (0.1, 0.2) and rule.check(0.1) == 0.1
    with pytest.raises(Invalid):
        rule.check((0.1, -1.0))
    rule.check_count("l1", (0.1, 0.2, 0.3), {"hidden": (4, 4)})
    with pytest.raises(Invalid, match="has 2 per-layer values but this network has 3 weight matrices"):
        rule.check_count("l1", (0.1, 0.2), {"hidden": (4, 4)})


def test_one_message_style_per_taker():
    rule = Interval(float, 0, 1, "left")
    assert invalid_key("dropout", rule, 1.5) == "Invalid value for variant key `dropout`: expected a float in [0, 1). Received: dropout=1.5"
    assert invalid_key("lr", Interval(float, 0, None, "neither"), 0.0, "0 never learns").endswith("(0, inf); 0 never learns. Received: lr=0.0")
    assert invalid_option("n_samples", "option", "moons", Interval(int, 10, None), 5) == (
        "The 'n_samples' option of moons must be an int in [10, inf). Got 5 instead."
    )
