"""The demo hall's forms: the application forms its demo procedures ask for, printed as a
department would print them (PDF), a filled-in sample, and a Word power of attorney."""

import dataclasses
import io

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from docx import Document
from weasyprint import HTML

from blank_forms import attaching
from blank_forms.checking import checked
from blank_forms.models import FormAttachment
from procedures.models import MaterialKind


@dataclasses.dataclass(frozen=True)
class DemoForm:
    kind: str  # the material kind's name in the demo library
    title: str
    role: str
    rows: tuple[tuple[str, str], ...]  # label, and what a sample writes in (blank: "")
    text: str = ""  # the printed statement above the signature, if any


PERSON = (("姓名", "张丽"), ("公民身份号码", "310115199001011234"), ("联系电话", "138 0000 0000"))
DEMO_FORMS = (
    DemoForm(
        "《生育登记服务申请表》",
        "生育登记服务申请表",
        "blank",
        (
            *[(label, "") for label, _ in PERSON],
            ("户籍地址", ""),
            ("现居住地址", ""),
            ("配偶姓名", ""),
            ("配偶公民身份号码", ""),
            ("现有子女数", ""),
            ("预产期", ""),
        ),
        "本人承诺以上信息真实、准确，如有不实，愿承担相应责任。",
    ),
    DemoForm(
        "《生育登记服务申请表》",
        "生育登记服务申请表（填写示例）",
        "sample",
        (
            *PERSON,
            ("户籍地址", "浦东新区幸福路 88 弄 6 号 302 室"),
            ("现居住地址", "同户籍地址"),
            ("配偶姓名", "王强"),
            ("配偶公民身份号码", "310115198805056789"),
            ("现有子女数", "0"),
            ("预产期", "2027 年 3 月 15 日"),
        ),
        "本人承诺以上信息真实、准确，如有不实，愿承担相应责任。",
    ),
    DemoForm(
        "《最低生活保障申请书》",
        "最低生活保障申请书",
        "blank",
        (
            *[(label, "") for label, _ in PERSON],
            ("户籍地址", ""),
            ("共同生活家庭成员人数", ""),
            ("家庭月总收入（元）", ""),
            ("申请理由", ""),
        ),
        "本人申请最低生活保障，保证所填情况真实，同意接受入户调查和家庭经济状况核对。",
    ),
    DemoForm(
        "《家庭经济状况核对授权书》",
        "家庭经济状况核对授权书",
        "blank",
        (
            ("申请人姓名", ""),
            ("公民身份号码", ""),
            ("家庭成员（签名）", ""),
            ("家庭成员（签名）", ""),
        ),
        "本人及家庭成员授权民政部门及其委托的核对机构，查询本家庭成员的收入、存款、房产、车辆等"
        "经济状况信息，用于社会救助审核。",
    ),
    DemoForm(
        "《失业保险金申领登记表》",
        "失业保险金申领登记表",
        "blank",
        (
            *[(label, "") for label, _ in PERSON],
            ("原工作单位", ""),
            ("参保起止时间", ""),
            ("终止或解除劳动合同日期", ""),
            ("社会保障卡银行账号", ""),
        ),
        "本人已办理求职登记，保证所填信息真实有效。",
    ),
)
POWER_OF_ATTORNEY = "授权委托书及代办人身份证"


def load_demo_forms(by: User) -> int:
    """Attach the demo forms not attached yet; the number attached."""
    made = 0
    for form in DEMO_FORMS:
        made += _attach(form.kind, form.title, form.role, f"{form.title}.pdf", _pdf(form), by)
    made += _attach(
        POWER_OF_ATTORNEY, "授权委托书", "blank", "授权委托书.docx", _power_of_attorney(), by
    )
    return made


def _attach(kind_name: str, title: str, role: str, name: str, content: bytes, by: User) -> int:
    kind = MaterialKind.objects.filter(name=kind_name).first()
    if kind is None or FormAttachment.objects.filter(kind=kind, title=title).exists():
        return 0
    attaching.attach(
        checked(SimpleUploadedFile(name, content)), kind=kind, role=role, title=title, by=by
    )
    return 1


def _pdf(form: DemoForm) -> bytes:
    html = render_to_string("blank_forms/demo_form.html", {"form": form})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _power_of_attorney() -> bytes:
    document = Document()
    document.add_heading("授权委托书", level=1)
    for line in (
        "委托人：__________  公民身份号码：____________________",
        "受托人：__________  公民身份号码：____________________",
        "现委托受托人代为办理__________________________事项，受托人在办理过程中所签署的"
        "有关文件，委托人均予以承认。",
        "委托期限：自____年__月__日至____年__月__日。",
        "委托人（签名）：__________    受托人（签名）：__________",
        "日期：____年__月__日",
    ):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
