import datetime

import pytest
from django.utils import timezone

from practice import question_bank, scheduling
from practice.models import BankSource, Card, Question
from procedures import publishing
from procedures.models import Procedure, ProcedureVersion
from tests.factories import make_category, make_published, publish_change

pytestmark = pytest.mark.django_db


def live(procedure, key: str) -> Question:
    return Question.objects.live().get(procedure=procedure, source_key=key)


def chosen(question: Question) -> set[str]:
    return {text for letter, text in question.lettered_options() if letter in question.answer}


def wrong(question: Question) -> set[str]:
    return set(question.options) - chosen(question)


def kind_id(version, name: str) -> int:
    return version.materials.get(name=name).kind_id


def test_the_required_materials_question_has_the_required_ones_right(library):
    question = live(library.procedure, "materials:required")

    assert question.kind == Question.Kind.MULTIPLE
    assert chosen(question) == {"居民身份证", "户口簿"}
    assert "授权委托书" in wrong(question)  # 按情形, so not 必需
    assert wrong(question) <= {
        "授权委托书",
        "结婚证",
        "子女出生医学证明",
        "银行卡",
        "独生子女父母光荣证",
    }
    assert len(set(question.options)) == len(question.options) == 4


def test_the_form_question_answers_with_the_materials_form(library):
    question = live(library.procedure, f"material:{kind_id(library, '户口簿')}:form")

    assert question.options == ["原件", "复印件", "原件及复印件", "电子版"]
    assert chosen(question) == {"原件及复印件"}
    assert question.version == library and question.category.name == "计划生育"


def test_copies_are_asked_for_copies_only(library):
    honour = ProcedureVersion.objects.get(title="独生子女父母光荣证")
    question = live(honour.procedure, f"material:{kind_id(honour, '结婚证')}:copies")

    assert chosen(question) == {"2 份"}
    assert len(set(question.options)) == 4
    identity = kind_id(library, "居民身份证")  # an original, one of it: nothing to ask
    assert not Question.objects.filter(source_key=f"material:{identity}:copies").exists()


def test_a_cases_extra_material_has_wrong_options_from_the_same_category(library):
    question = live(library.procedure, f"material:{kind_id(library, '授权委托书')}:condition")

    assert question.stem == "办理「生育服务手册」，委托他人代办的，还需要带什么材料？"
    assert chosen(question) == {"授权委托书"}
    assert wrong(question) <= {"结婚证", "子女出生医学证明", "银行卡", "独生子女父母光荣证"}
    assert len(wrong(question)) == 3


def test_no_condition_question_without_enough_siblings(db):
    alone = make_published("临时救助", category=make_category("社会救助"))

    keys = Question.objects.filter(procedure=alone.procedure).values_list("source_key", flat=True)
    assert not [key for key in keys if key.endswith(":condition") or key.startswith("alias:")]
    assert (
        Question.objects.filter(procedure=alone.procedure, source_key__endswith=":form").count()
        == 3
    )


def test_the_order_of_three_steps_or_more(library):
    question = live(library.procedure, "steps:order")

    assert chosen(question) == {"提交申请 → 审核 → 发证"}
    assert len(set(question.options)) == 4
    assert all(
        sorted(option.split(" → ")) == ["发证", "审核", "提交申请"] for option in question.options
    )
    honour = ProcedureVersion.objects.get(title="独生子女父母光荣证")  # two steps: nothing to order
    assert not Question.objects.filter(
        procedure=honour.procedure, source_key="steps:order"
    ).exists()


def test_which_step_comes_next(library):
    question = live(library.procedure, "step:提交申请:next")

    assert chosen(question) == {"审核"}
    assert wrong(question) == {"发证", "窗口受理", "核实审核"}
    assert len(set(question.options)) == len(question.options) >= 3


def test_what_residents_say_picks_the_procedure_among_its_siblings(library):
    question = live(library.procedure, "alias:准生证")

    assert "准生证" in question.stem
    assert chosen(question) == {"生育服务手册"}
    assert wrong(question) == {"独生子女父母光荣证", "计划生育特别扶助金"}


def test_the_same_library_gives_the_same_rows(library):
    before = dict(Question.objects.values_list("pk", "updated_at"))

    question_bank.refresh_all()

    assert dict(Question.objects.values_list("pk", "updated_at")) == before
    assert not Question.objects.filter(retired_at__isnull=False).exists()


def test_a_substantive_change_retires_the_question_it_changes_and_keeps_the_others(library):
    key = f"material:{kind_id(library, '户口簿')}:form"
    old = live(library.procedure, key)
    untouched = live(library.procedure, "steps:order")
    draft = publishing.create_draft(library.procedure, by=None)
    materials = [
        {
            "name": m.name,
            "form": "copy" if m.name == "户口簿" else m.form,
            "kind_id": m.kind_id,
            "copies": m.copies,
            "required": m.required,
            "condition": m.condition,
        }
        for m in draft.materials.all()
    ]
    draft = publishing.save_draft(
        draft, content={}, parts={"materials": materials}, expected_revision=draft.revision, by=None
    )
    publishing.publish_version(
        draft, change_summary="户口簿改交复印件", effective_from=datetime.date(2024, 6, 1), by=None
    )

    old.refresh_from_db()
    assert old.retired_at is not None
    new = live(library.procedure, key)
    assert chosen(new) == {"复印件"} and new.pk != old.pk
    assert live(library.procedure, "steps:order").pk == untouched.pk


def test_an_editorial_change_updates_the_question_in_place_and_keeps_its_cards(library, clerk):
    key = f"material:{kind_id(library, '户口簿')}:form"
    question = live(library.procedure, key)
    scheduling.record_answer(user=clerk, question=question, chosen=question.answer)
    spec = next(s for s in question_bank.material_forms(*subject_of(library)) if s.key == key)
    changed = question_bank.Spec(**{**spec.__dict__, "answer": "B", "value": "copy"})

    question_bank.apply_specs(library.procedure, library, [changed], editorial=True)

    question.refresh_from_db()
    assert (question.retired_at, question.answer) == (None, "B")
    assert Card.objects.filter(question=question, user=clerk).exists()


def test_the_same_change_on_a_substantive_version_retires_the_question(library, clerk):
    key = f"material:{kind_id(library, '户口簿')}:form"
    question = live(library.procedure, key)
    spec = next(s for s in question_bank.material_forms(*subject_of(library)) if s.key == key)
    changed = question_bank.Spec(**{**spec.__dict__, "answer": "B", "value": "copy"})

    question_bank.apply_specs(library.procedure, library, [changed], editorial=False)

    question.refresh_from_db()
    assert question.retired_at is not None
    assert live(library.procedure, key).answer == "B"


@pytest.mark.skipif(
    not hasattr(ProcedureVersion, "ChangeKind"), reason="ProcedureVersion.change_kind 尚未加入"
)
def test_a_version_marked_editorial_is_read_as_editorial():
    assert question_bank.is_editorial(ProcedureVersion(change_kind="editorial"))
    assert not question_bank.is_editorial(ProcedureVersion(change_kind="substantive"))


def subject_of(version):
    library = question_bank.load_subjects({version.procedure.category_id})
    family = library[version.procedure.category_id]
    subject = next(s for s in family if s.procedure.pk == version.procedure_id)
    return subject, [s for s in family if s is not subject]


def test_a_wording_change_keeps_every_row(library):
    before = set(Question.objects.live().values_list("pk", flat=True))

    version = publish_change(library, effective_from=datetime.date(2024, 6, 1))

    assert set(Question.objects.live().values_list("pk", flat=True)) == before
    assert set(
        Question.objects.filter(procedure=library.procedure).values_list("version", flat=True)
    ) == {version.pk}


def test_a_retired_procedure_retires_its_questions(library):
    publishing.retire_procedure(library.procedure, by=None, reason="并入其他事项")

    assert not Question.objects.live().filter(procedure=library.procedure).exists()
    assert BankSource.objects.get(procedure=library.procedure).version is None


def test_a_scheduled_version_taking_effect_is_picked_up_by_refresh_stale(library, monkeypatch):
    key = "steps:order"
    draft = publishing.create_draft(library.procedure, by=None)
    steps = [{"title": t} for t in ("审核", "提交申请", "发证")]
    draft = publishing.save_draft(
        draft, content={}, parts={"steps": steps}, expected_revision=draft.revision, by=None
    )
    later = timezone.localdate() + datetime.timedelta(days=10)
    publishing.publish_version(draft, change_summary="先审后交", effective_from=later, by=None)
    question_bank.refresh_stale()  # the siblings, whose wrong options may come from it
    assert chosen(live(library.procedure, key)) == {"提交申请 → 审核 → 发证"}
    assert question_bank.refresh_stale() == []

    monkeypatch.setattr(timezone, "localdate", lambda *args: later)

    assert question_bank.refresh_stale() == [library.procedure_id]
    assert chosen(live(library.procedure, key)) == {"审核 → 提交申请 → 发证"}


def test_a_new_sibling_becomes_a_wrong_option_once_the_stale_are_refreshed(library):
    family = library.procedure.category
    make_published("再生育审批", category=family, aliases=["二孩审批"], materials=())
    others = Procedure.objects.filter(category=family).exclude(versions__title="再生育审批")

    assert set(question_bank.refresh_stale()) == set(others.values_list("pk", flat=True))
    assert "再生育审批" in live(library.procedure, "alias:准生证").options


def test_families_and_bundles_have_no_questions_and_are_no_wrong_option(library):
    family = library.procedure.category
    bundle = make_published(
        "生育一件事",
        category=family,
        kind="bundle",
        aliases=["生孩子要办哪些"],
        members=[
            {"target": library.procedure},
            {"target": Procedure.objects.get(versions__title="独生子女父母光荣证")},
        ],
    )
    question_bank.refresh_stale()

    assert not Question.objects.filter(procedure=bundle.procedure).exists()
    assert not BankSource.objects.filter(procedure=bundle.procedure).exists()
    assert "生育一件事" not in live(library.procedure, "alias:准生证").options
    assert question_bank.refresh_stale() == []  # nothing to build for it, every time


def test_wrong_options_come_from_the_nearest_siblings_only(db, monkeypatch):
    monkeypatch.setattr(question_bank, "MAX_SIBLINGS", 2)
    family = make_category("社会保障")
    for title in ("甲事项", "乙事项", "丙事项", "丁事项", "戊事项"):  # in this order in 条线
        make_published(title, category=family, aliases=[f"{title}俗称"])
    first = Procedure.objects.get(versions__title="甲事项")
    middle = Procedure.objects.get(versions__title="丙事项")

    question_bank.refresh_all()

    assert set(live(first, "alias:甲事项俗称").options) == {"甲事项", "乙事项", "丙事项"}
    assert set(live(middle, "alias:丙事项俗称").options) == {"乙事项", "丙事项", "丁事项"}
