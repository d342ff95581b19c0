"""The benchmark's key pages run as many SQL statements at scale 0.01 as at scale 0.001
(issue 11): a page whose statement count grows with the data is caught here, long before the
city-scale benchmark. The page list is bench/pages.py's, shared with bench/run.py."""
import pytest

from bench.pages import PAGES, Visitor
from tests.conftest import _empty_all_tables
from youthagainstguns.demo.bench_data import BenchRefused, seed_bench


def _statements_per_page(app, db, scale: float) -> dict[str, int]:
    """Seed `scale` as `flask seed-bench` does (figures included), open every key page twice,
    return the second visit's statement count; then empty the database again."""
    result = app.test_cli_runner().invoke(args=["seed-bench", "--scale", f"{scale:g}"])
    assert result.exit_code == 0, result.output
    visitor = Visitor(app)
    try:
        counts = {}
        for page in PAGES:
            assert visitor.visit(page).status == 200, page.name
            counts[page.name] = visitor.visit(page).statements
    finally:
        visitor.close()
        db.session.remove()
        _empty_all_tables(db)
    return counts


def test_statements_per_key_page_are_the_same_at_ten_times_the_data(app, db):
    small = _statements_per_page(app, db, 0.001)
    big = _statements_per_page(app, db, 0.01)
    assert big == small
    assert all(small.values())


def test_seed_bench_refuses_a_database_that_holds_data(app, db, make):
    make.school()
    db.session.commit()
    with pytest.raises(BenchRefused, match="already holds data"):
        seed_bench(db.engine, 0.001)
    result = app.test_cli_runner().invoke(args=["seed-bench", "--scale", "0.001"])
    assert result.exit_code != 0 and "already holds data" in result.output


def test_seed_bench_is_refused_under_the_production_config(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_DATA_ALLOWED", False)
    result = app.test_cli_runner().invoke(args=["seed-bench", "--scale", "0.001"])
    assert result.exit_code != 0 and "production" in result.output
    users = db.metadata.tables["users"]
    assert db.session.scalar(db.select(db.func.count()).select_from(users)) == 0
