from __future__ import annotations

import errno
import os

import pytest
from conftest import MakeSite, article_md

from sitegen.build import build
from sitegen.cache import Inputs
from sitegen.config import Config
from sitegen.content import load_content
from sitegen.errors import OutputError, SitegenError
from sitegen.ledger import LEDGER_NAME, update_dates

IS_A_FOLDER = f"cannot be written: {os.strerror(errno.EISDIR)}"


def test_a_ledger_that_cannot_be_written_is_reported_and_tried_again(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    content_dir = site / "content"
    ledger = content_dir / LEDGER_NAME
    ledger.mkdir()  # a folder where the ledger goes: writing it fails
    articles = load_content(content_dir, Config()).articles
    with pytest.raises(OutputError, match=IS_A_FOLDER):
        update_dates(content_dir, articles, Config(), Inputs())
    inputs = Inputs()
    errors: list[SitegenError] = []
    dated = update_dates(content_dir, articles, Config(), inputs, errors=errors).articles
    assert [(type(e), e.path, e.reason) for e in errors] == [(OutputError, ledger, IS_A_FOLDER)]
    assert [a.updated for a in dated] == [a.updated for a in articles]  # first sight: the articles' own dates
    # Nothing on disk tells the next build that the ledger is still to be written: the state
    # recorded does, folder or no folder.
    assert not Inputs(inputs.snapshot()).unchanged(ledger)
    ledger.rmdir()
    assert not Inputs(inputs.snapshot()).unchanged(ledger)


def test_a_build_reports_a_ledger_it_cannot_write_and_builds_the_rest(make_site: MakeSite) -> None:
    site = make_site(content={"a.md": article_md("A story")})
    ledger = site / "content" / LEDGER_NAME
    ledger.mkdir()
    report = build(site)
    assert [(type(e), e.path, e.reason) for e in report.errors] == [(OutputError, ledger, IS_A_FOLDER)]
    assert (site / "output" / "2024" / "05" / "a" / "index.html").is_file()
    ledger.rmdir()
    again = build(site)
    assert again.ok and ledger.is_file()
