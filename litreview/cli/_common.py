"""Shared pieces of the command modules: opening the review, printing JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from litreview.review import Review, open_review

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def open_from_context(ctx: click.Context) -> Review:
    review = open_review(ctx.obj["db_path"])
    ctx.call_on_close(review.close)
    return review


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
