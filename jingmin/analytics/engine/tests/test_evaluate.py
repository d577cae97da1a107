"""Rolling-origin evaluation: arithmetic on a hand-made example, CSV reader, projection, CLI."""

import json

import numpy as np
import pytest

from jingmin.analytics.engine.errors import EngineError
from jingmin.analytics.engine.evaluate import (
    evaluate,
    hits_at_coverage,
    main,
    parse_start,
    read_incidents_csv,
)
from jingmin.analytics.engine.forecast import NaiveCounts
from jingmin.analytics.engine.grid import Grid, choose_crs, points_in_polygons, project

START = 17_400.0  # days since 1970


def _row_example():
    """Ten 100 m cells in a row. Before START: burglaries 3, 2, 1 in cells 0-2, one theft in every
    other cell (so all ten are study cells). Test week: burglaries in cells 0, 1 and two in cell 5."""
    x = lambda k: 50.0 + 100 * k  # noqa: E731
    rows = [(START - 10 - k, x(0), "burglary") for k in range(3)]
    rows += [(START - 20 - k, x(1), "burglary") for k in range(2)]
    rows += [(START - 30, x(2), "burglary")]
    rows += [(START - 40, x(k), "theft") for k in range(3, 10)]
    rows += [(START + 1, x(0), "burglary"), (START + 2, x(1), "burglary")]
    rows += [(START + 3, x(5), "burglary"), (START + 6.9, x(5), "Burglary ")]
    rows += [(START + 7.5, x(9), "burglary")]  # after the window: not a test incident
    t = np.array([r[0] for r in rows])
    xy = np.array([[r[1], 50.0] for r in rows])
    cats = [r[2] for r in rows]
    return t, xy, cats


def test_hand_made_hit_rates_and_pai():
    t, xy, cats = _row_example()
    res = evaluate(
        t,
        xy,
        cats,
        category="burglary",
        cell=100,
        start=START,
        weeks=1,
        horizon_days=7,
        coverages=["10", "20", "50", "100"],
        methods=["naive"],
    )
    assert set(res) == {"study_cells", "methods", "best"}
    assert res["study_cells"] == 10
    m = res["methods"]["naive"]
    assert set(m) == {"hit_rate", "pai", "test_incidents", "seconds_per_forecast"}
    assert m["test_incidents"] == 4
    # top 1 cell = cell 0 (1 of 4); top 2 = cells 0, 1 (2 of 4); top 5 = cells 0-2 plus 2 of the 7 tied
    # empty-history cells, which hold 2 incidents: 2 + 2 * 2/7
    assert m["hit_rate"] == pytest.approx({"10": 0.25, "20": 0.5, "50": (2 + 4 / 7) / 4, "100": 1.0})
    assert m["pai"] == pytest.approx({"10": 2.5, "20": 2.5, "50": (2 + 4 / 7) / 4 / 0.5, "100": 1.0})
    assert list(m["hit_rate"]) == ["10", "20", "50", "100"]
    assert m["seconds_per_forecast"] >= 0
    assert res["best"] == "naive"
    json.dumps(res)


def test_rates_are_pooled_over_windows_and_training_grows():
    t, xy, cats = _row_example()
    res = evaluate(
        t,
        xy,
        cats,
        category="burglary",
        cell=100,
        start=START,
        weeks=2,
        horizon_days=7,
        coverages=[10],
        methods="naive",
    )
    m = res["methods"]["naive"]
    # week 2 holds one incident, in cell 9, which has no burglary history: top-1 cell is cell 0 -> miss
    assert m["test_incidents"] == 5
    assert m["hit_rate"]["10"] == pytest.approx(1 / 5)


def test_area_cells_limits_the_study_area():
    t, xy, cats = _row_example()
    area = np.zeros((1, 10), bool)
    area[0, :5] = True
    res = evaluate(
        t, xy, cats, category="burglary", cell=100, start=START, weeks=1, horizon_days=7,
        coverages=[20], methods=["naive"], area_cells=area,
    )  # fmt: skip
    assert res["study_cells"] == 5
    # incidents in cells 0 and 1 only (cell 5 is outside); top 1 of 5 cells = cell 0
    assert res["methods"]["naive"]["test_incidents"] == 2
    assert res["methods"]["naive"]["hit_rate"]["20"] == pytest.approx(0.5)
    as_function = evaluate(
        t, xy, cats, category="burglary", cell=100, start=START, weeks=1, horizon_days=7,
        coverages=[20], methods=["naive"], area_cells=lambda cx, cy: cx < 500,
    )  # fmt: skip
    assert as_function["study_cells"] == 5
    assert as_function["methods"]["naive"]["hit_rate"] == res["methods"]["naive"]["hit_rate"]


def test_future_incidents_do_not_change_the_forecast_scores():
    t, xy, cats = _row_example()
    kw = {
        "category": "burglary",
        "cell": 100,
        "start": START,
        "weeks": 1,
        "horizon_days": 7,
        "coverages": [10, 50],
    }
    a = evaluate(t, xy, cats, methods="all", **kw)
    # a burst of burglaries long after the test window, in study cell 8
    t2 = np.r_[t, START + 30 + np.arange(20)]
    xy2 = np.vstack([xy, np.tile([[850.0, 50.0]], (20, 1))])
    b = evaluate(t2, xy2, list(cats) + ["burglary"] * 20, methods="all", **kw)
    for name in a["methods"]:
        assert a["methods"][name]["hit_rate"] == b["methods"][name]["hit_rate"], name


def test_ties_and_fractional_cells():
    risk = np.array([5.0, 5.0, 1.0, 0.0, 0.0])
    counts = np.array([1.0, 3.0, 2.0, 0.0, 4.0])
    # 20 % of 5 cells = 1 cell, taken from the tied pair: half their 4 incidents
    np.testing.assert_allclose(hits_at_coverage(risk, counts, [0.2, 0.4, 0.6, 0.8, 1.0]), [2, 4, 6, 8, 10])
    # a flat forecast scores exactly the coverage
    flat = hits_at_coverage(np.zeros(10), np.arange(10.0), [0.01, 0.1, 0.5])
    np.testing.assert_allclose(flat, np.array([0.01, 0.1, 0.5]) * 45)


def test_best_is_the_highest_mean_hit_rate():
    t, xy, cats = _row_example()

    class Oracle(NaiveCounts):
        name = "oracle"

        def _predict(self, t_, xy_, grid, start):  # pretends to know cell 5; not a real method
            r = np.zeros(grid.shape)
            r[0, 5] = 1.0
            return r

    res = evaluate(
        t, xy, cats, category="burglary", cell=100, start=START, weeks=1, horizon_days=7,
        coverages=[10], methods=["naive", Oracle()],
    )  # fmt: skip
    assert res["methods"]["oracle"]["hit_rate"]["10"] == pytest.approx(0.5)
    assert res["best"] == "oracle"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": START + 100}, "nothing to evaluate"),
        ({"start": START - 1000}, "nothing to learn from"),
        ({"category": "arson"}, "no incidents of category 'arson'"),
        ({"category": "  "}, "empty"),
        ({"coverages": ["0"]}, "percentage"),
        ({"coverages": ["abc"]}, "not a number"),
        ({"coverages": []}, "at least one coverage"),
        ({"coverages": ["5", "5"]}, "twice"),
        ({"methods": ["oracle"]}, "unknown forecast method"),
        ({"weeks": 0}, "weeks"),
        ({"horizon_days": 0}, "horizon_days"),
        ({"cell": -5}, "cell"),
        ({"area_cells": np.zeros((2, 2), bool)}, "shape"),
        ({"area_cells": np.zeros((1, 10), bool)}, "no grid cells"),
    ],
)
def test_bad_evaluation_input(change, message):
    t, xy, cats = _row_example()
    kw = {
        "category": "burglary",
        "cell": 100,
        "start": START,
        "weeks": 1,
        "horizon_days": 7,
        "coverages": ["10"],
        "methods": ["naive"],
        **change,
    }
    with pytest.raises(EngineError, match=message):
        evaluate(t, xy, cats, **kw)


def test_mismatched_lengths():
    with pytest.raises(EngineError, match="differ in length"):
        evaluate(
            [1.0],
            [[0.0, 0.0]],
            ["a", "b"],
            category="a",
            cell=1,
            start=2,
            weeks=1,
            horizon_days=1,
            coverages=[1],
        )


# ---------------------------------------------------------------------------------------- CSV & CLI
CSV_OK = """id,occurred_at,lat,lon,category
1,2017-05-29T08:00:00+08:00,22.99,120.20,burglary
2,2017-05-30T09:00:00+08:00,22.99,120.20,burglary
3,2017-05-31T10:00:00+08:00,22.995,120.21,theft
4,2017-06-01T23:30:00Z,23.00,120.22,burglary
5,2017-06-06T01:00:00+08:00,22.99,120.20,burglary
6,2017-06-07T12:00:00+08:00,22.995,120.21,burglary
"""


def test_read_csv(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text(CSV_OK, encoding="utf-8")
    inc = read_incidents_csv(p)
    assert len(inc) == 6 and inc.ids[0] == "1"
    assert inc.times[0] == pytest.approx(parse_start("2017-05-29T00:00:00Z"))
    xy, crs = inc.project()
    assert crs == "EPSG:3826"
    assert 150_000 < xy[0, 0] < 250_000 and 2_500_000 < xy[0, 1] < 2_600_000


def test_csv_errors_carry_line_numbers(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text(
        "id,occurred_at,lat,lon,category\n"
        "1,2017-05-29T08:00:00+08:00,22.99,120.20,burglary\n"
        "2,2017-05-29T08:00:00,22.99,120.20,burglary\n"
        "3,yesterday,22.99,120.20,burglary\n"
        "1,2017-05-29T08:00:00+08:00,95,120.20,burglary\n"
        "5,2017-05-29T08:00:00+08:00,22.99,abc,\n"
        "6,2017-05-29T08:00:00+08:00\n",
        encoding="utf-8",
    )
    with pytest.raises(EngineError) as exc:
        read_incidents_csv(p)
    msg = str(exc.value)
    assert "5 bad row(s)" in msg
    assert "line 3: occurred_at '2017-05-29T08:00:00' has no UTC offset" in msg
    assert "line 4: occurred_at 'yesterday' is not an ISO 8601" in msg
    assert "line 5: id '1' repeats line 2; lat '95' is outside ±90" in msg
    assert "line 6: lon 'abc' is not a number; category is empty" in msg
    assert "line 7: expected 5 fields, found 2" in msg


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("id,lat,lon\n", "missing column"),
        ("id,occurred_at,lat,lon,category\n", "no incidents"),
    ],
)
def test_csv_structure_errors(tmp_path, text, message):
    p = tmp_path / "x.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(EngineError, match=message):
        read_incidents_csv(p)


def test_missing_file():
    with pytest.raises(EngineError, match="not found"):
        read_incidents_csv("/nonexistent/incidents.csv")


def test_cli_json(tmp_path, capsys):
    p = tmp_path / "inc.csv"
    p.write_text(CSV_OK, encoding="utf-8")
    argv = ["--incidents", str(p), "--category", "burglary", "--cell", "250", "--start", "2017-06-05"]
    argv += ["--weeks", "1", "--horizon-days", "7", "--coverage", "1,5,10,20", "--method", "all", "--json"]
    argv += ["--tz", "Asia/Taipei"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["study_cells"] == 3
    assert set(out["methods"]) == {"naive", "kde_decay", "sepp", "blend"}
    for m in out["methods"].values():
        assert list(m["hit_rate"]) == ["1", "5", "10", "20"] and m["test_incidents"] == 2
    assert out["best"] in out["methods"]


def test_cli_table_area_and_crs(tmp_path, capsys):
    p = tmp_path / "inc.csv"
    p.write_text(CSV_OK, encoding="utf-8")
    area = tmp_path / "area.geojson"
    square = [[120.19, 22.98], [120.215, 22.98], [120.215, 23.0], [120.19, 23.0], [120.19, 22.98]]
    area.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square]}}))
    argv = ["--incidents", str(p), "--category", "burglary", "--start", "2017-06-05T00:00:00+08:00"]
    argv += ["--weeks", "1", "--method", "naive,sepp", "--area", str(area), "--crs", "EPSG:3826"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "naive" in out and "sepp" in out and "best:" in out


def test_cli_errors_return_2(tmp_path, capsys):
    p = tmp_path / "inc.csv"
    p.write_text(CSV_OK, encoding="utf-8")
    argv = ["--incidents", str(p), "--category", "burglary", "--start", "2018-01-01", "--weeks", "2"]
    assert main(argv) == 2
    assert "nothing to evaluate" in capsys.readouterr().err
    assert main(["--incidents", str(p)]) == 2  # argparse: missing required arguments
    assert main([*argv[:-4], "--start", "June", "--weeks", "1"]) == 2
    assert "ISO 8601" in capsys.readouterr().err
    assert main([*argv, "--crs", "EPSG:999999"]) == 2
    assert "coordinate reference system" in capsys.readouterr().err


# ------------------------------------------------------------------------------------- projection
@pytest.mark.parametrize(
    ("lon", "lat", "crs"),
    [
        (120.2, 23.0, "EPSG:3826"),  # Tainan
        (121.56, 25.03, "EPSG:3826"),  # Taipei
        (119.6, 23.6, "EPSG:3826"),  # Penghu
        (118.32, 24.44, "EPSG:3825"),  # Kinmen
        (-93.27, 44.97, "EPSG:32615"),  # Minneapolis
        (-1.55, 53.8, "EPSG:32630"),  # Leeds
        (151.2, -33.9, "EPSG:32756"),  # Sydney
    ],
)
def test_choose_crs(lon, lat, crs):
    assert choose_crs([lon], [lat]) == crs


def test_projection_override_and_grid_covering():
    xy, crs = project([120.2, 120.3], [23.0, 23.1], "EPSG:32651")
    assert crs == "EPSG:32651"
    g = Grid.covering(xy, 250)
    assert g.origin[0] % 250 == 0 and g.origin[1] % 250 == 0
    assert g.cell_index(xy)[2].all()


def test_points_in_polygon_with_hole():
    outer = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], float)
    hole = np.array([[4, 4], [6, 4], [6, 6], [4, 6]], float)
    pts = [[1, 1], [5, 5], [11, 5], [9.9, 9.9]]
    assert points_in_polygons(pts, [[outer, hole]]).tolist() == [True, False, False, True]
