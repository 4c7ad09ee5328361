import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practice import scheduling
from practice.models import Answer, Question
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TRAINER_PAGES = ["team", "questions", "question_new", "question_import", "question_export"]


def wrong_letter(question: Question) -> str:
    return next(
        letter for letter, _ in question.lettered_options() if letter not in question.answer
    )


@pytest.mark.parametrize("name", ["home", *TRAINER_PAGES])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(f"practice:{name}"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_signed_in_account_without_a_staff_role_is_refused(client, library):
    client.force_login(make_user("resident"))

    response = client.get(reverse("practice:home"))

    assert response.status_code == 403
    assert "练习题库只对服务中心的工作人员开放" in response.content.decode()


@pytest.mark.parametrize("name", TRAINER_PAGES)
def test_clerks_are_refused_the_trainer_pages(client, clerk, name):
    client.force_login(clerk)

    assert client.get(reverse(f"practice:{name}")).status_code == 403


def test_a_clerk_gets_a_question_and_answers_it(client, library, clerk):
    client.force_login(clerk)
    question = client.get(reverse("practice:home")).context["question"]

    response = client.post(
        reverse("practice:answer"), {"question": question.pk, "choice": list(question.answer)}
    )

    answer = Answer.objects.get(user=clerk)
    assert response.url == reverse("practice:result", args=[answer.pk])
    page = client.get(response.url).content.decode()
    assert "答对了" in page and question.explanation in page
    assert library.procedure.get_absolute_url() in page


def test_a_wrong_answer_shows_the_right_one(client, library, clerk):
    client.force_login(clerk)
    question = client.get(reverse("practice:home")).context["question"]

    response = client.post(
        reverse("practice:answer"),
        {"question": question.pk, "choice": wrong_letter(question)},
        follow=True,
    )

    assert f"答错了：正确答案是 {question.answer_text()}" in response.content.decode()


def test_an_unknown_question_is_not_found(client, clerk):
    client.force_login(clerk)

    for number in ("999999", "abc", ""):
        response = client.post(reverse("practice:answer"), {"question": number, "choice": "A"})
        assert response.status_code == 404


def test_an_option_the_question_does_not_offer_is_refused(client, library, clerk):
    client.force_login(clerk)
    question = Question.objects.live().filter(kind="single").first()

    response = client.post(reverse("practice:answer"), {"question": question.pk, "choice": "F"})

    assert response.status_code == 400
    assert "请从题目给出的选项中选择。" in response.content.decode()
    assert not Answer.objects.exists()


def test_no_choice_at_all_asks_for_one(client, library, clerk):
    client.force_login(clerk)
    question = Question.objects.live().first()

    response = client.post(reverse("practice:answer"), {"question": question.pk})

    assert response.status_code == 400 and "请先选择答案。" in response.content.decode()


def test_someone_elses_answer_is_not_found(client, library, clerk):
    question = Question.objects.live().first()
    theirs = scheduling.record_answer(
        user=make_user("colleague"), question=question, chosen=question.answer
    )
    client.force_login(clerk)

    assert client.get(reverse("practice:result", args=[theirs.pk])).status_code == 404


def test_a_retired_question_sends_the_clerk_to_the_next_one(client, library, clerk):
    question = Question.objects.live().first()
    Question.objects.filter(pk=question.pk).update(retired_at="2024-01-01T00:00:00Z")
    client.force_login(clerk)

    response = client.post(reverse("practice:answer"), {"question": question.pk, "choice": "A"})

    assert response.url == reverse("practice:home")
    assert not Answer.objects.exists()


def test_the_trainer_sees_accuracy_per_category_and_the_most_missed(
    client, library, clerk, trainer
):
    question = Question.objects.live().get(source_key="alias:准生证")
    scheduling.record_answer(user=clerk, question=question, chosen=wrong_letter(question))
    scheduling.record_answer(user=clerk, question=question, chosen=question.answer)
    client.force_login(trainer)

    response = client.get(reverse("practice:team"))

    assert response.context["by_category"] == [
        {"name": "计划生育", "total": 2, "right": 1, "percent": 50}
    ]
    assert response.context["questions"][0]["question"] == question
    assert response.context["procedures"][0]["title"] == "生育服务手册"


def test_a_trainer_adds_a_question(client, library, trainer):
    client.force_login(trainer)
    data = {
        "kind": "single",
        "stem": "咨询电话是多少？",
        "option_a": "12345",
        "option_b": "12320",
        "answer": "b",
        "explanation": "见办事指南。",
        "category": "",
    }

    response = client.post(reverse("practice:question_new"), data)

    assert response.url == reverse("practice:questions")
    added = Question.objects.get(stem="咨询电话是多少？")
    assert (added.options, added.answer, added.created_by, added.generated) == (
        ["12345", "12320"],
        "B",
        trainer,
        False,
    )


def test_an_answer_that_is_not_an_option_is_refused_in_the_form(client, trainer):
    client.force_login(trainer)
    data = {"kind": "single", "stem": "题干", "option_a": "甲", "option_b": "乙", "answer": "C"}

    response = client.post(reverse("practice:question_new"), data)

    assert (
        response.status_code == 200 and "答案应是选项 A–B 中的字母。" in response.content.decode()
    )
    assert not Question.objects.filter(stem="题干").exists()


def test_generated_questions_cannot_be_edited_by_hand(client, library, trainer):
    client.force_login(trainer)
    generated = Question.objects.live().filter(generated=True).first()

    assert client.get(reverse("practice:question_edit", args=[generated.pk])).status_code == 404


def test_a_broken_import_names_the_line_and_saves_nothing(client, trainer):
    client.force_login(trainer)
    upload = SimpleUploadedFile("tiku.txt", "1. 【单选】题干\nA. 甲\nB. 乙\n【答案】E\n".encode())

    response = client.post(reverse("practice:question_import"), {"file": upload})

    assert response.status_code == 400
    assert "第 4 行：答案“E”不在选项 A–B 中。" in response.content.decode()
    assert not Question.objects.exists()


def test_the_export_is_the_text_format(client, library, trainer):
    client.force_login(trainer)

    response = client.get(reverse("practice:question_export"))

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "【答案】" in response.content.decode()
    assert response.content.decode().count("【答案】") == Question.objects.live().count()


def test_trainers_find_the_team_page_and_the_bank_from_the_practice_page(
    client, library, trainer, clerk
):
    client.force_login(trainer)
    page = client.get(reverse("practice:home")).content.decode()

    assert "培训负责人" in page
    assert f'href="{reverse("practice:team")}"' in page
    assert f'href="{reverse("practice:questions")}"' in page

    client.force_login(clerk)
    page = client.get(reverse("practice:home")).content.decode()
    assert f'href="{reverse("practice:team")}"' not in page


def test_the_question_forms_dropdowns_start_with_a_chinese_empty_label(client, trainer):
    client.force_login(trainer)

    page = client.get(reverse("practice:question_new")).content.decode()

    assert '<option value="" selected>请选择…</option>' in page
    assert '<option value="" selected>不限条线</option>' in page
    assert "---------" not in page


def import_file(client, body: str):
    upload = SimpleUploadedFile("tiku.txt", body.encode())
    return client.post(reverse("practice:question_import"), {"file": upload}, follow=True)


def test_importing_the_export_back_adds_no_duplicates(client, library, trainer):
    client.force_login(trainer)
    before = Question.objects.count()
    exported = client.get(reverse("practice:question_export")).content.decode()

    response = import_file(client, exported)

    assert Question.objects.count() == before
    live = Question.objects.live().count()
    assert f"已导入 0 道题，跳过 {live} 道题库里已有的题。" in response.content.decode()


def test_an_import_adds_only_the_questions_the_bank_does_not_have(client, library, trainer):
    client.force_login(trainer)
    existing = Question.objects.live().filter(generated=True).first()
    exported = client.get(reverse("practice:question_export")).content.decode()
    one_existing = exported.split("\n\n")[0]
    assert existing.stem in one_existing
    new = "2. 【判断】委托他人代办的，需要授权委托书。\n【答案】正确\n"

    response = import_file(client, f"{one_existing}\n\n{new}")

    added = Question.objects.get(generated=False)
    assert (added.kind, added.answer) == ("judge", "A")
    assert Question.objects.filter(stem=existing.stem).count() == 1
    assert "已导入 1 道题，跳过 1 道题库里已有的题。" in response.content.decode()
