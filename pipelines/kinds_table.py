"""`riskproof scenarios kinds`: the injection kinds a scenario may name, from their registry."""

from pydantic.fields import FieldInfo
from rich.table import Table

from scenarios.durations import format_duration
from scenarios.injections import KINDS, Profile

PROFILE_FIELDS = set(Profile.model_fields)


def kinds_table() -> Table:
    table = Table(title="injection kinds", header_style="bold", show_lines=True)
    for column in ("kind", "target", "parameters", "material when"):
        table.add_column(column, overflow="fold")
    for name, kind in sorted(KINDS.items(), key=lambda item: (item[1].target, item[0])):
        fields = kind.params.model_fields
        own = [_field(n, f) for n, f in fields.items() if n not in PROFILE_FIELDS]
        shared = [_field(n, fields[n]) for n in ("over", "shape") if n in fields]
        params = "\n".join([*own, *shared, "recover_after, recover_over"])
        meaning = kind.material_meaning
        if kind.material_default:
            meaning += f" (default {kind.material_default:g})"
        table.add_row(name, kind.target, params, meaning)
    return table


def _field(name: str, info: FieldInfo) -> str:
    if info.is_required():
        text = f"{name} (required)"
    else:
        default = info.get_default(call_default_factory=True)
        shown = format_duration(default) if hasattr(default, "total_seconds") else default
        text = f"{name}={shown}"
    return f"{text}: {info.description}" if info.description else text
