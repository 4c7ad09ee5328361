"""The regression corpus: Word guides written as halls write them, and what the importer must
find in each. A field lost, a material misread or text dropped fails the test; the share of
what is recognised per file is printed (`pytest -s`)."""

import json
from pathlib import Path

import pytest

from word_import.blocks import NotAWordFile, read_blocks
from word_import.guide import recognise

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def checks(name: str) -> list[tuple[str, bool]]:
    """(what, found as expected) for every expected field, material, step, FAQ and kept text."""
    found = recognise(read_blocks(CORPUS / name))
    expected = EXPECTED[name]
    results = [
        (f"field {field}", field in found.fields and found.fields[field].value == value)
        for field, value in expected["fields"].items()
    ]
    materials = [(m["name"], m.get("form"), m.get("copies")) for m in found.materials]
    results += [(f"material {m[0]}", tuple(m) in materials) for m in expected["materials"]]
    results.append(("no extra material", len(materials) == len(expected["materials"])))
    steps = [step["title"] for step in found.steps]
    results += [(f"step {title}", title in steps) for title in expected["steps"]]
    questions = [faq["question"] for faq in found.faqs]
    results += [(f"faq {q}", q in questions) for q in expected["faqs"]]
    results += [(f"kept {text}", text in found.unplaced) for text in expected["unplaced"]]
    results.append(("nothing else unplaced", len(found.unplaced) == len(expected["unplaced"])))
    return results


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_guide_is_recognised_as_expected(name):
    results = checks(name)
    share = sum(ok for _, ok in results) / len(results)
    print(f"{name}: {share:.0%} of {len(results)} checks")
    assert [what for what, ok in results if not ok] == []


def test_the_corpus_files_are_all_checked():
    assert sorted(p.name for p in CORPUS.glob("*.docx")) == sorted(EXPECTED)


def test_a_file_that_is_not_a_docx_is_refused_with_a_reason(tmp_path):
    fake = tmp_path / "guide.docx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0 an old .doc file")
    with pytest.raises(NotAWordFile, match="不是 Word 的 .docx 文件"):
        read_blocks(fake)
