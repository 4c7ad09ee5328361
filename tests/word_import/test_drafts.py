"""An imported guide becomes a draft of a new procedure: nothing published, nothing lost."""

from pathlib import Path

import pytest

from procedures.models import ProcedureVersion
from tests.factories import make_category, make_user
from word_import.blocks import read_blocks
from word_import.drafts import draft_from
from word_import.guide import Field, Imported, recognise

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"


def test_a_guide_becomes_a_draft_with_its_fields_and_parts():
    editor = make_user("editor")
    imported = recognise(read_blocks(CORPUS / "auto_numbered.docx"))
    draft = draft_from(
        imported, file_name="auto_numbered.docx", category=make_category("计划生育"), by=editor
    )
    assert draft.status == ProcedureVersion.Status.DRAFT and draft.number is None
    assert draft.title == "生育登记" and draft.fee == "不收费。"
    assert [m.name for m in draft.materials.all()] == [
        "夫妻双方居民身份证",
        "居民户口簿",
        "结婚证",
        "授权委托书",
    ]
    assert all(m.kind_id for m in draft.materials.all())  # matched to the catalogue
    assert [s.title for s in draft.steps.all()] == ["申请", "受理", "办结"]
    assert draft.faqs.count() == 2
    record = draft.word_import
    assert record.certainty["materials"] == "高" and record.certainty["title"] == "中"
    assert record.unplaced == [] and record.created_by == editor


def test_text_longer_than_a_field_is_cut_there_and_kept_whole_as_unplaced():
    long_fee = "按" + "很长的收费说明" * 40
    imported = Imported(
        fields={"title": Field("收费很长的事项", "高"), "fee": Field(long_fee, "高")}
    )
    draft = draft_from(imported, file_name="x.docx", category=make_category(), by=None)
    assert len(draft.fee) == 200 and draft.fee.endswith("…")
    assert draft.word_import.unplaced == [long_fee]


def test_a_second_guide_with_the_same_title_gets_its_own_address():
    category = make_category()
    imported = Imported(fields={"title": Field("生育登记", "高")})
    first = draft_from(imported, file_name="a.docx", category=category, by=None)
    second = draft_from(imported, file_name="b.docx", category=category, by=None)
    assert first.procedure.slug != second.procedure.slug
