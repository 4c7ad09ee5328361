"""Publishes and edits of one procedure at the same moment, each on its own connection.

`make test` runs these on SQLite and again on PostgreSQL, with real parallel connections.
"""

import datetime
import threading

import pytest
from django.db import connections, transaction

from procedures import publishing
from procedures.exceptions import NotADraft, StaleDraft
from procedures.models import Procedure, ProcedureVersion
from tests.factories import make_published

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(functions):
    """Run each function in its own thread, released at the same moment; collect outcomes."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def target(index, function):
        try:
            barrier.wait()
            outcomes[index] = function()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=item) for item in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def new_version(procedure_id: int, fee: str):
    def publish():
        procedure = Procedure.objects.get(pk=procedure_id)
        with transaction.atomic():
            draft = publishing.create_draft(procedure, by=None)
            draft = publishing.save_draft(
                draft, content={"fee": fee}, expected_revision=draft.revision, by=None
            )
            return publishing.publish_version(
                draft,
                by=None,
                change_summary=f"收费改为{fee}",
                effective_from=datetime.date(2025, 1, 1),
            )

    return publish


def test_concurrent_publishes_get_distinct_numbers():
    procedure_id = make_published().procedure_id
    outcomes = run_together([new_version(procedure_id, f"{n} 元") for n in range(4)])
    assert all(isinstance(o, ProcedureVersion) for o in outcomes), outcomes
    numbers = sorted(
        ProcedureVersion.objects.filter(procedure_id=procedure_id).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5]
    assert (
        ProcedureVersion.objects.filter(procedure_id=procedure_id, status="published").count() == 1
    )
    assert Procedure.objects.get(pk=procedure_id).latest_version.number == 5


def test_publishing_one_draft_twice_at_once_publishes_it_once():
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    draft = publishing.save_draft(
        draft, content={"fee": "免费"}, expected_revision=draft.revision, by=None
    )

    def publish():
        return publishing.publish_version(
            draft, by=None, change_summary="同时发布", effective_from=datetime.date(2025, 1, 1)
        )

    outcomes = run_together([publish, publish])
    assert sorted(type(o).__name__ for o in outcomes) == ["NotADraft", "ProcedureVersion"]
    assert any(isinstance(o, NotADraft) for o in outcomes)
    assert list(
        ProcedureVersion.objects.filter(procedure=version.procedure)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2]


def test_concurrent_saves_of_one_draft_keep_one_and_refuse_the_other():
    version = make_published()
    draft = publishing.create_draft(version.procedure, by=None)
    opened_at = draft.revision

    def save(fee):
        return lambda: publishing.save_draft(
            draft, content={"fee": fee}, expected_revision=opened_at, by=None
        )

    outcomes = run_together([save("甲编辑的收费"), save("乙编辑的收费")])
    saved = [o for o in outcomes if isinstance(o, ProcedureVersion)]
    refused = [o for o in outcomes if isinstance(o, StaleDraft)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    draft.refresh_from_db()
    assert draft.fee == saved[0].fee and draft.revision == opened_at + 1
