"""Who practises and who manages the question bank.

Practising is for staff: 窗口人员, 编辑, 审核发布 and 培训负责人, as 学习 is.
The bank's own questions, its import/export and the team's results are for trainers.
"""

from procedures.roles import Visitor
from training.roles import is_staff_member, is_trainer


def can_practise(user: Visitor) -> bool:
    """The same people who read and confirm in 学习 (training.roles.is_staff_member)."""
    return is_staff_member(user)


def manages_bank(user: Visitor) -> bool:
    return is_trainer(user)
