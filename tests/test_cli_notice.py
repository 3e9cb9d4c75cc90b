"""A slow wait is announced on standard error; a quick one is not."""

from __future__ import annotations

import time

from exsim.cli import notice


def test_a_block_still_running_after_the_delay_is_announced(capsys):
    with notice.said_if_slow("still going", after=0.01):
        time.sleep(0.5)
    assert capsys.readouterr().err == "still going\n"


def test_a_quick_block_says_nothing(capsys):
    with notice.said_if_slow("still going", after=30):
        done = sum(range(10))
    time.sleep(0.05)
    assert done == 45
    assert capsys.readouterr().err == ""


def test_warm_up_leaves_the_compiled_rules_ready(capsys):
    from exsim.model import session

    notice.warm_up()
    assert session.hold_packed.signatures  # compiled or loaded from the cache (the model calls it)
