"""The fast indented JSON writer says exactly what ``json.dumps(..., indent=2)`` says."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools.render import indented_json

LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(VALUES, st.booleans())
def test_same_text_as_the_standard_library(value: Any, ascii_only: bool) -> None:
    assert indented_json(value, 2, ascii_only) == json.dumps(
        value, indent=2, ensure_ascii=ascii_only
    )


def test_data_json_writes_otherwise_is_handed_over_whole() -> None:
    odd = {1: "int key", None: [("a", "tuple")], "nested": {2.5: True}}
    assert indented_json(odd) == json.dumps(odd, indent=2)
