"""A pytest plugin that makes ``--dist loadgroup`` group again under pytest 9.2.

pytest-xdist 3.8 tells its scheduler a test's ``xdist_group`` by appending ``@group`` to the
test's ``item._nodeid``; pytest 9.2 keeps node ids in ``item._id`` and ignores that field, so
every grouped test is scheduled on its own: the render tests run at the same time on both
workers and each worker renders the session fixtures again (pytest-dev/pytest-xdist#1386).
This puts the suffix where pytest 9.2 reads it. It does nothing once xdist's suffix shows up in
the node id, so it can go when xdist is fixed. ``tests/conftest.py`` turns it on.
"""
from __future__ import annotations

import pytest


def group_names(item: pytest.Item) -> list[str]:
    """The item's xdist groups, as xdist 3.8 names them."""
    names = {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
             for mark in item.iter_markers("xdist_group")}
    return sorted(names)


@pytest.hookimpl(trylast=True)  # after xdist's own attempt
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):  # set in xdist workers under --dist loadgroup
        return
    from _pytest.nodeid import NodeId  # only pytest >= 9.2 has it, and only it needs the fix

    for item in items:
        names = group_names(item)
        if names and "@" not in item.nodeid.rpartition("]")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
