"""Each fact has one home that the rest of the grader imports: the report languages (`models.LANGS`),
a run's default time limits (`models.CELL_TIMEOUT_S`, `models.RUN_TIMEOUT_S`) and the facts file's
size cap (`inside.facts.MAX_FACTS_BYTES`). These tests hold every place that uses one to its home."""

from __future__ import annotations

import ast
import json
from dataclasses import fields
from pathlib import Path
from typing import get_args

import pytest
import typer.main
from typer.testing import CliRunner

from grader.errors import AssignmentError
from grader.models import CELL_TIMEOUT_S, LANGS, RUN_TIMEOUT_S, Lang, RunLimits

PACKAGE = Path(__file__).resolve().parent.parent / "grader"
NOT_A_LANGUAGE = "zz"


# -- the report languages -----------------------------------------------------------------------

def test_langs_is_the_lang_type():
    assert LANGS == get_args(Lang) and "en" in LANGS  # English: the message ids themselves
    assert NOT_A_LANGUAGE not in LANGS


def _commands(command, path=()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, path + (name,))


def _lang_commands() -> list[tuple[str, ...]]:
    from grader.cli.main import app

    runner = CliRunner()
    return [path for path, _ in _commands(typer.main.get_command(app))
            if path and "--lang" in runner.invoke(app, [*path, "--help"]).output]


def test_every_command_with_a_lang_option_refuses_another_language():
    from grader.cli.main import LangChoice, app

    assert [choice.value for choice in LangChoice] == list(LANGS)
    found = _lang_commands()
    assert {("check",), ("grade",), ("export",)} <= set(found), found
    for path in found:
        result = CliRunner().invoke(app, [*path, "--lang", NOT_A_LANGUAGE])
        assert result.exit_code == 2 and "'--lang'" in result.output, (path, result.output)


@pytest.mark.parametrize("lang", LANGS)
def test_grader_check_accepts_each_language(lang, tmp_path):
    from grader.cli.main import app

    result = CliRunner().invoke(app, ["check", str(tmp_path / "missing.zip"), "--lang", lang, "--json"])
    assert result.exit_code == 2, result.output  # the path is missing, the language is not refused
    doc = json.loads(result.stdout)
    assert doc["status"] == "rejected" and doc["error"] == "usage" and doc["lang"] == lang


def test_the_magic_accepts_exactly_the_languages():
    from grader.notebook.magic import _parser

    for lang in LANGS:
        assert _parser().parse_args(["check", "lab10-mnist", "--lang", lang]).lang == lang
    with pytest.raises(ValueError):
        _parser().parse_args(["check", "lab10-mnist", "--lang", NOT_A_LANGUAGE])


def test_every_language_has_its_catalogue_and_its_report_words():
    from grader.feedback.catalogue import PAGE, REPORT
    from grader.feedback.i18n import CATALOGUES, KO, render
    from grader.message import msg

    assert set(CATALOGUES) == set(LANGS) and CATALOGUES["en"] == {}  # English ids are their own text
    assert all(CATALOGUES[lang] for lang in LANGS if lang != "en")
    said = msg("no Dropout")
    assert render(said, "en") == "no Dropout" and render(said, "ko") == KO["no Dropout"]
    for table in (REPORT, PAGE):
        assert set(table) == set(LANGS)
        for lang in LANGS:  # the same words, nested tables included, in every language
            assert _shape(table[lang]) == _shape(table["en"]), lang


def _shape(words: dict) -> dict:
    return {key: _shape(value) if isinstance(value, dict) else None for key, value in words.items()}


TINY = 'id = "tiny"\n[[checks]]\nid = "a"\ntitle = "A"\npoints = 1\nkind = "no_errors"\n'


def _assignment(tmp_path: Path, text: str):
    from grader.grading.assignment import load

    (tmp_path / "assignment.toml").write_text(text, encoding="utf-8")
    return load(tmp_path)


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_a_check_title_is_translated_into_each_language(lang, tmp_path):
    (spec,) = _assignment(tmp_path, TINY + f'title_{lang} = "A ({lang})"\n').checks
    assert spec.title_for(lang) == f"A ({lang})" and spec.title_for("en") == "A"


def test_a_check_title_in_another_language_is_a_typo(tmp_path):
    with pytest.raises(AssignmentError, match=f"title_{NOT_A_LANGUAGE}"):
        _assignment(tmp_path, TINY + f'title_{NOT_A_LANGUAGE} = "A"\n')


# -- the default time limits ----------------------------------------------------------------------

def test_every_default_time_limit_is_the_one_in_models(tmp_path):
    from grader.execution.config import RunConfig
    from grader.grading import schema

    assert 0 < CELL_TIMEOUT_S <= RUN_TIMEOUT_S
    expected = {"cell_timeout_s": CELL_TIMEOUT_S, "run_timeout_s": RUN_TIMEOUT_S}
    assert {k: getattr(RunLimits(), k) for k in expected} == expected
    assert {f.name: f.default for f in fields(RunConfig) if f.name in expected} == expected
    assert {k: getattr(schema.LimitsTable(), k) for k in expected} == expected
    assert _assignment(tmp_path, TINY).limits == RunLimits()  # an assignment without [limits]


def test_no_module_spells_a_default_time_limit_again():
    spelt = [f"{path.relative_to(PACKAGE)}:{node.lineno}" for path in sorted(PACKAGE.rglob("*.py"))
             if path != PACKAGE / "models.py"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and type(node.value) in (int, float)
             and node.value in (CELL_TIMEOUT_S, RUN_TIMEOUT_S)]
    assert not spelt, spelt


# -- the facts file's size cap --------------------------------------------------------------------

def _facts_of_size(out_dir: Path, size: int) -> None:
    """A valid facts document naming one saved model, `size` bytes long (JSON allows leading blanks)."""
    from grader.inside.facts import FACTS_FILE, FACTS_VERSION

    doc = json.dumps({"version": FACTS_VERSION, "models": [{"artifact": "model1.keras", "dataset": "mnist",
                                                           "transform": {"scale": 1 / 255, "offset": 0.0}}],
                      "cells": [], "notes": [], "saves": [], "loads": []})
    (out_dir / FACTS_FILE).write_text(" " * (size - len(doc)) + doc, encoding="utf-8")
    (out_dir / "model1.keras").write_bytes(b"")


def test_the_reader_takes_the_cap_from_the_facts_contract(tmp_path):
    from grader.execution import trace
    from grader.feedback.i18n import render
    from grader.inside.facts import MAX_FACTS_BYTES

    assert trace.MAX_FACTS_BYTES is MAX_FACTS_BYTES
    _facts_of_size(tmp_path, MAX_FACTS_BYTES)
    assert not any("too large" in render(n, "en") for n in trace.read_facts(tmp_path, {}).notes)
    _facts_of_size(tmp_path, MAX_FACTS_BYTES + 1)
    assert [render(n, "en") for n in trace.read_facts(tmp_path, {}).notes] == \
        ["the trace file was too large and was ignored"]


def test_the_measuring_process_refuses_a_facts_file_over_the_cap(tmp_path):
    from grader.inside.facts import MAX_FACTS_BYTES
    from grader.inside.measure_worker import saved_models

    _facts_of_size(tmp_path, MAX_FACTS_BYTES + 1)
    assert saved_models(str(tmp_path)) == []


def test_the_measuring_process_reads_what_the_reader_reads(tmp_path):
    from grader.inside.facts import MAX_FACTS_BYTES
    from grader.inside.measure_worker import saved_models

    _facts_of_size(tmp_path, MAX_FACTS_BYTES)
    assert [name for name, _, _ in saved_models(str(tmp_path))] == [str(tmp_path / "model1.keras")]
