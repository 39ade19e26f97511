"""The repository documents its own contract: every citation in the code leads to a heading in docs/.

Code, tests, fixtures and the README cite sections of docs/contract.md as a section sign plus a number
("2", "3.4", with an optional part letter such as "3.4b" or "3.4(b)") and the project's decisions as
"decision N" (docs/decisions.md). These tests collect every such citation and check that the heading
exists, and that the product does not point at the reference folder outside the repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Iterator

import pytest

ROOT: Final = Path(__file__).resolve().parents[1]
DOCS: Final = ROOT / "docs"
CONTRACT: Final = DOCS / "contract.md"
DECISIONS: Final = DOCS / "decisions.md"
THIS_FILE: Final = Path(__file__).resolve()

# Where citations are looked for: the code, tests, benchmark, README and fixtures, plus the other text
# that carries citations (test data, the benchmark's notes, the docs themselves). Not this file.
SOURCE_GLOBS: Final = (
    "mockserver/**/*.py",
    "tests/**/*.py",
    "bench/**/*.py",
    "README.md",
    "fixtures/*.yaml",
    "fixtures/*.yml",
    "tests/**/*.yaml",
    "bench/*.md",
    "mockserver/**/*.json",
    "docs/*.md",
)

# A section sign, a section number, an optional part letter ("3.4b" or "3.4(b)"), and an optional range
# end ("3.3-3.5", with or without a second section sign).
SECTION_CITATION: Final = re.compile(
    r"§(?P<major>\d+)(?:\.(?P<minor>\d+))?"
    r"(?:(?P<part>[a-z])\b|\((?P<paren_part>[a-z])\))?"
    r"(?:\s*[-–]\s*§?(?P<end_major>\d+)(?:\.(?P<end_minor>\d+))?)?"
)
# "decision 7", "Decision 6", "decisions 5, 6", "decisions 5 and 7", "decisions 1-8".
DECISION_CITATION: Final = re.compile(r"\b[Dd]ecisions?\s+(?P<numbers>\d+(?:\s*(?:,|and|&|or|[-–])\s*\d+)*)")
CONTRACT_HEADING: Final = re.compile(r"^(?P<level>#{2,6})\s+(?P<number>\d+(?:\.\d+)?)[.\s]")
DECISION_HEADING: Final = re.compile(r"^##\s+(?P<number>\d+)\.\s")

EXPECTED_SECTIONS: Final = (
    "0",
    "1", "1.1", "1.2", "1.3", "1.4", "1.5",
    "2", "2.1", "2.2", "2.3", "2.4", "2.5",
    "3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
    "4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6",
    "5",
    "6",
    "7", "7.1", "7.2", "7.3",
    "8",
)  # fmt: skip
EXPECTED_DECISIONS: Final = tuple(str(n) for n in range(1, 14))


@dataclass(frozen=True, slots=True)
class Citation:
    path: str  # relative to the repository root
    line: int
    target: str  # "3.4", "2", or a decision number
    part: str  # "b" for "3.4b" / "3.4(b)", else ""
    text: str  # as written, for the failure message

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def source_files() -> list[Path]:
    found: set[Path] = set()
    for pattern in SOURCE_GLOBS:
        found.update(path.resolve() for path in ROOT.glob(pattern) if path.is_file())
    found.discard(THIS_FILE)
    return sorted(p for p in found if "__pycache__" not in p.parts and ".venv" not in p.parts)


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    yield from enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)


def parse_sections(text: str) -> Iterator[tuple[str, str, str]]:
    """(section, part, as written) for each section cited in `text`; a range yields both ends."""
    for match in SECTION_CITATION.finditer(text):
        target = match["major"] + (f".{match['minor']}" if match["minor"] else "")
        yield target, match["part"] or match["paren_part"] or "", match.group(0)
        if match["end_major"]:
            end = match["end_major"] + (f".{match['end_minor']}" if match["end_minor"] else "")
            yield end, "", match.group(0)


def section_citations(path: Path) -> Iterator[Citation]:
    rel = path.relative_to(ROOT).as_posix()
    for number, line in numbered_lines(path):
        for target, part, text in parse_sections(line):
            yield Citation(rel, number, target, part, text)


def decision_citations(path: Path) -> Iterator[Citation]:
    rel = path.relative_to(ROOT).as_posix()
    for number, line in numbered_lines(path):
        for match in DECISION_CITATION.finditer(line):
            for target in expand_numbers(match["numbers"]):
                yield Citation(rel, number, target, "", match.group(0))


def expand_numbers(text: str) -> list[str]:
    """The numbers of "5, 6", "5 and 7" or "1-8" (a range gives every number in it)."""
    numbers: list[str] = []
    for chunk in re.split(r"\s*(?:,|and|&|or)\s*", text):
        bounds = re.split(r"\s*[-–]\s*", chunk)
        if len(bounds) == 2:
            numbers.extend(str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            numbers.append(chunk)
    return numbers


def contract_sections() -> dict[str, str]:
    """Section number -> its text (up to the next heading of the same or a higher level)."""
    sections: dict[str, list[str]] = {}
    open_sections: list[tuple[int, str]] = []  # (heading level, number), outermost first
    for _, line in numbered_lines(CONTRACT):
        heading = CONTRACT_HEADING.match(line)
        if heading is None and line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            open_sections = [(lvl, num) for lvl, num in open_sections if lvl < level]
        if heading is not None:
            level = len(heading["level"])
            open_sections = [(lvl, num) for lvl, num in open_sections if lvl < level]
            open_sections.append((level, heading["number"]))
            assert heading["number"] not in sections, f"docs/contract.md: section {heading['number']} twice"
            sections[heading["number"]] = []
        for _, num in open_sections:
            sections[num].append(line)
    return {num: "\n".join(lines) for num, lines in sections.items()}


def decision_numbers() -> list[str]:
    return [m["number"] for _, line in numbered_lines(DECISIONS) if (m := DECISION_HEADING.match(line))]


def dangling_sections() -> list[Citation]:
    sections = contract_sections()
    dangling: list[Citation] = []
    for path in source_files():
        for citation in section_citations(path):
            body = sections.get(citation.target)
            if body is None or (citation.part and f"({citation.part})" not in body):
                dangling.append(citation)
    return dangling


def report(dangling: list[Citation], where: str, noun: str) -> str:
    def missing(c: Citation) -> str:
        return f"no part ({c.part}) in {noun} {c.target}" if c.part else f"no {noun} {c.target}"

    lines = "\n".join(f"  {c.where()}  -> {missing(c)} of {where}" for c in dangling)
    return f"{len(dangling)} dangling citation(s):\n{lines}"


# -- the documents themselves -------------------------------------------------------------------


def test_docs_folder_has_its_three_documents() -> None:
    for name in ("README.md", "contract.md", "decisions.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"


def test_contract_keeps_the_fact_sheet_numbering() -> None:
    assert tuple(contract_sections()) == EXPECTED_SECTIONS


def test_decisions_are_numbered_from_one_in_order() -> None:
    assert tuple(decision_numbers()) == EXPECTED_DECISIONS


def test_unknown_user_section_has_its_two_parts() -> None:
    body = contract_sections()["3.4"]
    assert "(a)" in body and "(b)" in body


def test_docs_readme_explains_the_citation_convention() -> None:
    text = (DOCS / "README.md").read_text(encoding="utf-8")
    for token in ("§", "decision N", "S/", "U/", "contract.md", "decisions.md"):
        assert token in text, f"docs/README.md does not explain {token!r}"


# -- citations --------------------------------------------------------------------------------------


def test_the_scan_sees_the_code_and_its_citations() -> None:
    """Guards the two tests below against passing because nothing was found."""
    files = {p.relative_to(ROOT).as_posix() for p in source_files()}
    assert {"README.md", "mockserver/actions/login.py", "tests/test_appminiuserauth.py", "fixtures/network.yaml"} <= files
    assert "tests/test_docs.py" not in files
    cited = {(c.path, c.target, c.part) for p in source_files() for c in section_citations(p)}
    assert ("mockserver/contract/profiles.py", "3.4", "b") in cited
    assert ("mockserver/rendering/view.py", "3.4", "a") in cited
    assert ("mockserver/actions/login.py", "3.5", "") in cited  # the end of a range
    decisions = {(c.path, c.target) for p in source_files() for c in decision_citations(p)}
    assert ("mockserver/actions/steps.py", "7") in decisions
    assert ("tests/test_appminiuserauth.py", "6") in decisions  # "decisions 5, 6"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("see §3.4b.", [("3.4", "b")], id="part-letter"),
        pytest.param("(§3.4(a))", [("3.4", "a")], id="part-in-parentheses"),
        pytest.param("§3.3-§3.5, §4", [("3.3", ""), ("3.5", ""), ("4", "")], id="range-and-major"),
        pytest.param("§1.4 lang", [("1.4", "")], id="word-after-space-is-no-part"),
        pytest.param("§7.1.", [("7.1", "")], id="full-stop"),
    ],
)
def test_section_citation_parsing(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(target, part) for target, part, _ in parse_sections(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("decision 7", ["7"], id="one"),
        pytest.param("(decisions 5, 6)", ["5", "6"], id="list"),
        pytest.param("decisions 5 and 7", ["5", "7"], id="and"),
        pytest.param("decisions 1-3", ["1", "2", "3"], id="range"),
        pytest.param("Decision for the mock", [], id="no-number"),
    ],
)
def test_decision_citation_parsing(text: str, expected: list[str]) -> None:
    found = [n for m in DECISION_CITATION.finditer(text) for n in expand_numbers(m["numbers"])]
    assert found == expected


def test_every_section_citation_leads_to_a_heading_of_the_contract() -> None:
    dangling = dangling_sections()
    assert not dangling, report(dangling, "docs/contract.md", "section")


def test_every_decision_citation_leads_to_a_decision() -> None:
    known = set(decision_numbers())
    dangling = [c for p in source_files() for c in decision_citations(p) if c.target not in known]
    assert not dangling, report(dangling, "docs/decisions.md", "decision")


# -- the product stands alone -----------------------------------------------------------------------


def test_the_product_does_not_point_outside_the_repository() -> None:
    offenders: list[str] = []
    for path in sorted((ROOT / "mockserver").rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if "shared/" in line or "../shared" in line:
                offenders.append(f"  {path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}")
    assert not offenders, "mockserver/ refers to the reference folder outside the repository:\n" + "\n".join(offenders)


# -- the README's commands ----------------------------------------------------------------------


def shell_commands(text: str) -> list[str]:
    """The commands of a Markdown text's ```sh blocks, a line ending in a backslash joined to the next
    as the shell joins it (the README wraps long commands to stay within its width)."""
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
        commands.extend(re.sub(r"\s*\\\n\s*", " ", block).splitlines())
    return commands


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in shell_commands(readme) if line.startswith("python3 -m venv .venv") and "pytest" in line)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci, f".ci/run does not run the README's test command:\n  {command}"


def test_shell_commands_join_a_wrapped_line_as_the_shell_does() -> None:
    text = "```sh\npython3 -m venv .venv \\\n  && .venv/bin/python -m pytest\necho done\n```\n"
    assert shell_commands(text) == ["python3 -m venv .venv && .venv/bin/python -m pytest", "echo done"]


# -- the README is the front door, the guides hold the reference ----------------------------------

README_MAX_LINES: Final = 250
LINE_WIDTH: Final = 100
# The project's papers, written before the guides at their own width; the guides and the README are
# held to LINE_WIDTH.
PAPERS: Final = frozenset({"contract.md", "decisions.md", "architecture.md"})
MARKDOWN_LINK: Final = re.compile(r"\]\((?P<target>[^)\s]+)\)|\bsrc=\"(?P<src>[^\"]+)\"")
CODE_BLOCK: Final = re.compile(r"^```.*?^```", re.S | re.M)


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def guides() -> list[Path]:
    return [path for path in documents() if path.name not in PAPERS]


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = CODE_BLOCK.sub("", path.read_text(encoding="utf-8"))
    return {heading_anchor(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def broken_links(path: Path) -> list[str]:
    broken: list[str] = []
    for match in MARKDOWN_LINK.finditer(CODE_BLOCK.sub("", path.read_text(encoding="utf-8"))):
        target = match["target"] or match["src"]
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...: not ours to check
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            broken.append(f"{shown(path)}: {target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{shown(path)}: {target}: no heading #{anchor}")
    return broken


def test_heading_anchors_are_githubs() -> None:
    assert heading_anchor(" Started by another program: `--ready-json`") == "started-by-another-program---ready-json"
    assert heading_anchor("Declared endpoints: any other route") == "declared-endpoints-any-other-route"


def test_every_relative_link_leads_to_a_file_and_heading_that_exist() -> None:
    broken = [line for path in documents() for line in broken_links(path)]
    assert not broken, "broken links:\n  " + "\n  ".join(broken)


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## A heading: here\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#a-heading-here) [gone](nowhere.md) [no heading](other.md#elsewhere)\n"
        '<img src="missing.png"> [web](https://example.com/x) [self](#page)\n\n# Page\n'
        "```\n[in code](ignored.md)\n```\n",
        encoding="utf-8",
    )
    assert [line.split(": ", 1)[1] for line in broken_links(page)] == [
        "nowhere.md: no such file",
        "other.md#elsewhere: no heading #elsewhere",
        "missing.png: no such file",
    ]


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; the reference belongs in docs/"


def test_no_line_of_the_readme_is_wider_than_the_width() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    wide = [f"  README.md:{n}: {len(line)}" for n, line in enumerate(lines, start=1) if len(line) > LINE_WIDTH]
    assert not wide, f"lines over {LINE_WIDTH} characters:\n" + "\n".join(wide)


def test_the_guides_prose_is_wrapped_at_the_width() -> None:
    """Tables and code blocks may run wider (a table row cannot wrap); prose may not."""
    wide: list[str] = []
    for path in guides():
        fenced = False
        for number, line in numbered_lines(path):
            fenced ^= line.startswith("```")
            if not fenced and not line.startswith(("|", "```")) and len(line) > LINE_WIDTH:
                wide.append(f"  {path.relative_to(ROOT).as_posix()}:{number}: {len(line)}")
    assert not wide, f"prose lines over {LINE_WIDTH} characters:\n" + "\n".join(wide)


def test_the_docs_index_lists_every_document() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in DOCS.glob("*.md") if p.name != "README.md" and f"]({p.name})" not in index]
    assert not missing, f"docs/README.md does not list {missing}"


def test_the_docs_index_counts_every_decision() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    assert f"decisions 1-{len(decision_numbers())}" in index
