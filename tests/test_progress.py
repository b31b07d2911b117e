import io
import sys

from qdn.common.progress import progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal_only(monkeypatch):
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert list(progress(range(5), desc="shifts")) == list(range(5))
    assert "shifts" in term.getvalue() and "0/5" in term.getvalue()  # leave=False clears it at the end

    pipe = io.StringIO()  # not a terminal: no bar
    monkeypatch.setattr(sys, "stderr", pipe)
    assert list(progress(range(5), desc="shifts")) == list(range(5))
    assert pipe.getvalue() == ""


def test_short_loops_get_no_bar(monkeypatch):
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    items = [1]
    assert progress(items, desc="one") is items
    assert term.getvalue() == ""
