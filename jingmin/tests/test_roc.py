import datetime as dt

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from jingmin.org.dates import roc_date, roc_datetime


def test_roc_date_examples():
    with translation.override("zh-hant"):
        assert roc_date(dt.date(2026, 11, 29)) == "民國115年11月29日"
        assert roc_date(dt.date(1912, 1, 1)) == "民國1年1月1日"
        assert roc_date(dt.date(1911, 5, 1)) == "民國前1年5月1日"
        assert roc_date(None) == ""
        assert roc_datetime(dt.datetime(2026, 11, 29, 1, 30, tzinfo=dt.UTC)) == "民國115年11月29日 09:30"
    with translation.override("en"):
        assert roc_date(dt.date(2026, 11, 29)) == "ROC 115-11-29"


@given(st.dates(min_value=dt.date(1912, 1, 1)))
def test_roc_year_is_gregorian_minus_1911(d):
    with translation.override("zh-hant"):
        assert roc_date(d).startswith(f"民國{d.year - 1911}年{d.month}月{d.day}日")
