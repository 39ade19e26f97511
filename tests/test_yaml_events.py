"""The fast YAML path: the same values and positions as the safe loader, or it steps aside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import DATA
from mockserver.scenarios.loader import load_scenarios
from mockserver.scenarios.positions import _load_general
from mockserver.scenarios.yaml_events import Mapping, Sequence, load_plain

ROOT = Path(__file__).parent.parent
FILES = sorted([*ROOT.glob("fixtures/*.yaml"), *DATA.glob("**/*.yaml")])


def shape(value: Any) -> Any:
    """A value with every position it carries, comparable with ==."""
    if isinstance(value, Mapping):
        return ("map", value.mark.line, value.mark.column, [
            (key, shape(item), value.key_marks[key].line, value.key_marks[key].column,
             value.value_marks[key].line, value.value_marks[key].column)
            for key, item in value.items()
        ])  # fmt: skip
    if isinstance(value, Sequence):
        return ("seq", value.mark.line, value.mark.column, [shape(v) for v in value], [(m.line, m.column) for m in value.item_marks])
    return (type(value).__name__, value)


@pytest.mark.parametrize("path", [pytest.param(p, id=str(p.relative_to(ROOT))) for p in FILES])
def test_a_plain_file_reads_as_the_safe_loader_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    plain = load_plain(text)
    assert plain is not None
    document, repeated = plain
    general, general_repeated = _load_general(text)
    assert shape(document) == shape(general)
    assert [(k, m.line, m.column) for k, m in repeated] == [(k, m.line, m.column) for k, m in general_repeated]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: &x 1\nb: *x\n", id="anchor-and-alias"),
        pytest.param("a: !!str 1\n", id="explicit-tag"),
        pytest.param("base: {x: 1}\nother:\n  <<: {y: 2}\n", id="merge-key"),
        pytest.param("a: 1\n---\nb: 2\n", id="two-documents"),
        pytest.param("? [a, b]\n: 1\n", id="container-key"),
    ],
)
def test_anything_but_plain_yaml_is_left_to_the_general_loader(text: str) -> None:
    assert load_plain(text) is None


def test_scalars_are_typed_as_the_safe_loader_types_them() -> None:
    text = "s: x\nq: '1'\ni: 0x1F\nf: 1.5e3\nb: yes\nn: ~\nd: 2024-01-02\nneg: -7\n"
    plain = load_plain(text)
    assert plain is not None
    assert shape(plain[0]) == shape(_load_general(text)[0])


def test_a_file_with_anchors_still_loads(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "version: 1\nscenarios:\n  - name: a\n    match: {authcode: a}\n    reply: &r {error: {code: -1, msg: m}}\n"
        "  - name: b\n    match: {authcode: b}\n    reply: *r\n",
        encoding="utf-8",
    )
    assert [s.name for s in load_scenarios(tmp_path).scenarios] == ["a", "b"]
