"""Config files: loading, layering, overrides, and one-line errors for bad input."""

from pathlib import Path

import pytest

from exsim.config import ConfigError, default_config, load_config, parse_value
from exsim.model.parameters import PARAMETERS, defaults

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "configs" / "exchange_network.toml"
DESIGNS = ROOT / "configs" / "designs"


def test_default_file_holds_every_parameter_at_its_default():
    assert dict(load_config(DEFAULT).values) == defaults()


def test_default_network_is_calibrated_to_the_real_one():
    cfg = load_config(DEFAULT)
    assert cfg["population.size"] == 54
    assert cfg["event.every"] == 3  # four events a year
    assert cfg["run.steps"] == 120  # ten years
    assert cfg["event.format"] == "action_learning"
    assert 15 <= cfg["attendance.rate"] * 54 <= 25


@pytest.mark.parametrize(
    "name, key, value",
    [
        ("hierarchy_kept", "event.suspension", 0.0),
        ("hierarchy_suspended", "event.suspension", 1.0),
        ("action_learning", "event.format", "action_learning"),
        ("plenary", "event.format", "plenary"),
        ("facilitated_dialogue", "event.format", "facilitated_dialogue"),
    ],
)
def test_designs_are_small_overlays_on_the_default(name, key, value):
    cfg = load_config(DESIGNS / f"{name}.toml")
    assert cfg[key] == value
    changed = {k for k, v in cfg.values.items() if v != PARAMETERS[k].default}
    assert len(changed) <= 3


def test_overrides_apply_after_the_file_and_parse_toml_values():
    cfg = load_config(DEFAULT, ["event.suspension=0", "event.format=plenary", "run.seed=5"])
    assert cfg["event.suspension"] == 0.0
    assert isinstance(cfg["event.suspension"], float)
    assert cfg["event.format"] == "plenary"
    assert cfg["run.seed"] == 5
    assert load_config(DEFAULT, {"event.rounds": 2})["event.rounds"] == 2


def test_parse_value_reads_toml_and_keeps_bare_words():
    assert parse_value("true") is True
    assert parse_value("0.25") == 0.25
    assert parse_value('"plenary"') == "plenary"
    assert parse_value("plenary") == "plenary"


def test_resolved_config_round_trips(tmp_path):
    cfg = load_config(DESIGNS / "hierarchy_kept.toml", ["event.rounds=2"])
    path = tmp_path / "config.toml"
    path.write_text(cfg.to_toml())
    assert dict(load_config(path).values) == dict(cfg.values)


def test_replace_validates():
    cfg = default_config()
    assert cfg.replace(**{"run.seed": 9})["run.seed"] == 9
    with pytest.raises(ConfigError, match="event.suspension"):
        cfg.replace(**{"event.suspension": 3.0})


def write(tmp_path, text, name="c.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "[event]\nsuspention = 1.0\n",
            r"event\.suspention: unknown parameter \(did you mean event\.suspension\?\)",
        ),
        (
            "[event]\nsuspension = 'high'\n",
            r"event\.suspension = 'high' has the wrong type; use a number from 0 to 1",
        ),
        (
            "[event]\nsuspension = 1.5\n",
            r"event\.suspension = 1\.5 is out of range; use a number from 0 to 1",
        ),
        (
            "[event]\nformat = 'lecture'\n",
            r"event\.format = 'lecture' is not allowed; use one of 'action_learning'",
        ),
        ("[event]\nrounds = 2.5\n", r"event\.rounds = 2\.5 has the wrong type; use an integer"),
        (
            "[event]\nsuperiors_present = 1\n",
            r"event\.superiors_present = 1 has the wrong type; use true or false",
        ),
        ("[event\nsuspension = 1\n", r"malformed TOML"),
        ("base = 3\n", r"base: must be a path string"),
        (
            "[population.mix]\npatient=0\ncarer=0\nclinician=0\nresearcher=0\nmanager=0\n",
            r"population\.mix: at least one role",
        ),
    ],
)
def test_bad_files_give_one_line_errors_naming_file_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as err:
        load_config(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path))


def test_missing_file_and_missing_base(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")
    path = write(tmp_path, 'base = "gone.toml"\n')
    with pytest.raises(ConfigError, match=r"base: 'gone.toml' names no file"):
        load_config(path)


def test_base_loop_is_refused(tmp_path):
    write(tmp_path, 'base = "b.toml"\n', "a.toml")
    write(tmp_path, 'base = "a.toml"\n', "b.toml")
    with pytest.raises(ConfigError, match="loop"):
        load_config(tmp_path / "a.toml")


@pytest.mark.parametrize(
    "override, expected",
    [
        ("event.suspention=1", r"--set: event\.suspention: unknown parameter \(did you mean"),
        ("event.suspension", r"--set: 'event\.suspension': use key=value"),
        ("event.suspension=2", r"--set: event\.suspension = 2\.0 is out of range"),
    ],
)
def test_bad_overrides(override, expected):
    with pytest.raises(ConfigError, match=expected):
        load_config(DEFAULT, [override])


def test_default_file_is_the_generated_one():
    from exsim.config import DEFAULT_HEADER, commented_toml

    expected = commented_toml(defaults(), DEFAULT_HEADER)
    assert DEFAULT.read_text() == expected, "regenerate: python -m exsim.config > configs/..."


def test_a_control_character_in_a_set_name_stays_on_one_line():
    from exsim.config import parse_overrides

    with pytest.raises(ConfigError) as err:
        parse_overrides(["0\x1e0=1"])  # hypothesis found \x1e (a line break to splitlines)
    assert len(str(err.value).splitlines()) == 1 and "'0\\x1e0'" in str(err.value)
