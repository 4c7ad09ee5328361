"""Search: synonyms, misses, the index entries, and each database's own full-text tables.

The full-text tables are not models: SQLite gets FTS5 tables (plus fts5vocab tables that give
document frequencies), PostgreSQL a table of tsvectors with GIN indexes. Both are keyed by the
version id of `procedures_searchentry`. After migrating a database that already holds
procedures, run `manage.py rebuild_search_index` once.
"""

import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '_'"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE procedures_searchhead
        USING fts5(title, aliases, tokenize = "{TOKENIZER}")""",
    "CREATE VIRTUAL TABLE procedures_searchhead_vocab USING fts5vocab(procedures_searchhead, 'row')",
    f"""CREATE VIRTUAL TABLE procedures_searchcontent
        USING fts5(materials, body, internal, tokenize = "{TOKENIZER}")""",
    "CREATE VIRTUAL TABLE procedures_searchcontent_vocab "
    "USING fts5vocab(procedures_searchcontent, 'row')",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS procedures_searchhead_vocab",
    "DROP TABLE IF EXISTS procedures_searchhead",
    "DROP TABLE IF EXISTS procedures_searchcontent_vocab",
    "DROP TABLE IF EXISTS procedures_searchcontent",
]
POSTGRESQL_CREATE = [
    """CREATE TABLE procedures_searchvector (
        version_id bigint PRIMARY KEY,
        head tsvector NOT NULL,
        content tsvector NOT NULL
    )""",
    "CREATE INDEX procedures_searchvector_head ON procedures_searchvector USING gin (head)",
    "CREATE INDEX procedures_searchvector_content ON procedures_searchvector USING gin (content)",
]
POSTGRESQL_DROP = ["DROP TABLE IF EXISTS procedures_searchvector"]

# What residents say, and what the guides write: a starting set that editors extend in the admin.
STARTER_SYNONYMS = [
    ("退伍 退役 复员 转业", "退役军人事务"),
    ("孩子 子女 小孩 儿女 小孩子", ""),
    ("老伴 配偶 爱人 老公 老婆 丈夫 妻子 媳妇", ""),
    ("爸爸 父亲 老爸 我爸", ""),
    ("妈妈 母亲 老妈 我妈", ""),
    ("爸妈 父母 双亲", ""),
    ("爷爷 祖父", ""),
    ("奶奶 祖母", ""),
    ("闺女 女儿", ""),
    ("去世 死亡 过世 身故 病故 亡故 离世", ""),
    ("残废 残疾", ""),
    ("残疾证 残疾人证", ""),
    ("下岗 失业 没工作 丢了工作", ""),
    ("失业金 失业保险金", ""),
    ("看病 就医 就诊", ""),
    ("医药费 医疗费 看病钱", ""),
    ("户口本 户口簿 户籍簿", ""),
    ("户口 户籍", ""),
    ("身份证 居民身份证", ""),
    ("社保 社会保险", ""),
    ("社保卡 社会保障卡", ""),
    ("医保 医疗保险 基本医疗保险", ""),
    ("养老金 退休金 养老待遇", ""),
    ("公积金 住房公积金", ""),
    ("外地 异地 外省 非本市", ""),
    ("本地 本市", ""),
    ("补办 补发 补领 重新办", ""),
    ("丢了 遗失 丢失 弄丢", ""),
    ("生孩子 生育 生小孩 生娃", ""),
    ("怀孕 孕期 妊娠", ""),
    ("孕妇 孕产妇", ""),
    ("新生儿 婴儿 刚出生", ""),
    ("出生证 出生医学证明", ""),
    ("准生证 生育证 生育服务证 生育登记", "各地叫法不同"),
    ("上户口 报户口 入户 申报户口", ""),
    ("低保 最低生活保障", ""),
    ("低保户 低保家庭 低保对象", ""),
    ("五保 五保户 特困供养 特困人员", "五保户是特困供养人员的旧称"),
    ("失独 独生子女死亡", ""),
    ("新农合 新型农村合作医疗 居民医保 城乡居民医保", ""),
    ("新农保 新型农村养老保险 居民养老保险 城乡居民养老保险", ""),
    ("老人 老年人 高龄老人", ""),
    ("迁入 迁进 落户 迁来", ""),
    ("迁出 迁走", ""),
    ("党员关系 党组织关系 组织关系 党关系", ""),
    ("丧葬费 丧葬补助金 丧葬补助", ""),
    ("抚恤金 抚恤", ""),
    ("补助 补贴 津贴", ""),
    ("交费 缴费 缴纳", ""),
    ("离婚 离异", ""),
    ("收养 领养", ""),
    ("当兵 服役 参军 入伍", ""),
    ("盲人 视力残疾", ""),
    ("聋哑 听力残疾 言语残疾", ""),
    ("照片 证件照 一寸照", ""),
    ("房产证 不动产权证书 不动产证 房本", ""),
    ("租房 租赁", ""),
    ("上学 入学", ""),
    ("居委 居委会 居民委员会", ""),
    ("村委 村委会 村民委员会", ""),
    ("工伤 工作受伤 上班受伤", ""),
    ("电子版 电子证照", ""),
]


def _vendor_statements(schema_editor, create: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    return []


def create_fulltext_tables(apps, schema_editor):
    for statement in _vendor_statements(schema_editor, create=True):
        schema_editor.execute(statement)


def drop_fulltext_tables(apps, schema_editor):
    for statement in _vendor_statements(schema_editor, create=False):
        schema_editor.execute(statement)


# Editors keep the synonym table and read the misses; publishers too.
SEARCH_PERMISSIONS = {
    "编辑": ["view_synonym", "add_synonym", "change_synonym", "delete_synonym", "view_searchmiss"],
    "审核发布": [
        *("view_synonym", "add_synonym", "change_synonym", "delete_synonym"),
        *("view_searchmiss", "delete_searchmiss"),
    ],
}


def grant_search_permissions(apps, schema_editor):
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in SEARCH_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="procedures", codename__in=codenames
                )
            )


def add_starter_synonyms(apps, schema_editor):
    Synonym = apps.get_model("procedures", "Synonym")
    for words, note in STARTER_SYNONYMS:
        Synonym.objects.get_or_create(words=words, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [("procedures", "0005_daily_views"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.CreateModel(
            name="SearchMiss",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("query", models.CharField(max_length=100, unique=True, verbose_name="搜索词")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="次数")),
                ("first_seen", models.DateTimeField(auto_now_add=True, verbose_name="首次")),
                ("last_seen", models.DateTimeField(default=django.utils.timezone.now, verbose_name="最近")),
            ],
            options={
                "verbose_name": "未找到的搜索",
                "verbose_name_plural": "未找到的搜索",
                "ordering": ["-count", "-last_seen"],
            },
        ),
        migrations.CreateModel(
            name="Synonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("words", models.CharField(help_text="两个或更多的词，用空格、逗号或顿号分开，如：退伍 退役 复员。", max_length=200, unique=True, verbose_name="同义词")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="修改时间")),
            ],
            options={
                "verbose_name": "搜索同义词",
                "verbose_name_plural": "搜索同义词",
                "ordering": ["words"],
            },
        ),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("version", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="+", serialize=False, to="procedures.procedureversion")),
                ("valid_from", models.DateField(verbose_name="生效日")),
                ("valid_until", models.DateField(help_text="下一版施行之日；空表示仍施行。", null=True, verbose_name="失效日")),
                ("title", models.CharField(max_length=200, verbose_name="事项名称")),
                ("head", models.TextField(help_text="折叠后：第一行名称，其后每行一个俗称。", verbose_name="名称与俗称")),
                ("head_pinyin", models.TextField(blank=True, verbose_name="名称拼音")),
                ("head_initials", models.TextField(blank=True, verbose_name="名称首字母")),
                ("materials", models.TextField(blank=True, verbose_name="材料")),
                ("materials_pinyin", models.TextField(blank=True, verbose_name="材料拼音")),
                ("body", models.TextField(blank=True, verbose_name="正文")),
                ("internal", models.TextField(blank=True, verbose_name="内部备注")),
                ("snippets", models.JSONField(blank=True, default=list, verbose_name="摘要来源")),
                ("internal_snippets", models.JSONField(blank=True, default=list, verbose_name="内部摘要来源")),
                ("procedure", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="procedures.procedure")),
            ],
            options={
                "verbose_name": "搜索索引",
                "verbose_name_plural": "搜索索引",
            },
        ),
        migrations.RunPython(create_fulltext_tables, drop_fulltext_tables),
        migrations.RunPython(add_starter_synonyms, migrations.RunPython.noop),
        migrations.RunPython(grant_search_permissions, migrations.RunPython.noop),
    ]
