"""Commands about what a run would use: ``models`` (the registry: limits, prices, settings),
``presets`` (the shipped configurations) and ``doctor`` (the sandbox's protections here).

Not here: changing any of it (configs are files; see the README).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from arcloop.cli.output import console, handle_errors


@click.command()
@click.option("--config", "-c", "configs", multiple=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def models(configs: tuple[Path, ...], as_json: bool) -> None:
    """List the model registry: limits, prices and provider settings."""
    from arcloop.llm.registry import Registry, model_rows
    from arcloop.runs.config import read_toml

    registry = Registry.from_config(*(read_toml(c).get("models", {}) for c in configs))
    rows = model_rows(registry)
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table(
        "model",
        "rate/s",
        "burst",
        "in flight",
        "timeout s",
        "$/M in",
        "$/M cached",
        "$/M out",
        "priced",
        "settings",
    )
    for r in rows:
        table.add_row(
            r.name,
            f"{r.rate:g}",
            str(r.burst),
            str(r.max_in_flight),
            f"{r.request_timeout:g}",
            _price(r.input_price),
            _price(r.cached_input_price),
            _price(r.output_price),
            str(r.price_as_of or "-"),
            json.dumps(r.props, sort_keys=True),
        )
    console().print(table)


def _price(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


@click.command()
@click.argument("name", required=False)
@handle_errors
def presets(name: str | None) -> None:
    """List the shipped presets, or print one (to copy and edit)."""
    from arcloop.presets import list_presets, preset_text

    if name is not None:
        click.echo(preset_text(name), nl=False)
        return
    table = Table("preset", "experts", "models", "description")
    for p in list_presets():
        table.add_row(p.name, str(p.experts), ", ".join(p.models), p.description)
    console().print(table)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--model",
    "-m",
    help="Also check this model as a run would: its price, its key, and one tiny request.",
)
@click.option("--api-base", help="Server URL for that model (vLLM, Ollama, a proxy...).")
@click.option(
    "--config",
    "-c",
    "configs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="TOML config file declaring the model (price, api_base); repeatable.",
)
@handle_errors
def doctor(
    as_json: bool, model: str | None, api_base: str | None, configs: tuple[Path, ...]
) -> None:
    """Show which sandbox protections are on and off on this machine, and what each means;
    with --model, check that model as `arcloop run --check` does."""
    from arcloop.sandbox import doctor_report

    report = doctor_report()
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if model is not None:
        _check_model(model, api_base, configs)


def _check_model(model: str, api_base: str | None, configs: tuple[Path, ...]) -> None:
    """The checks of ``arcloop run --check`` for one model (exit 2 or 3 when one fails)."""
    import asyncio

    from arcloop.runs import preflight
    from arcloop.runs.config import Overrides, resolve
    from arcloop.runs.endpoints import check_endpoints

    config = resolve(files=configs, overrides=Overrides(model=model, api_base=api_base))
    checked = preflight.check(config, None)
    for text in checked.notices:
        click.echo(text, err=True)
    for line in asyncio.run(check_endpoints(config)):
        click.echo(f"[ok ] {line}")
