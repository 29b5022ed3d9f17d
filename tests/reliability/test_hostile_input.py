"""Issue 11 item 5: programmes and patient ids a hostile or careless user gives: a clear one-line
error, nothing broken for the patient afterwards."""
from __future__ import annotations

import pytest

from coach.cli import main
from coach.store import Store


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'data' / 'coach.db'}"


def coach(capfd, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capfd.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("bad", ["../../etc", "", "P/1", "..", " P1", "a" * 65, "P1\n"])
def test_patient_ids_that_are_paths_or_empty_are_refused(url, capfd, bad):
    code, _, err = coach(capfd, "programme", "create", bad, "--db", url)
    assert code != 0 and "invalid patient id" in err and "Traceback" not in err
    with Store.open(url) as s:
        assert s.patients() == []


def test_removing_the_last_exercise_is_refused_and_an_old_empty_version_is_skipped(url, capfd, tmp_path):
    assert coach(capfd, "programme", "create", "P001", "--db", url)[0] == 0
    code, _, err = coach(capfd, "programme", "remove", "P001", "sit-to-stand", "--db", url)
    assert code == 1 and "only exercise" in err
    # A version with no exercise written by an older coach must not lock the patient out.
    from coach.store import schema as t
    with Store.open(url) as s, s.engine.begin() as conn:
        conn.execute(t.programmes.insert().values(patient_id="P001", version=2, created_at=s.patient("P001").created_at,
                                                  author="", note="", body={"patient": "P001", "exercise": []}))
    code, out, err = coach(capfd, "programme", "show", "P001", "--db", url)
    assert code == 0 and "sit-to-stand" in out
    assert coach(capfd, "programme", "history", "P001", "--db", url)[0] == 0
    good = tmp_path / "p.toml"
    good.write_text('patient = "P001"\n[[exercise]]\nname = "squat"\nsets = 2\nreps = 6\n')
    assert coach(capfd, "programme", "import", "P001", str(good), "--db", url)[0] == 0
    assert "squat" in coach(capfd, "programme", "show", "P001", "--db", url)[1]


def test_empty_programme_file_is_a_clear_error(url, capfd, tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text('patient = "P001"\nexercise = []\n')
    code, _, err = coach(capfd, "programme", "create", "P001", "--file", str(empty), "--db", url)
    assert code != 0 and "no exercises" in err
    with Store.open(url) as s:
        assert s.patients() == []  # the bad file changed nothing


def test_create_on_an_existing_patient_does_not_reset_the_programme(url, capfd):
    assert coach(capfd, "programme", "create", "P001", "--db", url)[0] == 0
    assert coach(capfd, "programme", "set", "P001", "sit-to-stand", "reps=9", "--db", url)[0] == 0
    code, _, err = coach(capfd, "programme", "create", "P001", "--db", url)
    assert code == 1 and "already has programme version 2" in err
    with Store.open(url) as s:
        assert s.programme("P001").version == 2 and s.programme("P001").exercise("sit-to-stand").reps == 9


def test_deeply_nested_toml_and_huge_notes(url, capfd, tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text('patient = "P001"\nx = ' + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = coach(capfd, "programme", "create", "P001", "--file", str(deep), "--db", url)
    assert code != 0 and "nested" in err and "RecursionError" not in err and "Traceback" not in err
    big = tmp_path / "big.toml"
    big.write_text('patient = "P001"\nnote = "' + "x" * 60_000 + '"\n[[exercise]]\nname = "squat"\n')
    code, _, err = coach(capfd, "programme", "create", "P001", "--file", str(big), "--db", url)
    assert code != 0 and "at most 20,000" in err
    code, _, err = coach(capfd, "programme", "create", "P002", "--notes", "n" * 50_000_00, "--db", url)
    assert code != 0 and "at most 20,000" in err
    with Store.open(url) as s:
        assert s.patients() == []
