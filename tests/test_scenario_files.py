"""Scenario files: what loads, and every way a file can be wrong, reported as file:line:column."""

from __future__ import annotations

import gc
import io
import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from mockserver.cli import main
from mockserver.contract.errors import ERROR_NAMES
from mockserver.contract.fields import EMPTY_USER, PINNABLE
from mockserver.scenarios import expansion, loader
from mockserver.scenarios.loader import ScenarioLoadError, load_scenarios
from mockserver.scenarios.model import Delay, Equals, ExistingUser, Match, OneOf, Regex
from mockserver.scenarios.schema_check import schema
from mockserver.settings import DEFAULT_MAX_SCENARIO_BYTES

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # the benchmark's generated scenarios
SHIPPED = sorted((ROOT / "fixtures").glob("*.yaml"))

HEAD = "version: 1\nscenarios:\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(folder: Path) -> list[str]:
    with pytest.raises(ScenarioLoadError) as failure:
        load_scenarios(folder)
    return [str(error).replace(str(folder) + "/", "") for error in failure.value.errors]


# -- broken files, one case each: (file text, the exact report) ------------------------------

BROKEN = [
    pytest.param("version: 1\nscenarios: [\n", "f.yaml:3:1: invalid YAML: while parsing a flow node", id="invalid-yaml"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    replly: {error: code_used}\n", "f.yaml:5:5: unknown key 'replly' in scenarios[0] (did you mean reply?)", id="unknown-scenario-key"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply:\n      user: {nick_name: x}\n", "f.yaml:6:14: unknown key 'nick_name' in scenarios[0].reply.user (did you mean nickname?)", id="unknown-user-field"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply:\n      user: {mobile: 17602128368}\n", "f.yaml:6:22: scenarios[0].reply.user.mobile: expected string, got an integer (write it in quotes: '17602128368')", id="number-for-a-string"),
    pytest.param("scenarios: []\n", "f.yaml:1:1: the file: missing key 'version'", id="missing-version"),
    pytest.param("version: 2\nscenarios: []\n", "f.yaml:1:10: version: expected 1, got 2", id="wrong-version"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {error: {code: 0, msg: x}}\n", "f.yaml:5:27: scenarios[0].reply.error.code: 0 should not be valid", id="error-code-0"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {error: code_invaild}\n", "f.yaml:5:20: unknown error 'code_invaild' (did you mean code_invalid?)", id="unknown-error-name"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {fault: rest}\n", "f.yaml:5:20: unknown fault 'rest' (did you mean reset?)", id="unknown-fault"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {new_user: {}, error: code_used}\n", "f.yaml:5:12: scenarios[0].reply: give exactly one of user, fake_user, new_user, error, fault, envelope, config (not new_user and error)", id="two-outcomes"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a, authcode: b}\n    reply: {new_user: {}}\n", "f.yaml:4:26: key 'authcode' given twice", id="repeated-key"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: {regex: 'a('}}\n    reply: {new_user: {}}\n", "f.yaml:4:31: scenarios[0].match.authcode.regex: bad regular expression 'a(': missing ), unterminated subpattern at position 1", id="bad-regex"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {user: {birthday: '1990-02-30'}}\n", "f.yaml:5:30: scenarios[0].reply.user.birthday: '1990-02-30' is not a date", id="impossible-date"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {fake_user: {nickname: '{{faker.nmae}}'}}\n", "f.yaml:5:35: scenarios[0].reply.fake_user.nickname: unknown Faker provider 'nmae'", id="unknown-faker-provider"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {fake_user: {nickname: '{{os.system}}'}}\n", "f.yaml:5:35: scenarios[0].reply.fake_user.nickname: bad template '{{os.system}}'", id="template-not-faker-or-request"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: !!python/object/apply:os.system ['echo owned']\n", "f.yaml:5:12: invalid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'", id="python-tag-refused"),
    pytest.param(HEAD + "  - name: a\n    action: base/common\n    reply: {user: {}}\n", "f.yaml:5:13: scenarios[0].reply.user: base/common cannot answer 'user'", id="outcome-the-endpoint-cannot-give"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n", "f.yaml:3:5: scenarios[0]: give either reply (one answer) or replies (a sequence)", id="no-reply"),
    pytest.param("", "f.yaml:1:1: the file is empty; expected 'version: 1' and 'scenarios:'", id="empty-file"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {user: {<<: {id: 1}, id: 2, id: 3}}\n", "f.yaml:5:40: key 'id' given twice", id="repeated-key-beside-a-merge"),
    pytest.param(HEAD + "  - name: a\n    action: goods/detail\n    reply: {envelope: {data: &a [1, *a]}}\n", "f.yaml:5:30: invalid YAML: found unconstructable recursive node", id="alias-inside-its-anchor"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "report"), BROKEN)
def test_a_broken_file_is_reported_at_its_place(tmp_path: Path, text: str, report: str) -> None:
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    assert any(line.startswith(report) for line in problems(tmp_path)), problems(tmp_path)


# Mistakes people make, each answered with what to write instead: exactly one report per file.
CLIENT_TYPES = "weixin, alipay, baidu, toutiao, qq, kuaishou"
MISTAKES = [
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a, client_type: wechat}\n    reply: {new_user: {}}\n", f"f.yaml:4:39: scenarios[0].match.client_type: 'wechat' is not a client type of user/appminiuserauth (did you mean weixin?); its client types: {CLIENT_TYPES}", id="client-type-another-name"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a, client_type: [qq, Alipy]}\n    reply: {new_user: {}}\n", f"f.yaml:4:44: scenarios[0].match.client_type[1]: 'Alipy' is not a client type of user/appminiuserauth (did you mean alipay?); its client types: {CLIENT_TYPES}", id="client-type-misspelt-in-a-list"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a, client_type: {in: [douyin]}}\n    reply: {new_user: {}}\n", f"f.yaml:4:45: scenarios[0].match.client_type.in[0]: 'douyin' is not a client type of user/appminiuserauth (did you mean toutiao?); its client types: {CLIENT_TYPES}", id="client-type-in"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a, client_type: h5}\n    reply: {new_user: {}}\n", f"f.yaml:4:39: scenarios[0].match.client_type: 'h5' is not a client type of user/appminiuserauth; its client types: {CLIENT_TYPES}", id="client-type-that-never-logs-in"),
    pytest.param(HEAD + "  - name: a\n    action: goods/detail\n    match: {client_type: wexin}\n    reply: {envelope: {}}\n", f"f.yaml:5:26: scenarios[0].match.client_type: 'wexin' is not a client type of goods/detail (did you mean weixin?); its client types: pc, h5, ios, android, {CLIENT_TYPES}", id="client-type-of-a-declared-endpoint"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {code: -1, msg: no}\n", "f.yaml:5:13: unknown keys 'code', 'msg' in scenarios[0].reply: an error's code and msg go under 'error:', e.g. reply: {error: {code: -1, msg: ...}}", id="error-on-top-of-a-reply"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    replies:\n      - {msg: no, code: -3}\n", "f.yaml:6:10: unknown keys 'msg', 'code' in scenarios[0].replies[0]: an error's code and msg go under 'error:', e.g. replies: [{error: {code: -3, msg: ...}}]", id="error-on-top-of-a-sequence-item"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {code: 0, msg: ok}\n", "f.yaml:5:13: unknown keys 'code', 'msg' in scenarios[0].reply: user/appminiuserauth answers a success with one of fake_user, new_user, user, not with a code; an error's code and msg go under 'error:'", id="success-spelled-out-for-the-login"),
    pytest.param(HEAD + "  - name: a\n    action: goods/detail\n    match: {}\n    reply: {msg: ok, data: [1]}\n", "f.yaml:6:13: unknown keys 'msg', 'data' in scenarios[0].reply: a spelled-out answer goes under 'envelope:', e.g. reply: {envelope: {code: 0, msg: ..., data: ...}}", id="envelope-on-top-of-a-declared-reply"),
    pytest.param(HEAD + "  - name: vip\n     match: {authcode: vip}\n    reply: {user: {}}\n", "f.yaml:4:11: invalid YAML: mapping values are not allowed in this context (usually this line is indented deeper than the key above it, or a key above it has no space after its colon, 'name:vip' for 'name: vip'; a value holding ': ' needs quotes)", id="indented-too-deep"),
    pytest.param(HEAD + "  - name:vip\n    match: {authcode: vip}\n    reply: {user: {}}\n", "f.yaml:4:10: invalid YAML: mapping values are not allowed in this context (usually this line is indented deeper than the key above it, or a key above it has no space after its colon, 'name:vip' for 'name: vip'; a value holding ': ' needs quotes)", id="no-space-after-a-colon"),
    pytest.param(HEAD + "  - name: a\n    code: -2\n    msg: no\n    match: {authcode: a}\n", "f.yaml:4:5: unknown keys 'code', 'msg' in scenarios[0]: an error's code and msg go under 'reply: {error: ...}', e.g. reply: {error: {code: -2, msg: ...}}", id="error-at-the-scenarios-level"),
    pytest.param(HEAD + "  - name: a\n    action: goods/detail\n    match: {}\n    msg: ok\n", "f.yaml:6:5: unknown key 'msg' in scenarios[0]: a spelled-out answer goes under 'reply: {envelope: ...}', e.g. reply: {envelope: {code: 0, msg: ..., data: ...}}", id="envelope-at-the-scenarios-level"),
    pytest.param(HEAD + "  - name: a\n    match: {authcode: a}\n\treply: {new_user: {}}\n", "f.yaml:5:1: a tab in the indentation: YAML indents with spaces only", id="tab-indent"),
    pytest.param(HEAD + "  - name: a\n    reply:\n    \tnew_user: {}\n", "f.yaml:5:5: a tab in the indentation: YAML indents with spaces only", id="tab-after-spaces"),
    pytest.param(HEAD + "  -\tname: a\n    reply: {new_user: {}}\n", "f.yaml:3:4: a tab in the indentation: YAML indents with spaces only", id="tab-after-a-dash"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "report"), MISTAKES)
def test_a_common_mistake_is_reported_with_what_to_write(tmp_path: Path, text: str, report: str) -> None:
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    assert problems(tmp_path) == [report]


def test_a_client_type_regex_is_not_checked_and_a_declared_endpoint_takes_any_client(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEAD + "  - name: a\n    match: {authcode: a, client_type: {regex: '^we'}}\n    reply: {new_user: {}}\n  - name: b\n    action: goods/detail\n    match: {client_type: [H5, pc, weixin]}\n    reply: {envelope: {}}\n")
    assert list(load_scenarios(tmp_path).by_name) == ["a", "b"]


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_bytes("version: 1\nscenarios: []\n# café".encode("latin-1"))
    assert problems(tmp_path) == ["f.yaml:1:1: not UTF-8 text (unexpected end of data at byte 30)"]


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEAD + "  - name: a\n    match: {authcode: a}\n    replly: {}\n  - name: b\n    match: {authcode: b}\n    reply: {error: nope}\n")
    write(tmp_path, "b.yaml", "version: 3\nscenarios: []\n")
    reported = problems(tmp_path)
    assert [line.split(": ")[0] for line in reported] == ["a.yaml:5:5", "a.yaml:8:20", "b.yaml:1:10"]


@pytest.mark.parametrize(
    ("second", "report"),
    [
        pytest.param("  - name: same\n    match: {authcode: other}\n    reply: {new_user: {}}\n", "b.yaml:3:5: name 'same' is already used by the scenario at a.yaml:3:5", id="duplicate-name"),
        pytest.param("  - name: other\n    match: {authcode: code}\n    reply: {new_user: {}}\n", "b.yaml:3:5: authcode 'code' is already used by scenario 'same' at a.yaml:3:5; this one could never answer", id="duplicate-authcode"),
    ],
)  # fmt: skip
def test_duplicates_across_files_are_errors(tmp_path: Path, second: str, report: str) -> None:
    write(tmp_path, "a.yaml", HEAD + "  - name: same\n    match: {authcode: code}\n    reply: {new_user: {}}\n")
    write(tmp_path, "b.yaml", HEAD + second)
    assert problems(tmp_path) == [report]


def test_the_same_authcode_may_serve_two_client_types(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEAD + "  - name: w\n    match: {authcode: c, client_type: weixin}\n    reply: {new_user: {}}\n  - name: q\n    match: {authcode: c, client_type: QQ}\n    reply: {new_user: {}}\n")
    loaded = load_scenarios(tmp_path)
    assert [s.name for s in loaded.table(("User", "appminiuserauth")).by_authcode["c"]] == ["w", "q"]


def test_a_missing_directory_is_reported(tmp_path: Path) -> None:
    (report,) = problems(tmp_path / "nowhere")
    assert report.endswith("nowhere: no such directory")  # a folder has no line to point at


# -- what loads -----------------------------------------------------------------------------


def test_conditions_compile_at_load(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEAD + "  - name: a\n    match: {authcode: {regex: '^x-'}, client_type: [Weixin, qq], params: {lang: en}}\n    reply: {new_user: {}}\n")
    match = load_scenarios(tmp_path).by_name["a"].match
    assert match is not None
    assert isinstance(match.authcode, Regex) and match.authcode.pattern.search("x-1")
    assert match.client_type == OneOf(frozenset({"weixin", "qq"}))
    assert match.params == (("lang", Equals("en")),)


def test_a_canned_user_gets_its_number_code_and_a_birthday_in_shanghai_time(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {user: {id: 7, birthday: '1990-05-20'}}\n")
    outcome = load_scenarios(tmp_path).by_name["a"].outcome
    assert isinstance(outcome, ExistingUser)
    assert outcome.fields["birthday"] == 643132800  # 1990-05-20 00:00 +08:00
    code = str(outcome.fields["number_code"])
    assert (len(code), code[:4], code[-1]) == (14, "8888", "7")


def test_yml_files_and_nested_folders_load(tmp_path: Path) -> None:
    (tmp_path / "deep").mkdir()
    write(tmp_path / "deep", "a.yml", HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {new_user: {}}\n")
    assert list(load_scenarios(tmp_path).by_name) == ["a"]


def test_an_empty_directory_loads_nothing(tmp_path: Path) -> None:
    assert load_scenarios(tmp_path).scenarios == ()


def test_a_symlink_out_of_the_directory_is_not_read(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside.yaml", HEAD + "  - name: outside\n    match: {authcode: o}\n    reply: {new_user: {}}\n")
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "link.yaml").symlink_to(outside)
    (fixtures / "loop").symlink_to(fixtures)
    assert load_scenarios(fixtures).scenarios == ()


# -- the shipped files and the schema -------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in SHIPPED])
def test_every_shipped_file_validates_against_the_schema(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(document)


def test_the_shipped_files_load_and_describe_every_scenario() -> None:
    loaded = load_scenarios(ROOT / "fixtures")
    assert all(s.description for s in loaded.scenarios)


def test_the_schema_knows_every_user_field_and_error_name() -> None:
    definitions = schema()["$defs"]
    assert set(definitions["user"]["properties"]) == {*EMPTY_USER, *PINNABLE}
    assert definitions["error_name"]["enum"] == list(ERROR_NAMES)


def test_the_schema_file_is_json_with_an_id() -> None:
    text = (ROOT / "mockserver" / "scenarios" / "schema.json").read_text(encoding="utf-8")
    assert json.loads(text)["$id"].endswith("scenarios-v1.json")


# -- aliases, within a bound ---------------------------------------------------------------

TOO_MANY = "aliases expand the file by more than 100,000 values (passing the bound in this value); a scenario file's aliases may add at most 100,000 scalars, lists and mappings"


def alias_bomb(levels: int, width: int = 10) -> str:
    """A declared endpoint whose data nests aliases `levels` deep, each level `width` of the last:
    a few hundred bytes standing for width ** levels values."""
    anchors = ["&l0 [" + ", ".join(["x"] * width) + "]"]
    anchors += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return HEAD + "  - name: bomb\n    action: goods/detail\n    match: {}\n    reply: {envelope: {data: [" + ", ".join(anchors) + "]}}\n"


def test_an_alias_bomb_is_refused_at_load_where_it_passes_the_bound(tmp_path: Path) -> None:
    text = alias_bomb(7)  # 466 bytes for 11 million values (33.6 MB an answer, were it loaded)
    write(tmp_path, "f.yaml", text)
    # Levels 1-3 add 12,330 values; the eighth *l3 (11,111 each) in l4 passes 100,000.
    column = text.splitlines()[5].index("&l4") + 1
    assert f"{expansion.MAX_VALUES:,}" in TOO_MANY
    assert problems(tmp_path) == [f"f.yaml:6:{column}: {TOO_MANY}"]


def test_small_aliases_add_up_and_the_place_is_the_one_that_passes_the_bound(tmp_path: Path) -> None:
    data = ", ".join(["x"] * 43)  # *e adds 50 values: the mapping, 3 keys, code, msg, the list and its 43 items
    many = "".join(f"  - name: s{i}\n    match: {{authcode: c{i}}}\n    reply: {{error: *e}}\n" for i in range(2100))
    write(tmp_path, "f.yaml", HEAD + f"  - name: e\n    match: {{authcode: e}}\n    reply: {{error: &e {{code: -1, msg: m, data: [{data}]}}}}\n" + many)
    passing = expansion.MAX_VALUES // 50  # the scenario whose alias takes the sum past 100,000
    assert problems(tmp_path) == [f"f.yaml:{8 + 3 * passing}:12: {TOO_MANY}"]  # its reply


def test_the_bound_is_on_what_aliases_add() -> None:
    def composed(items: int) -> yaml.Node:
        node = yaml.compose("a: &a [" + ", ".join(["x"] * (items - 1)) + "]\nb: *a\n", Loader=yaml.CSafeLoader)
        assert node is not None
        return node

    expansion.check(composed(expansion.MAX_VALUES))  # *a adds the list and its items: the bound exactly
    with pytest.raises(expansion.TooLarge) as refused:
        expansion.check(composed(expansion.MAX_VALUES + 1))
    assert (refused.value.mark.line, refused.value.mark.column) == (0, 0)  # the alias is in the document itself
    assert str(refused.value) == TOO_MANY


def test_a_file_that_writes_more_than_the_bound_may_still_use_an_alias(tmp_path: Path) -> None:
    data = ", ".join(map(str, range(100)))
    scenarios = "".join(f"  - name: s{i}\n    match: {{authcode: c{i}}}\n    reply: {{error: {{code: -1, msg: m, data: [{data}]}}}}\n" for i in range(1000))
    write(tmp_path, "f.yaml", HEAD + "  - name: e\n    match: {authcode: e}\n    reply: &e {error: {code: -1, msg: m}}\n" + scenarios + "  - name: f\n    match: {authcode: f}\n    reply: *e\n")
    assert len(load_scenarios(tmp_path).scenarios) == 1002  # over 110,000 values written, 7 added


def test_a_file_with_a_handful_of_aliases_loads(tmp_path: Path) -> None:
    write(tmp_path, "f.yaml", HEAD + """\
      - name: vip
        match: {authcode: vip, client_type: &platforms [weixin, qq]}
        reply: {fake_user: &vip {integral: 99999, nickname: VIP}}
      - name: vip-slow
        match: {authcode: vip-slow, client_type: *platforms}
        reply: {fake_user: *vip, delay: &slow {min: 500, max: 1500}}
      - name: vip-named
        match: {authcode: vip-named}
        reply:
          fake_user: {<<: *vip, nickname: Named}
          delay: *slow
    """)
    loaded = load_scenarios(tmp_path)
    users = {name: loaded.by_name[name].outcome for name in ("vip", "vip-slow", "vip-named")}
    assert {name: dict(u.fields) for name, u in users.items() if isinstance(u, ExistingUser)} == {
        "vip": {"integral": 99999, "nickname": "VIP"},
        "vip-slow": {"integral": 99999, "nickname": "VIP"},
        "vip-named": {"integral": 99999, "nickname": "Named"},
    }
    assert loaded.by_name["vip-slow"].match == Match(Equals("vip-slow"), OneOf(frozenset({"weixin", "qq"})), ())
    assert loaded.by_name["vip-named"].replies[0].delay == Delay(500, 1500)


def test_only_files_with_anchors_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain files take the fast path, which never composes nodes: the count costs them nothing."""
    counted: list[yaml.Node] = []
    check = expansion.check

    def counting(node: yaml.Node) -> None:
        counted.append(node)
        check(node)

    monkeypatch.setattr(expansion, "check", counting)
    load_scenarios(ROOT / "fixtures")
    assert counted == []
    write(tmp_path, "f.yaml", HEAD + "  - name: a\n    match: {authcode: a}\n    reply: &r {new_user: {}}\n  - name: b\n    match: {authcode: b}\n    reply: *r\n")
    load_scenarios(tmp_path)
    assert len(counted) == 1


def test_an_alias_bomb_stops_start_up(tmp_path: Path) -> None:
    text = alias_bomb(7)
    write(tmp_path, "f.yaml", text)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fixtures", str(tmp_path), "--no-watch"], environ={}, out=out, err=err) == 2
    assert (out.getvalue(), err.getvalue().splitlines()[0]) == ("", "shopxo-mock: 1 problem(s) in the scenario files, not starting:")
    assert err.getvalue().splitlines()[1].endswith(f"f.yaml:6:{text.splitlines()[5].index('&l4') + 1}: {TOO_MANY}")


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    with (tmp_path / "huge.yaml").open("wb") as huge:
        huge.truncate(50 * 1024**2)
    with pytest.raises(ScenarioLoadError) as failure:
        load_scenarios(tmp_path, max_bytes=64 * 1024**2)  # the total admits it: the file's own bound refuses it
    assert [str(e).removeprefix(f"{tmp_path}/") for e in failure.value.errors] == ["huge.yaml:1:1: too large (50.0 MB; scenario files are read up to 8 MB)"]


def test_files_over_the_total_are_refused_before_any_is_read(tmp_path: Path) -> None:
    """Across layers; the problem names the file that passes the bound, the bound and its flag,
    and no file is parsed (the broken one would say so)."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write(first, "a.yaml", "version: 1\nscenarios: [\n" + "#" * 600)
    write(second, "b.yaml", "version: 1\nscenarios: []\n" + "#" * 600)
    with pytest.raises(ScenarioLoadError) as failure:
        load_scenarios([first, second], max_bytes=1000)
    assert [str(e) for e in failure.value.errors] == [
        f"{second}/b.yaml:1:1: the scenario files add up to 1,249 bytes, and the mock reads at most 1,000 bytes of them in all "
        "(passed with this file); raise it with --max-scenario-bytes (SHOPXO_MOCK_MAX_SCENARIO_BYTES)"
    ]
    assert len(load_scenarios(second, max_bytes=1000).scenarios) == 0  # one layer alone fits


def test_the_default_total_admits_the_shipped_files_and_the_benchmarks_10000_scenarios_eight_times(tmp_path: Path) -> None:
    from benchmark import generated_scenarios

    generated_scenarios(tmp_path, 10000)
    generated = sum(path.stat().st_size for path in tmp_path.iterdir())
    shipped = sum(path.stat().st_size for path in (ROOT / "fixtures").rglob("*.y*ml"))
    assert 8 * (generated + shipped) <= DEFAULT_MAX_SCENARIO_BYTES
    assert len(load_scenarios([ROOT / "fixtures", tmp_path], pause_collector=True).scenarios) > 10000


def test_a_start_over_the_total_exits_2_naming_the_flag(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {new_user: {}}\n")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fixtures", str(tmp_path), "--no-builtin", "--max-scenario-bytes", "10", "--no-watch"], environ={}, out=out, err=err) == 2
    assert err.getvalue().splitlines() == [
        "shopxo-mock: 1 problem(s) in the scenario files, not starting:",
        f"  {tmp_path}/a.yaml:1:1: the scenario files add up to 85 bytes, and the mock reads at most 10 bytes of them in all "
        "(passed with this file); raise it with --max-scenario-bytes (SHOPXO_MOCK_MAX_SCENARIO_BYTES)",
    ]


# -- what the file system puts where a scenario file should be -----------------------------------


def unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a file the user may not read (tests run as root here, where chmod 000 reads anyway)."""
    write(path.parent, path.name, HEAD)
    open_ = os.open

    def refused(name: Any, *args: Any, **kwargs: Any) -> int:
        if Path(name) == path:
            raise PermissionError(13, "Permission denied", str(name))
        return open_(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)


STANDING_IN = [
    pytest.param(lambda p, _: p.symlink_to(p.name), "a symlink loop: it leads back to itself, never to a file", id="symlink-loop"),
    pytest.param(lambda p, _: p.symlink_to("other.yaml") or p.with_name("other.yaml").symlink_to(p.name), "a symlink loop: it leads back to itself, never to a file", id="two-link-loop"),
    pytest.param(lambda p, _: p.symlink_to("gone.yaml"), "a symlink to nothing (it points to gone.yaml)", id="dangling-symlink"),
    pytest.param(lambda p, _: os.mkfifo(p), "not a plain file (a FIFO); scenario files are plain files", id="fifo"),
    pytest.param(unreadable, "cannot read: Permission denied", id="unreadable"),
]


@pytest.mark.parametrize(("make", "problem"), STANDING_IN)
def test_what_cannot_be_read_is_a_problem_of_its_file(tmp_path: Path, make: Any, problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "good.yaml", HEAD + "  - name: a\n    match: {authcode: a}\n    reply: {new_user: {}}\n")
    make(tmp_path / "f.yaml", monkeypatch)
    assert problems(tmp_path)[0] == f"f.yaml:1:1: {problem}"


@pytest.mark.parametrize(("make", "problem"), STANDING_IN[:4])
def test_what_cannot_be_read_stops_start_up_with_exit_2_and_no_traceback(tmp_path: Path, make: Any, problem: str) -> None:
    make(tmp_path / "f.yaml", None)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--fixtures", str(tmp_path), "--no-builtin", "--no-watch"], environ={}, out=out, err=err) == 2
    lines = err.getvalue().splitlines()
    assert lines[0].endswith("problem(s) in the scenario files, not starting:") and lines[1] == f"  {tmp_path}/f.yaml:1:1: {problem}"


def test_a_fifo_put_in_after_the_walk_is_refused_without_waiting_for_a_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "f.yaml", HEAD)
    walk = loader._walk

    def replaced(directory: Path) -> Any:
        walked = walk(directory)
        (tmp_path / "f.yaml").unlink()
        os.mkfifo(tmp_path / "f.yaml")
        return walked

    monkeypatch.setattr(loader, "_walk", replaced)
    assert problems(tmp_path) == ["f.yaml:1:1: not a plain file (a FIFO); scenario files are plain files"]


def test_a_file_growing_past_its_bound_after_the_walk_is_read_no_further(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "f.yaml", HEAD)
    walk = loader._walk

    def grown(directory: Path) -> Any:
        walked = walk(directory)
        with (tmp_path / "f.yaml").open("ab") as grows:
            grows.truncate(9 * 1024**2)
        return walked

    monkeypatch.setattr(loader, "_walk", grown)
    assert problems(tmp_path) == ["f.yaml:1:1: too large (9.0 MB; scenario files are read up to 8 MB)"]


def test_an_emacs_lock_file_is_not_a_scenario_file(tmp_path: Path) -> None:
    """Emacs marks a file being edited with `.#<name>`, a symlink to nowhere: not a problem."""
    (tmp_path / ".#a.yaml").symlink_to("user@host.1234:1700000000")
    assert load_scenarios(tmp_path).scenarios == ()


def test_an_unreadable_folder_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "private").mkdir()
    write(tmp_path / "private", "a.yaml", HEAD)
    scandir = os.scandir

    def refused(path: Any) -> Any:
        if Path(path) == tmp_path / "private":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)
    assert problems(tmp_path) == ["private: cannot read the folder: Permission denied"]


@pytest.mark.parametrize("pause", [False, True], ids=["default", "paused"])
@pytest.mark.parametrize("collecting", [True, False], ids=["collector-on", "collector-off"])
@pytest.mark.parametrize("reply", ["{new_user: {}}", "{error: code_invaild}"], ids=["loads", "fails"])
def test_loading_leaves_the_cycle_collector_as_it_found_it(
    tmp_path: Path, collecting: bool, reply: str, pause: bool
) -> None:
    write(tmp_path, "a.yaml", HEAD + f"  - name: a\n    match: {{authcode: a}}\n    reply: {reply}\n")
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        try:
            load_scenarios(tmp_path, pause_collector=pause)
        except ScenarioLoadError:
            pass
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("pause", [False, True], ids=["default", "paused"])
@pytest.mark.parametrize("reply", ["{new_user: {}}", "{error: code_invaild}"], ids=["loads", "fails"])
def test_only_a_caller_who_asks_pauses_the_collector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reply: str, pause: bool
) -> None:
    """The pause is process-wide: a program embedding the loader keeps its collector running
    unless it asks (the command line does), and gets it back on after a good or a broken file."""
    write(tmp_path, "a.yaml", HEAD + f"  - name: a\n    match: {{authcode: a}}\n    reply: {reply}\n")
    during: list[bool] = []
    load_file = loader._load_file

    def watched(*args: Any) -> Any:
        during.append(gc.isenabled())
        return load_file(*args)

    monkeypatch.setattr(loader, "_load_file", watched)
    was = gc.isenabled()
    gc.enable()
    try:
        try:
            load_scenarios(tmp_path, pause_collector=pause)
        except ScenarioLoadError:
            pass
        assert during == [not pause]
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
