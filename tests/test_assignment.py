import shutil
from pathlib import Path

import pytest

from grader.grading.assignment import find, load, load_all
from grader.errors import AssignmentError, AssignmentNotFound
from grader.grading.schema import BUILTIN_CHECKS, RULE_NAMES


def test_shipped_assignments_load_with_their_keys_and_reference_figures():
    labs = {a.id: a for a in load_all()}
    assert {"lab09-xor", "lab10-mnist", "lab10-softmax", "lab10-relu", "lab10-init", "lab10-deep",
            "lab10-batchnorm"} <= labs.keys()
    lab10 = labs["lab10-mnist"]
    assert {c.kind for c in lab10.checks} == {"run", "quiz", "save_load"}
    assert set(lab10.quiz["questions"]) == {"1", "2", "3", "4"}
    for lab in labs.values():
        for spec in lab.checks:
            if isinstance(getattr(spec.rules, "min_accuracy", None), str):
                assert spec.rules.min_accuracy in lab.reference, f"run `grader reference {lab.id}`"


def test_unknown_name_lists_the_available_ones():
    with pytest.raises(AssignmentNotFound) as info:
        find("lab99")
    assert "lab10-mnist" in str(info.value)


@pytest.mark.parametrize("toml, words", [
    ('id = "x"\n[[checks]]\nid = "a"\ntitle = "A"\npoints = 1\nkind = "nope"\n', "unknown kind"),
    ('id = "x"\n[[checks]]\nid = "a"\ntitle = "A"\nkind = "run"\n', "missing key 'points'"),
    ('id = "x"\n[[checks]]\nid = "q"\ntitle = "Q"\npoints = 1\nkind = "quiz"\nquestion = "1"\n', "no key"),
    ('id = = "x"', "assignment.toml"),
    ('id = "x"\n[[checks]]\nid = "a"\ntitle = "A"\ntitle_kr = "가"\npoints = 1\nkind = "run"\n', "title_kr"),
])
def test_authoring_mistakes_are_clear(tmp_path, toml, words):
    (tmp_path / "assignment.toml").write_text(toml)
    with pytest.raises(AssignmentError) as info:
        load(tmp_path)
    assert words in str(info.value)


def shipped_copy(tmp_path, lab: str, old: str, new: str):
    folder = tmp_path / lab
    shutil.copytree(find(lab).root, folder)
    toml = (folder / "assignment.toml").read_text()
    assert old in toml
    (folder / "assignment.toml").write_text(toml.replace(old, new, 1))
    return folder


def test_a_misspelled_rule_names_the_file_the_check_the_key_and_the_valid_name(tmp_path):
    folder = shipped_copy(tmp_path, "lab10-relu", 'hidden_activation = "relu"', 'hidden_activaton = "relu"')
    with pytest.raises(AssignmentError) as info:
        load(folder)
    message = str(info.value)
    assert "assignment.toml" in message and "check 'relu'" in message
    assert "unknown key 'hidden_activaton'" in message and "did you mean 'hidden_activation'" in message


@pytest.mark.parametrize("lab, old, new, words", [
    ("lab09-xor", "[limits]", "[limits]\nstal_s = 10", ["'limits.stal_s'", "'stall_s'"]),
    ("lab09-xor", 'match_none = ["mnist"]', 'match_nome = ["mnist"]', ["'match_nome'", "'match_none'"]),
    ("lab09-xor", 'b = { hidden_activation = "relu"', 'b = { hiden_activation = "relu"',
     ["'b.hiden_activation'", "'hidden_activation'"]),
    ("lab09-xor", 'kind = "function"', 'kind = "functoin"', ["unknown kind 'functoin'", "'function'"]),
    ("lab10-deep", 'dropout = "none"', 'dropout = "never"', ["'dropout'", "after_every_hidden"]),
])
def test_every_kind_of_typo_is_an_authoring_error_with_a_suggestion(tmp_path, lab, old, new, words):
    with pytest.raises(AssignmentError) as info:
        load(shipped_copy(tmp_path, lab, old, new))
    for word in words:
        assert word in str(info.value)


def test_the_rule_names_live_in_the_schema_and_the_readme_lists_them():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "hidden_activation" in RULE_NAMES and "min_epochs" in RULE_NAMES
    for name in RULE_NAMES:
        assert f"`{name}`" in readme, f"README does not list rule {name}"


def test_every_built_in_kind_has_its_schema_model():
    from grader.grading.checks import REGISTRY

    assert {kind: registered.rules for kind, registered in REGISTRY.items()} == BUILTIN_CHECKS
    assert all(registered.fn.__module__ == "grader.grading.checks" for registered in REGISTRY.values())


def test_every_shipped_check_has_a_korean_title_and_reports_use_it():
    from pathlib import Path

    from grader.grading.checks import Evidence
    from grader.models import Entry, Run
    from grader.grading.score import score

    for assignment in load_all():
        for spec in assignment.checks:
            assert spec.title_for("ko") != spec.title, (assignment.id, spec.id)
            assert spec.title_for("ko") == spec.rules.title_ko
            assert spec.title_for("en") == spec.title
    lab = find("lab10-mnist")
    nothing = Evidence(Run(entry=Entry(Path("x.ipynb"), "notebook", "x.ipynb"), cells=(), models=()), {})
    titles = {r.id: r.title_for("ko") for r in score(nothing, lab)}
    assert titles["adam-he"] == "Adam 옵티마이저와 He 초기화"
    assert {r.id: r.title for r in score(nothing, lab)}["adam-he"] == "Adam optimizer with He initialisation"
