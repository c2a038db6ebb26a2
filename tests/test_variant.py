"""Variant: parsing the short form, defaults, validation messages."""

from __future__ import annotations

import hashlib

import pytest

from reglab.errors import ReglabError
from reglab.store import variant_key
from reglab.variant import PARAMETERS, Variant, parse_variants


def test_defaults_follow_the_seed_notebook():
    v = Variant()
    assert (v.hidden, v.activation, v.optimizer, v.lr, v.batch_size, v.epochs) == ((64, 32), "relu", "adam", 0.01, 32, 500)
    assert v.l1 == v.l2 == v.dropout == 0.0 and v.early_stopping is None and v.ensemble == 1
    assert v.label == "baseline"


def test_short_form_parses_every_kind_of_value():
    v = Variant.parse("l1=1e-3,dropout=0.3,hidden=64x32x16,batchnorm=true,batch_size=full,early_stopping=20,max_norm=none")
    assert v.l1 == 0.001 and v.dropout == 0.3 and v.hidden == (64, 32, 16)
    assert v.batchnorm is True and v.batch_size == "full" and v.early_stopping == 20 and v.max_norm is None
    assert Variant.parse("hidden=none").hidden == ()
    assert Variant.parse("l2=1e-3/0/0").l2 == (0.001, 0.0, 0.0)


def test_names_and_labels():
    assert Variant.parse("strong L1:l1=1e-2").label == "strong L1"
    assert Variant.parse("l1=1e-2,dropout=0.5").label == "dropout=0.5,l1=0.01"
    assert Variant.parse("baseline") == Variant(name="baseline")
    assert Variant.parse("  my base : baseline").label == "my base"


def test_adamw_defaults_to_torch_decay():
    assert Variant(optimizer="adamw").weight_decay == 0.01
    assert Variant(optimizer="adamw", weight_decay=0.1).weight_decay == 0.1


@pytest.mark.parametrize(
    "spec, message",
    [
        ("dropout=1.5", r"`dropout`: expected a float in \[0, 1\)"),
        ("l1=-1", r"`l1`: expected a float in \[0, inf\)"),
        ("dropuot=0.3", "Did you mean 'dropout'"),
        ("foo=1", "Valid keys: hidden, conv, conv_dropout, activation"),
        ("l1", "expected key=value"),
        ("optimizer=adma", "Did you mean 'adam'"),
        ("hidden=64xabc", "sizes such as 64x32"),
        ("batch_size=0", "a positive integer or 'full'"),
        ("epochs=2.5", "an integer"),
        ("batchnorm=maybe", "true or false"),
        ("l1=1e-3/0", "has 2 per-layer values but this network has 3 weight matrices"),
        ("dropout=0.1/0.1/0.1", "3 per-layer values but this network has 2 hidden layers"),
        ("l1=1e-3,l1=1e-2", "given twice"),
        ("unit_norm=true,max_norm=2", "conflict"),
        ("lr=nan", "expected a float"),
    ],
)
def test_bad_specs_are_refused_with_a_clear_message(spec, message):
    with pytest.raises(ReglabError, match=message):
        Variant.parse(spec)


def test_keywords_are_validated_too():
    with pytest.raises(ReglabError, match="Received: dropout=1.5"):
        Variant(dropout=1.5)
    with pytest.raises(ReglabError, match="Unknown variant key `l3`"):
        Variant().replace(l3=1.0)


def test_replace_validates_and_renames():
    v = Variant.parse("mine:l1=1e-3")
    assert v.replace(epochs=5).label == "l1=0.001,epochs=5"
    assert v.replace(epochs=5, name="mine").label == "mine"


def test_every_parameter_has_help_and_a_default():
    defaults = Variant()
    for key, rule in PARAMETERS.items():
        assert rule.help
        assert hasattr(defaults, key)


def test_duplicate_labels_are_refused():
    with pytest.raises(ReglabError, match="share the label"):
        parse_variants(["a:l1=1", "a:l2=1"])
    assert [v.label for v in parse_variants(["baseline", "l1=1e-3"])] == ["baseline", "l1=0.001"]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("lr=0", r"`lr`: expected a float in \(0, inf\); a learning rate of 0 never moves the weights. Received: lr=0"),
        ("max_norm=0", r"`max_norm`: expected a float in \(0, inf\), or none; a norm of 0 would set every weight to zero"),
        ("epochs=1e20", r"`epochs`: expected an integer in \[1, 1000000\]. Received: epochs=100000000000000000000"),
        ("ensemble=100000", r"`ensemble`: expected an integer in \[1, 1000\]"),
        ("hidden=20000x200000", r"`hidden`: expected layer sizes such as 64x32, or none; at most 100 sizes of at most 100000 each"),
        ("init_scale=0", r"`init_scale`: expected a float in \(0, 100\]; a scale of 0 starts every weight at zero"),
        ("dropconnect=1", r"`dropconnect`: expected a float in \[0, 1\); a rate of 1 would drop every weight"),
        ("early_stopping=0", r"`early_stopping`: expected an integer in \[1, 1000000\], or none"),
    ],
)
def test_values_that_make_no_sense_are_refused_with_the_reason(spec, message):
    with pytest.raises(ReglabError, match=message):
        Variant.parse(spec)


@pytest.mark.parametrize("keywords", [{"epochs": 10**20}, {"l1": 10**400}, {"batch_size": 10**30}, {"lr": float("inf")}])
def test_numbers_beyond_the_machines_are_refused_from_python_too(keywords):
    with pytest.raises(ReglabError, match="Invalid value for variant key"):
        Variant(**keywords)


def test_every_key_is_declared_once_with_its_rule():
    assert list(PARAMETERS)[:4] == ["hidden", "conv", "conv_dropout", "activation"]
    assert {"dropconnect", "init_scale", "early_stopping", "l1"} <= set(PARAMETERS)
    v = Variant(l1=1e-3, dropconnect=0.2)
    assert (v.l1, v.dropconnect, v.init_scale) == (1e-3, 0.2, 1.0)
    assert v == Variant.parse("l1=1e-3,dropconnect=0.2") and hash(v) == hash(Variant.parse("l1=1e-3,dropconnect=0.2"))
    assert v.replace(dropconnect=0.0) == Variant(l1=1e-3)


def test_run_keys_of_stored_runs_do_not_change():
    """``settings()`` is the run's key in the store: keys added later appear only when set."""
    keys = {  # the SHA-256 of variant_key() before the key table was assembled from the pieces
        "baseline": "42d865cc8fd1627de8b3dc89436b4c9d7a1ddfa679de8d1066ffeab7f8e91305",
        "l1=1e-3,dropout=0.3/0.1": "1b0f8b7b034c2fe949b4016d9f2f331ff0c65cb113f6b2283a0e3553318ac78b",
        "x:optimizer=adamw,hidden=16x8,early_stopping=5,max_norm=2": "7c4e458367ca3076da51273e3cc39bb8d6edaa9c36e0dc8121796e74cae8a202",
    }
    for spec, digest in keys.items():
        assert hashlib.sha256(variant_key(Variant.parse(spec)).encode()).hexdigest() == digest, spec
    assert "init_scale" not in Variant().settings() and Variant(init_scale=2.0).settings()["init_scale"] == 2.0
    assert Variant.from_dict(Variant(dropconnect=0.1).to_dict()) == Variant(dropconnect=0.1)
