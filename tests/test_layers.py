"""Fixtures layers: directories stacked over the built-ins, clashes named at both places, `override`."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.scenarios.listing import catalogue
from mockserver.scenarios.layers import BUILTIN
from mockserver.scenarios.loader import ScenarioLoadError, load_scenarios, scenario_files
from mockserver.scenarios.model import NamedError, ScenarioSet
from mockserver.settings import SHIPPED_FIXTURES, Settings

HEAD = "version: 1\nscenarios:\n"
VIP = "  - name: vip\n    match: {authcode: vip}\n    reply: {fake_user: {integral: 99999}}\n"


def layer(root: Path, name: str, text: str) -> Path:
    """A fixtures directory `root/name` holding one file `s.yaml`."""
    directory = root / name
    directory.mkdir()
    (directory / "s.yaml").write_text(HEAD + text, encoding="utf-8")
    return directory


def scenario(name: str, authcode: str, reply: str = "{new_user: {}}", *, override: bool = False) -> str:
    flag = "    override: true\n" if override else ""
    return f"  - name: {name}\n{flag}    match: {{authcode: {authcode}}}\n    reply: {reply}\n"


def problems(*layers: Path) -> list[str]:
    with pytest.raises(ScenarioLoadError) as failure:
        load_scenarios(layers)
    return [str(error) for error in failure.value.errors]


def shipped() -> ScenarioSet:
    return load_scenarios(SHIPPED_FIXTURES)


# -- adding ------------------------------------------------------------------------------------


def test_a_layer_adds_its_scenarios_after_the_built_in_ones(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", VIP)
    loaded = load_scenarios(Settings(fixtures=mine, builtin=True).layers)
    assert [s.name for s in loaded.scenarios] == [*(s.name for s in shipped().scenarios), "vip"]
    assert loaded.layers == (BUILTIN, str(mine))
    assert len(loaded.files) == len(scenario_files(SHIPPED_FIXTURES)) + 1


def test_every_scenario_knows_its_layer(tmp_path: Path) -> None:
    loaded = load_scenarios((SHIPPED_FIXTURES, layer(tmp_path, "mine", VIP)))
    assert loaded.origin(loaded.by_name["vip"]) == str(tmp_path / "mine")
    assert loaded.origin(loaded.by_name["seed-example-user"]) == BUILTIN


def test_the_catalogue_names_each_scenarios_layer_file_and_line(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", VIP)
    text = catalogue(load_scenarios((SHIPPED_FIXTURES, mine)))
    assert f"vip  [user/appminiuserauth: authcode 'vip' -> fake user]  ({mine}) {mine / 's.yaml'}:3\n" in text + "\n"
    seed = shipped().by_name["seed-example-user"].place
    assert f"  {BUILTIN}:appminiuserauth.yaml:{seed.line}\n" in text  # not where pip put the file
    assert text.startswith(f"{len(shipped().scenarios) + 1} scenario(s) from ")
    assert text.splitlines()[0].endswith(f" in {BUILTIN}, {mine}")


def test_three_layers_stack_in_the_order_given(tmp_path: Path) -> None:
    first = layer(tmp_path, "first", scenario("a", "a"))
    second = layer(tmp_path, "second", scenario("b", "b"))
    loaded = load_scenarios((first, second))
    assert [s.name for s in loaded.scenarios] == ["a", "b"]
    assert loaded.layers == (str(first), str(second))


# -- clashes -----------------------------------------------------------------------------------


def test_a_name_used_again_in_a_later_layer_names_both_places(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("status-disabled", "mine"))
    where = shipped().by_name["status-disabled"].place
    assert problems(SHIPPED_FIXTURES, mine) == [
        f"{mine / 's.yaml'}:3:5: name 'status-disabled' is already used by the scenario at {where} (built-in); "
        "add 'override: true' to replace it, or choose another name"
    ]


def test_a_name_clash_between_two_user_layers_names_the_earlier_layer(tmp_path: Path) -> None:
    first = layer(tmp_path, "first", scenario("a", "a"))
    second = layer(tmp_path, "second", scenario("a", "b"))
    assert problems(first, second) == [
        f"{second / 's.yaml'}:3:5: name 'a' is already used by the scenario at {first / 's.yaml'}:3:5 ({first}); "
        "add 'override: true' to replace it, or choose another name"
    ]


def test_an_exact_authcode_used_again_in_a_later_layer_names_both_places(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("my-new-user", "new-user"))
    first = shipped().by_name["new-user"]
    assert problems(SHIPPED_FIXTURES, mine) == [
        f"{mine / 's.yaml'}:3:5: authcode 'new-user' is already used by scenario 'new-user' at {first.place}; "
        "this one could never answer (to answer it differently, name this one 'new-user' and add 'override: true')"
    ]


def test_the_same_regex_match_in_two_layers_is_a_clash(tmp_path: Path) -> None:
    first = layer(tmp_path, "first", scenario("a", "{regex: '^x-'}"))
    second = layer(tmp_path, "second", scenario("b", "{regex: '^x-'}"))
    report = problems(first, second)
    assert len(report) == 1 and report[0].startswith(f"{second / 's.yaml'}:3:5: the same match is already used by scenario 'a' at {first / 's.yaml'}:3:5")


def test_two_endpoints_may_each_answer_every_request(tmp_path: Path) -> None:
    both = "".join(f"  - name: {c}\n    action: {c}/detail\n    match: {{}}\n    reply: {{envelope: {{}}}}\n" for c in ("goods", "order"))
    assert list(load_scenarios(layer(tmp_path, "mine", both)).by_name) == ["goods", "order"]


def test_within_one_layer_names_stay_unique_whatever_override_says(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("a", "a") + scenario("a", "b", override=True))
    assert problems(mine) == [
        f"{mine / 's.yaml'}:6:5: name 'a' is already used by the scenario at {mine / 's.yaml'}:3:5 "
        "('override: true' replaces scenarios of earlier layers only)"
    ]


# -- override ----------------------------------------------------------------------------------


def test_override_replaces_the_earlier_scenario_in_its_place(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("status-disabled", "status-2", "{error: user_muted}", override=True))
    loaded = load_scenarios((SHIPPED_FIXTURES, mine))
    names = [s.name for s in loaded.scenarios]
    assert names == [s.name for s in shipped().scenarios]  # same table, same order: rules tried as before
    replaced = loaded.by_name["status-disabled"]
    assert (replaced.outcome, replaced.place.file, loaded.origin(replaced)) == (NamedError("user_muted"), str(mine / "s.yaml"), str(mine))
    assert loaded.table(replaced.action).by_authcode["status-2"] == (replaced,)


def test_an_override_may_keep_the_authcode_of_the_scenario_it_replaces(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("new-user", "new-user", "{error: code_invalid}", override=True))
    loaded = load_scenarios((SHIPPED_FIXTURES, mine))
    assert loaded.table(loaded.by_name["new-user"].action).by_authcode["new-user"] == (loaded.by_name["new-user"],)


def test_an_override_may_not_take_the_authcode_of_another_scenario(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("new-user", "status-2", override=True))
    other = shipped().by_name["status-disabled"]
    assert problems(SHIPPED_FIXTURES, mine) == [
        f"{mine / 's.yaml'}:3:5: authcode 'status-2' is already used by scenario 'status-disabled' at {other.place}; "
        "this one could never answer (to answer it differently, name this one 'status-disabled' and add 'override: true')"
    ]


def test_a_later_layer_may_override_an_override(tmp_path: Path) -> None:
    first = layer(tmp_path, "first", scenario("a", "a", "{error: user_muted}"))
    second = layer(tmp_path, "second", scenario("a", "a", "{error: user_disabled}", override=True))
    third = layer(tmp_path, "third", scenario("a", "a", "{error: code_used}", override=True))
    assert load_scenarios((first, second, third)).by_name["a"].outcome == NamedError("code_used")


def test_override_with_nothing_to_override_suggests_the_closest_earlier_name(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("status-disabeld", "mine", override=True))
    assert problems(SHIPPED_FIXTURES, mine) == [
        f"{mine / 's.yaml'}:3:5: 'override: true', but no earlier layer has a scenario named 'status-disabeld' "
        "(did you mean status-disabled?)"
    ]


def test_override_in_the_first_layer_has_nothing_to_override(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", scenario("a", "a", override=True))
    assert problems(mine) == [f"{mine / 's.yaml'}:3:5: 'override: true', but no earlier layer has a scenario named 'a'"]


def test_override_must_be_a_boolean(tmp_path: Path) -> None:
    mine = layer(tmp_path, "mine", "  - name: a\n    override: yes please\n    reply: {new_user: {}}\n")
    assert problems(mine) == [f"{mine / 's.yaml'}:4:15: scenarios[0].override: expected boolean, got a string"]


# -- what Settings makes of it ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "layers"),
    [
        pytest.param({}, (SHIPPED_FIXTURES,), id="default-built-in"),
        pytest.param({"fixtures": "a"}, (Path("a"),), id="one-directory-alone-as-before"),
        pytest.param({"fixtures": ["a", Path("b")]}, (Path("a"), Path("b")), id="several"),
        pytest.param({"fixtures": "a", "builtin": True}, (SHIPPED_FIXTURES, Path("a")), id="over-the-built-ins"),
        pytest.param({"builtin": False}, (), id="nothing"),
    ],
)
def test_settings_layers(settings: dict[str, object], layers: tuple[Path, ...]) -> None:
    assert Settings(**settings).layers == layers  # type: ignore[arg-type]


def test_no_layers_load_no_scenarios() -> None:
    loaded = load_scenarios(Settings(builtin=False).layers)
    assert (loaded.scenarios, loaded.files, loaded.layers) == ((), (), ())
