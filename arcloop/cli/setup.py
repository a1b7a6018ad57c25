"""Commands about what a run would use: ``models`` (the registry: limits, prices, settings),
``presets`` (the shipped configurations) and ``doctor`` (the sandbox's protections here).

Not here: changing any of it (configs are files; see the README).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from arcloop.cli.output import config_files, handle_errors, terminal_width, text_table, wrap

if TYPE_CHECKING:
    from arcloop.llm.registry import ModelRow


@click.command()
@config_files("TOML config file whose [models] entries add or override models; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per model.")
@handle_errors
def models(configs: tuple[Path, ...], as_json: bool) -> None:
    """List the models: prices, limits and provider settings (local/search included)."""
    from arcloop.llm.registry import ModelRow, Registry, model_rows
    from arcloop.runs.config import read_toml
    from arcloop.solver.config import SEARCH_MODEL

    registry = Registry.from_config(*(read_toml(c).get("models", {}) for c in configs))
    search = ModelRow(
        name=SEARCH_MODEL,
        rate=None,
        burst=None,
        max_in_flight=None,
        request_timeout=None,
        input_price=0.0,
        cached_input_price=0.0,
        output_price=0.0,
        price_as_of=None,
        api_base=None,
        props={},
    )
    rows = sorted([*model_rows(registry), search], key=lambda r: r.name)
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    click.echo("Prices in $ per million tokens; limits per model (requests/s, burst, in flight).")
    click.echo()
    header = ["model", "input", "cached", "output", "rate/s", "burst", "in flight"]
    click.echo(
        text_table(
            header,
            (
                [
                    r.name,
                    _number(r.input_price, "unknown"),
                    _number(r.cached_input_price, "unknown"),
                    _number(r.output_price, "unknown"),
                    _number(r.rate, "-"),
                    _number(r.burst, "-"),
                    _number(r.max_in_flight, "-"),
                ]
                for r in rows
            ),
            right=range(1, len(header)),
        )
    )
    click.echo()
    click.echo("Settings: price date, request timeout, server and what each request sends.")
    click.echo()
    for r in rows:
        click.echo(wrap(f"{r.name}  " + ", ".join(_settings(r)), 80))


def _number(value: float | None, absent: str) -> str:
    return absent if value is None else f"{value:g}"


def _settings(r: ModelRow) -> list[str]:
    if r.rate is None:  # the offline search: a model that sends no request
        return ["offline program search in this process: no requests, no key, no cost"]
    parts = [f"priced {r.price_as_of}" if r.price_as_of else "no price"]
    if r.request_timeout is not None:
        parts.append(f"timeout {r.request_timeout:g} s")
    if r.api_base:
        parts.append(f"api_base {r.api_base}")
    parts += [f"{k}={json.dumps(v, sort_keys=True)}" for k, v in sorted(r.props.items())]
    return parts


@click.command()
@click.argument("name", required=False)
@handle_errors
def presets(name: str | None) -> None:
    """List the shipped presets, or print one (to copy and edit)."""
    from arcloop.presets import list_presets, preset_text

    if name is not None:
        click.echo(preset_text(name), nl=False)
        return
    shown = list_presets()
    lines = text_table(
        ["preset", "experts", "models"],
        ([p.name, str(p.experts), ", ".join(p.models)] for p in shown),
        right=[1],
    ).splitlines()
    click.echo(lines[0])
    for p, line in zip(shown, lines[1:], strict=True):
        click.echo(line)
        click.echo(wrap(p.description, 80, first="    "))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--model",
    "-m",
    help="Also check this model as a run would: its price, its key, and one tiny request.",
)
@click.option("--api-base", help="Server URL for that model (vLLM, Ollama, a proxy...).")
@config_files("TOML config file declaring the model (price, api_base); repeatable.")
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
        width = terminal_width()
        for line in report.lines():  # wrapped under its text, past the "[on ] " mark
            if width is not None:
                line = wrap(line, max(width, 40), rest=" " * 6)
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
