"""Writes the regression corpus: Word guides as halls write them (run to regenerate).

    .venv/bin/python tests/word_import/corpus/make_corpus.py

Each file exercises one way guides are written; tests/word_import/test_corpus.py checks what
the importer must recognise in each (corpus/expected.json).
"""

import io
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from PIL import Image

HERE = Path(__file__).parent


def chinese_numbering(document, fmt: str, text: str, start: int = 1) -> int:
    """Add a list whose level 0 counts in `fmt` ("chineseCounting", "decimal", …) shown as
    `text` ("%1、"); returns its numId."""
    numbering = document.part.numbering_part.element
    ids = [int(n.get(qn("w:abstractNumId"))) for n in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = max(num_ids, default=0) + 1
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    return num_id


def numbered(document, text: str, num_id: int, bold: bool = False):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


def auto_numbered() -> docx.Document:
    """一、 sections and 1. steps by Word's numbering; a materials table with merged cells."""
    d = docx.Document()
    d.add_heading("生育登记", level=1)
    sections = chinese_numbering(d, "chineseCounting", "%1、")
    steps = chinese_numbering(d, "decimal", "%1.")
    numbered(d, "适用对象", sections, bold=True)
    d.add_paragraph("本市户籍或持居住证的夫妻，生育第一个、第二个或第三个子女的。")
    numbered(d, "受理条件", sections, bold=True)
    d.add_paragraph("夫妻双方或一方户籍在本街道；")
    d.add_paragraph("已怀孕或子女出生后 6 个月内。")
    numbered(d, "申请材料", sections, bold=True)
    table = d.add_table(rows=5, cols=5)
    header = ["序号", "材料名称", "原件/复印件", "份数", "备注"]
    rows = [
        ["1", "夫妻双方居民身份证", "原件", "1", "现场核验"],
        ["2", "居民户口簿", "原件及复印件", "1", "现场核验"],
        ["3", "结婚证", "原件及复印件", "1", "离婚再婚的需提供离婚证明"],
        ["4", "授权委托书", "原件", "1", "委托他人办理的"],
    ]
    for c, text in enumerate(header):
        table.cell(0, c).text = text
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    # 备注 of rows 1 and 2 is one merged cell, as halls write it.
    merged = table.cell(1, 4).merge(table.cell(2, 4))
    merged.text = "现场核验"
    numbered(d, "办理流程", sections, bold=True)
    numbered(d, "申请：携带材料到社区事务受理服务中心综合窗口提交申请。", steps)
    numbered(d, "受理：窗口工作人员当场审核材料，材料齐全的予以受理。", steps)
    numbered(d, "办结：当场办结，发放生育服务手册。", steps)
    numbered(d, "办理时限", sections, bold=True)
    d.add_paragraph("材料齐全的，当场办结。")
    numbered(d, "收费标准", sections, bold=True)
    d.add_paragraph("不收费。")
    numbered(d, "常见问题", sections, bold=True)
    d.add_paragraph("问：外地户口可以在本街道办理吗？")
    d.add_paragraph("答：可以，持本市居住证在居住地办理。")
    d.add_paragraph("问：孩子出生后才来登记可以吗？")
    d.add_paragraph("答：可以，须在出生后 6 个月内。")
    return d


def typed_numbering() -> docx.Document:
    """Numbers typed by hand: 一、 （一） 1. ①; materials as lines; key：value facts."""
    d = docx.Document()
    d.add_paragraph("事项名称：最低生活保障申请")
    d.add_paragraph("一、受理条件")
    d.add_paragraph("（一）持有本市户籍；")
    d.add_paragraph("（二）家庭月人均收入低于本市最低生活保障标准。")
    d.add_paragraph("二、申请材料")
    d.add_paragraph("① 居民身份证原件及复印件1份；")
    d.add_paragraph("② 居民户口簿原件及复印件1份；")
    d.add_paragraph("③ 家庭收入证明原件2份；")
    d.add_paragraph("④ 残疾人证复印件1份（家庭成员有残疾的）。")
    d.add_paragraph("三、办理流程")
    d.add_paragraph("1. 申请：向户籍所在地街道提出书面申请。")
    d.add_paragraph("2. 核对：民政部门核对家庭经济状况。")
    d.add_paragraph("核对结果告知申请人。")
    d.add_paragraph("3. 公示：审核结果在社区公示 7 天。")
    d.add_paragraph("四、办理时限：30个工作日")
    d.add_paragraph("五、收费：不收费")
    d.add_paragraph("六、办理地点：幸福路 88 号社区事务受理服务中心 2 号窗口")
    d.add_paragraph("七、咨询电话：021-5555 0100")
    d.add_paragraph("八、设定依据")
    d.add_paragraph("《社会救助暂行办法》（国务院令第 649 号）")
    return d


def missing_section() -> docx.Document:
    """No 收费, no 常见问题; an unknown section (温馨提示) that must stay visible."""
    d = docx.Document()
    d.add_heading("独生子女父母光荣证", level=1)
    d.add_paragraph("受理条件").runs[0].bold = True
    d.add_paragraph("夫妻只生育一个子女，且承诺不再生育的。")
    d.add_paragraph("所需材料").runs[0].bold = True
    d.add_paragraph("1. 夫妻双方身份证原件1份")
    d.add_paragraph("2. 子女出生医学证明复印件1份")
    d.add_paragraph("温馨提示").runs[0].bold = True
    d.add_paragraph("光荣证遗失的，可到原发证机关补办。")
    d.add_paragraph("办理流程").runs[0].bold = True
    d.add_paragraph("1. 提交申请")
    d.add_paragraph("2. 审核发证")
    return d


def scanned_only() -> docx.Document:
    """A title and a scanned page: nothing to recognise but the title."""
    d = docx.Document()
    d.add_heading("城乡居民医保参保登记", level=1)
    picture = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(picture, "PNG")
    picture.seek(0)
    d.add_picture(picture)
    return d


def two_levels() -> docx.Document:
    """Sections 一、 and sub-items （一） both by Word's numbering (two lists, as Word makes
    them); a materials table whose header spans two columns (形式 over 原件 | 复印件)."""
    d = docx.Document()
    d.add_heading("居住证申领", level=1)
    sections = chinese_numbering(d, "chineseCounting", "%1、")
    items = chinese_numbering(d, "chineseCounting", "（%1）")
    numbered(d, "申请条件", sections, bold=True)
    numbered(d, "在本市居住半年以上；", items)
    numbered(d, "有合法稳定就业、合法稳定住所或连续就读之一。", items)
    numbered(d, "申请材料", sections, bold=True)
    table = d.add_table(rows=4, cols=4)
    table.cell(0, 0).text = "材料名称"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "原件/复印件"
    table.cell(0, 3).text = "份数"
    for r, row in enumerate(
        [
            ["居民身份证", "原件", "", "1"],
            ["近期一寸照片", "原件", "", "2"],
            ["租房合同", "", "复印件", "1"],
        ],
        start=1,
    ):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    numbered(d, "办理时限", sections, bold=True)
    d.add_paragraph("15个工作日")
    return d


BUILDERS = {
    "two_levels.docx": two_levels,
    "auto_numbered.docx": auto_numbered,
    "typed_numbering.docx": typed_numbering,
    "missing_section.docx": missing_section,
    "scanned_only.docx": scanned_only,
}


def main() -> None:
    for name, build in BUILDERS.items():
        build().save(HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
