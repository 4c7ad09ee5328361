"""A fifth starter set of synonyms: the catalogue items no earlier set reached, or reached
only through a broad word (设立, 补办, 竣工 …): 个独 for 个人独资企业, 可研 for 可行性研究报告,
入统证明 for 统计调查对象证明, 建标 for 计量标准器具核准.

Written on 2026-12-04 from the titles of the district catalogue and the earlier sets alone
(tests/search/catalogue), by a session that saw no test query. Each group is an official term
as titles have it, then what residents and clerks say for it. Measured on the four catalogue
query sets before it was kept (README, Search). Editors keep them like the other sets: change
or delete any in the admin (搜索同义词). A group whose words are already there is left as it is.
"""

from django.db import migrations

COVERAGE_WORDS = [
    # 区市场监督管理局
    ("个人独资企业 独资企业 个独企业 个人独资公司", "个人独资企业"),
    ("计量标准器具 计量标准 建标 计量建标 计量标准考核", "计量标准器具核准"),
    ("计量检定机构 计量授权 法定计量授权 授权检定", "法定计量检定机构授权"),
    ("简易注销 快速注销 简易注销公告 没开张的公司 空壳公司注销", "企业简易注销"),
    # 区卫生健康委员会
    ("医疗机构执业 医院执照 诊所执照 医院年审 医院校验 诊所年审", "医疗机构执业登记与校验"),
    # 区民政局
    ("基本生活救助资金 救助资金 救济款 救助款 生活救济 救助金发放", "困难群众救助资金发放"),
    (
        "社会组织法人登记证书 法人登记证书 社团证书 社会组织证书 民非证书 协会证书",
        "社会组织登记证书",
    ),
    # 区人力资源和社会保障局
    ("存档人员 存档证明 档案存放证明 档案托管证明 人事代理证明", "存档人员证明"),
    (
        "单位参保证明 单位社保证明 公司社保证明 企业社保证明 单位缴费证明 投标社保证明",
        "单位参保证明",
    ),
    ("创业担保贷款贴息 创业贴息 创业贷贴息 创业贷款贴息", "创业担保贷款贴息"),
    # 区住房和城乡建设局
    ("市政基础设施工程 竣工备案 工程竣工备案 房建竣工备案 楼盘竣工备案", "工程竣工验收备案"),
    # 区残疾人联合会
    ("困难残疾人 困残补贴 残疾生活补贴 残疾人生活费", "困难残疾人生活补贴"),
    # 区交通运输局
    ("道路运输经营许可证 运输许可年审 运输公司年审 运输企业年审", "道路运输经营许可证年度核查"),
    # 区应急管理局
    ("安全生产许可 安许证 安全生产证", "安全生产许可告知承诺"),
    # 区农业农村局
    ("龙头企业 农业龙头 农业龙头企业 龙头企业认定", "农业产业化龙头企业"),
    # 区规划和自然资源局
    ("压覆重要矿产资源 压覆矿产 压覆矿 不压矿证明 压覆评估", "压覆矿产资源审查"),
    # 区司法局
    ("基层法律服务所 法律服务所 法律所 乡镇法律所 街道法律所", "基层法律服务所"),
    # 区消防救援大队
    ("消防安全重点单位 消防重点单位 重点防火单位 防火重点单位", "消防安全重点单位"),
    (
        "建筑消防设施竣工查验 消防竣工资料 消防查验资料 消防验收资料 消防验收档案",
        "消防竣工查验资料查询",
    ),
    # 区人防办
    ("人民防空工程维护管理 人防维护 人防工程维护 人防维护管理", "人防工程维护管理登记"),
    # 区发展和改革局
    ("项目建议书 项建书 政府投资立项 财政项目立项", "政府投资项目建议书"),
    ("可行性研究报告 可研 可研报告 可研批复 可行性报告", "政府投资项目可研"),
    ("重点项目 重大项目 重点工程 重大工程 重点项目库", "重点项目申报"),
    # 区档案馆
    ("重点建设项目档案 项目档案验收 档案专项验收 建设项目档案", "重点建设项目档案验收"),
    # 区林业局
    ("森林植物检疫 苗圃检疫 苗木检疫 林木检疫 树苗检疫", "森林植物产地检疫"),
    # 街道便民服务中心
    ("生育服务手册 生育手册 计生手册 生育服务本", "生育服务手册"),
    # 区统计局
    ("名录库 统计名录库 基本单位名录 统计名录 单位名录", "统计名录库"),
    ("统计调查对象 入统证明 纳统证明 规上企业证明 统计对象证明", "统计调查对象证明"),
    # 区人民政府办公室（政务服务）
    ("证明事项告知承诺 承诺核查 承诺代替证明 免开证明 不用开证明", "证明事项告知承诺核查"),
]


NOTE = "起步同义词（第五批：目录中尚无同义词覆盖的事项）"


def add_coverage_words(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for words, note in COVERAGE_WORDS:
        Synonym.objects.get_or_create(words=words, defaults={"note": note or NOTE})


def remove_coverage_words(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(words__in=[words for words, _ in COVERAGE_WORDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0006_situation_words")]

    operations = [migrations.RunPython(add_coverage_words, remove_coverage_words)]
