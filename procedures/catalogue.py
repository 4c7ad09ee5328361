"""The material catalogue (材料目录): which kind of document each material row asks for.

A row names its kind explicitly (the editor picked it, or an import's `kind` key), or is
matched by its name against the catalogue's names and aliases; a name nobody has used yet
becomes a new kind. Called by the publishing service, so every path that writes a draft's
materials (editor, import, code) assigns kinds the same way.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from procedures.models import Material, MaterialKind, Procedure


def normalized(name: str) -> str:
    """A name as the catalogue compares it: no outer or repeated whitespace."""
    return " ".join(name.split())


def kinds_by_name() -> dict[str, MaterialKind]:
    """Every kind under its name and each alias; a kind's own name wins over another's alias."""
    found: dict[str, MaterialKind] = {}
    kinds = list(MaterialKind.objects.all())
    for kind in kinds:
        for alias in kind.aliases:
            found.setdefault(normalized(alias), kind)
    found.update((normalized(kind.name), kind) for kind in kinds)
    return found


def attach_kinds(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Material rows with `kind_id` set, and a name where only a kind was given."""
    known: dict[str, MaterialKind] | None = None
    attached = []
    for given in rows:
        row = dict(given)
        kind = row.pop("kind", None)
        if isinstance(kind, MaterialKind):
            row["kind_id"] = kind.pk
            row["name"] = row.get("name") or kind.name
        elif not row.get("kind_id"):
            name = normalized(kind or row.get("name") or "")
            if name:
                if known is None:
                    known = kinds_by_name()
                if name not in known:
                    known[name] = MaterialKind.objects.get_or_create(name=name)[0]
                row["kind_id"] = known[name].pk
        attached.append(row)
    return attached


def usage(kind_ids: Iterable[int] | None = None) -> dict[int, list[tuple[Procedure, Material]]]:
    """For each kind, the public procedures whose version in force asks for it, with the row."""
    public = {
        procedure.current_version_id: procedure
        for procedure in Procedure.objects.public().select_related("category")
    }
    rows = Material.objects.filter(version_id__in=list(public)).order_by("position", "pk")
    if kind_ids is not None:
        rows = rows.filter(kind_id__in=list(kind_ids))
    used: dict[int, list[tuple[Procedure, Material]]] = {}
    for material in rows:
        used.setdefault(material.kind_id, []).append((public[material.version_id], material))
    for entries in used.values():
        entries.sort(key=lambda entry: (entry[0].category.position, entry[0].position))
    return used
