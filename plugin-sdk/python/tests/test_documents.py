"""JSON helpers edit only what they name and keep everything else where it was."""

from __future__ import annotations

import pytest

from hookd_plugin import (
    get_annotation, get_env, get_label, set_annotation, set_env, set_label, unset_annotation, unset_env, unset_label,
)


def test_get_env_reads_values_and_treats_a_bare_name_as_unset():
    config = {"Env": ["A=1", "B=x=y", "C=", "D"]}
    assert [get_env(config, k) for k in ("A", "B", "C", "D", "E")] == ["1", "x=y", "", None, None]
    assert get_env({"Env": None}, "A") is None and get_env({}, "A") is None


def test_set_env_replaces_in_place_and_drops_later_duplicates():
    config = {"Env": ["A=1", "B=2", "A=3", "C=4"], "Other": True}
    set_env(config, "A", "9")
    assert config == {"Env": ["A=9", "B=2", "C=4"], "Other": True}


def test_set_env_appends_and_creates_a_missing_or_null_env():
    for config in ({}, {"Env": None}):
        set_env(config, "A", "1")
        set_env(config, "B", "2")
        assert config["Env"] == ["A=1", "B=2"]


def test_set_env_refuses_a_name_with_an_equals_sign():
    with pytest.raises(ValueError):
        set_env({}, "A=B", "1")


def test_unset_env_removes_every_entry_and_returns_the_value():
    env = ["A=1", "B=2", "A=3"]
    assert unset_env(env, "A") == "1"
    assert env == ["B=2"]


def test_unsetting_what_is_absent_changes_nothing():
    for doc in ({}, {"Env": None}, {"Labels": None}, {"SpecAnnotation": None}):
        before = dict(doc)
        assert unset_env(doc, "A") is None and unset_label(doc, "A") is None and unset_annotation(doc, "A") is None
        assert doc == before


@pytest.mark.parametrize(("field", "get", "set_", "unset"), [
    ("Labels", get_label, set_label, unset_label),
    ("SpecAnnotation", get_annotation, set_annotation, unset_annotation),
])
def test_string_maps_are_read_set_and_unset_keeping_other_keys(field, get, set_, unset):
    doc = {field: {"keep": "me"}, "Image": "x"}
    set_(doc, "k", "v")
    assert get(doc, "k") == "v"
    assert doc == {field: {"keep": "me", "k": "v"}, "Image": "x"}
    assert unset(doc, "k") == "v"
    assert doc == {field: {"keep": "me"}, "Image": "x"}
    empty: dict = {field: None}
    set_(empty, "a", "b")
    assert empty == {field: {"a": "b"}}
