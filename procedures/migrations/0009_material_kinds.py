"""The material catalogue: each material row of every version points to a MaterialKind.

Existing rows are grouped by name (outer and repeated spaces aside): one kind per name, and
the migration prints which names were merged and how many rows each kind now covers. Rows of
versions on record are protected by triggers (migration 0003), which are lifted for this one
change and put back before the migration ends.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = importlib.import_module("procedures.migrations.0003_immutability_triggers")


def _normalized(name: str) -> str:
    return " ".join(name.split())


def fill_kinds(apps, schema_editor):
    Material = apps.get_model("procedures", "Material")
    MaterialKind = apps.get_model("procedures", "MaterialKind")
    groups: dict[str, dict[str, list[int]]] = {}
    for pk, name in Material.objects.values_list("pk", "name").order_by("pk"):
        groups.setdefault(_normalized(name) or "（未命名材料）", {}).setdefault(name, []).append(pk)
    merged = []
    for name, spellings in sorted(groups.items()):
        kind = MaterialKind.objects.create(name=name[:200])
        ids = [pk for pks in spellings.values() for pk in pks]
        for start in range(0, len(ids), 500):
            Material.objects.filter(pk__in=ids[start : start + 500]).update(kind=kind)
        if len(ids) > 1:
            written = "、".join(f"“{spelling}”" for spelling in spellings)
            merged.append(f"  {name}：{len(ids)} 条材料（写法 {written}）")
    rows = sum(len(pks) for spellings in groups.values() for pks in spellings.values())
    if rows:
        print(f"\n  材料目录：{rows} 条材料归入 {len(groups)} 种材料；同名合并的有：")
        print("\n".join(merged) or "  （无）")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0008_move_search_and_hall_out")]

    operations = [
        migrations.CreateModel(
            name="MaterialKind",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="材料名称")),
                ("aliases", models.JSONField(blank=True, default=list, help_text="同一种材料的其他叫法，如“身份证”。", verbose_name="别名")),
                ("issuer", models.CharField(blank=True, max_length=200, verbose_name="出具单位")),
                ("electronic", models.BooleanField(default=False, help_text="窗口能通过电子证照等方式核验，居民可不带原件。", verbose_name="可电子核验")),
                ("note", models.TextField(blank=True, verbose_name="说明")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
            ],
            options={
                "verbose_name": "材料目录",
                "verbose_name_plural": "材料目录",
                "ordering": ["name"],
                "constraints": [models.CheckConstraint(condition=models.Q(("name", ""), _negated=True), name="material_kind_name_not_empty")],
            },
        ),
        migrations.RunPython(TRIGGERS.drop_triggers, TRIGGERS.create_triggers),
        migrations.AddField(
            model_name="material",
            name="kind",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="materials", to="procedures.materialkind", verbose_name="材料目录"),
        ),
        migrations.RunPython(fill_kinds, migrations.RunPython.noop),
        migrations.RunPython(TRIGGERS.create_triggers, TRIGGERS.drop_triggers),
    ]
